import ArgumentParser
import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden connstr show | set

/// The "connection string editor" of the reference page, for every format, from a shell.
struct ConnstrCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connstr",
        abstract: "Show or edit the connection settings of one service config file (any format; detected).",
        subcommands: [Show.self, Set.self])

    /// Options both subcommands share.
    struct FileOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("A service config file: Repository.exe.config, appsettings.json, services.conf, or a libpq string.", valueName: "file"))
        var file: String
        @Option(help: ArgumentHelp("The service profile, when detection guesses wrong.", valueName: "name"))
        var profile: String?

        var path: String { PathResolution.resolve(file, against: FileManager.default.currentDirectoryPath) }

        func open() throws -> (config: ServiceConfig, bytes: [UInt8]) {
            let bytes = try AtomicFile.read(path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw HostError(.io, "\(path) is not UTF-8 text", hint: "pgwarden edits UTF-8 files only")
            }
            if let profile {
                guard let known = ServiceProfile.named(profile) else {
                    throw CoreError(.invalid, "no service profile named '\(profile)'", hint: "profiles: \(ServiceProfile.builtIn.map(\.name).joined(separator: ", "))")
                }
                return (try ServiceConfig(text: text, profile: known, file: path), bytes)
            }
            return (try ServiceConfig.detect(text: text, file: path), bytes)
        }
    }

    // MARK: show

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each entry's settings; passwords are redacted unless --reveal.")
        @OptionGroup var fileOptions: FileOptions
        @Argument(help: ArgumentHelp("Only this entry (QSR, licenses, Postgres, …).", valueName: "entry"))
        var entry: String?
        @Flag(help: "Print passwords: plaintext as written, sealed values opened with the key. Windows DPAPI values stay hidden.")
        var reveal = false
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        struct Report: Encodable {
            var file: String
            var profile: String
            var format: String
            var driver: String
            var entries: [EntryReport]
            var missingEntries: [String]
        }
        struct EntryReport: Encodable {
            var entry: String
            var settings: [String: String]
            var password: PasswordReport
            var requiresTLS: Bool
            /// The oldest TLS version the entry allows, where it says (pin, minimum, --ssl bits).
            var tlsMinimum: String?
            var problems: [String]
        }
        struct PasswordReport: Encodable {
            var kind: String
            var keyID: String?
            var value: String?
        }

        func run() async throws {
            try await reportingErrors {
                let (config, _) = try fileOptions.open()
                let names = try entry.map { [try config.entry(named: $0).name] } ?? config.entries.map(\.name)
                var entries: [EntryReport] = []
                for name in names {
                    let settings = try config.settings(of: name)
                    var values: [String: String] = [:]
                    for (field, text) in settings.written { values[field.rawValue] = text }
                    entries.append(EntryReport(entry: name, settings: values, password: try password(config, name, settings.passwordKind),
                                               requiresTLS: settings.requiresTLS, tlsMinimum: settings.tlsMinimum?.description,
                                               problems: settings.problems))
                }
                let report = Report(file: fileOptions.path, profile: config.profile.name, format: config.profile.format.rawValue,
                                    driver: config.profile.driver.rawValue, entries: entries, missingEntries: config.missingEntries)
                if output.format == .json { try Console.json(report); return }
                Console.out("\(report.file)  (profile \(report.profile), \(report.driver))")
                if config.isWindowsProtected { Console.out("  the connection strings are protected by Windows; nothing to show") }
                for entry in entries {
                    Console.out("\(entry.entry):")
                    for key in entry.settings.keys.sorted() { Console.out("  \(key): \(entry.settings[key] ?? "")") }
                    let described = entry.password.value.map { "\(entry.password.kind): \($0)" } ?? "\(entry.password.kind)\(entry.password.keyID.map { " (key \($0))" } ?? "")"
                    Console.out("  password: \(described)")
                    if config.profile.driver != .nodeTLS { Console.out("  requires TLS: \(entry.requiresTLS ? "yes" : "no")") }
                    if let minimum = entry.tlsMinimum { Console.out("  TLS minimum: \(minimum)") }
                    for problem in entry.problems { Console.out("  problem: \(problem)") }
                }
                for missing in report.missingEntries { Console.out("missing entry: \(missing)") }
            }
        }

        /// Describes the password; its value only with --reveal.
        func password(_ config: ServiceConfig, _ entry: String, _ kind: ConfigPasswordKind) throws -> PasswordReport {
            switch kind {
            case .absent: return PasswordReport(kind: "absent")
            case .empty: return PasswordReport(kind: "empty")
            case .windowsDPAPI: return PasswordReport(kind: "windows-protected")
            case .plaintext:
                return PasswordReport(kind: "plaintext", value: reveal ? try config.password(in: entry)?.revealed : nil)
            case .sealed(let keyID):
                guard reveal, let text = try config.password(in: entry)?.revealed else { return PasswordReport(kind: "sealed", keyID: keyID) }
                let keyFile = try keyOptions.keyFile(inventory: inventoryOptions)
                let keys = [try keyFile.load()] + (try keyFile.retiredKeys())
                guard let key = keys.first(where: { $0.id == keyID }) else {
                    throw HostError(.secret, "the password of '\(entry)' is sealed with key \(keyID), not available in \(keyFile.path)", hint: "pass --key PATH of that key")
                }
                let plain = try SealedSecret(parsing: text).open(context: config.sealContext(for: entry), key: key)
                return PasswordReport(kind: "sealed", keyID: keyID, value: plain.revealed)
            }
        }
    }

    // MARK: set

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set fields of one entry (KEY=VALUE…); a password comes from the prompt or stdin, never argv.",
            discussion: """
            KEY is a field: host, port, database, user, ssl_mode, ssl_enabled, tls_protocol,
            tls_options, root_certificate, client_certificate, client_key (driver spellings
            such as 'Ssl Mode' or dbname are accepted). Values are written in the driver's
            own spelling; tls_options (services.conf --ssl=) takes a minimum version (1.2) or
            the number that means it (369098752), and keeps the file's other bits. Give the word `password` (no '=') to set the password from a
            no-echo prompt or stdin; add --seal to store it sealed.
              pgwarden connstr set Repository.exe.config QSR ssl_mode=require tls_protocol=1.2
              pgwarden connstr set appsettings.json Postgres password --seal < new.pw
              pgwarden connstr set appsettings.json licenses --seal     # seal the current one
            """)
        @OptionGroup var fileOptions: FileOptions
        @Argument(help: ArgumentHelp("The entry to edit.", valueName: "entry"))
        var entry: String
        @Argument(help: ArgumentHelp("Settings to write, or the word `password`.", valueName: "key=value"))
        var assignments: [String] = []
        @Flag(help: "Seal the password (the new one, or the current plaintext one) with the site's key.")
        var seal = false
        @Flag(name: .customLong("replace-windows-protected"), help: "Allow replacing a password protected by Windows (DPAPI); refused otherwise.")
        var replaceWindowsProtected = false
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            for assignment in assignments {
                let (name, value) = Self.split(assignment)
                if let field = Self.field(name), field == .password, value != nil {
                    throw ValidationError("a password on the command line is refused (it would be visible in the process list and shell history). Give `password` without '=' and type it at the prompt or pipe it on stdin")
                }
            }
        }

        func run() async throws {
            try await reportingErrors {
                // With an inventory, the write is a journaled step of the site (lock first).
                let inventory = try inventoryOptions.loadForChangeIfPresent("connstr set")
                let (opened, old) = try fileOptions.open()
                var config = opened
                let entryName = try config.entry(named: entry).name
                var wantsPassword = false
                for assignment in assignments {
                    let (name, value) = Self.split(assignment)
                    guard let field = Self.field(name) else {
                        throw CoreError(.invalid, "unknown setting '\(name)'", hint: "settings: \(ConnectionField.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    if field == .password { wantsPassword = true; continue }
                    guard let value else {
                        throw CoreError(.invalid, "'\(name)' needs a value", hint: "write \(field.rawValue)=VALUE")
                    }
                    // services.conf has the TLS minimum as the --ssl bitmask.
                    let supported = config.supportedFields(of: try config.entry(named: entryName))
                    let target: ConnectionField = field == .tlsProtocol && !supported.contains(.tlsProtocol) && supported.contains(.tlsOptions) ? .tlsOptions : field
                    try config.set(target, try ConnectionValue.parse(value, for: target), in: entryName)
                }
                if wantsPassword {
                    let secret = try SecretInput.read(prompt: "New password for \(entryName) in \(fileOptions.path):")
                    try config.setPassword(secret, in: entryName, replacingWindowsProtected: replaceWindowsProtected)
                }
                if seal {
                    let key = try keyOptions.keyFile(inventory: inventoryOptions).load()
                    if !(try config.sealPassword(in: entryName, key: key)) && !wantsPassword {
                        Console.progress("note: the password of \(entryName) is not plaintext; nothing to seal")
                    }
                }
                let new = Array(config.render().utf8)
                guard new != old else {
                    Console.out("No change: \(fileOptions.path) already says that.")
                    return
                }
                _ = try ServiceConfig(text: String(decoding: new, as: UTF8.self), profile: config.profile, file: fileOptions.path)
                let backup: String
                if let inventory {
                    backup = try await write(new, over: old, entry: entryName, inventory: inventory)
                } else {
                    // No site: the old bytes go beside the file, as a hand edit's backup would.
                    backup = fileOptions.path + ".pgwarden-backup"
                    try AtomicFile.write(new, to: fileOptions.path, backupPath: backup)
                    guard try AtomicFile.read(fileOptions.path) == new else { throw HostError(.verification, "\(fileOptions.path) does not hold what was written") }
                }
                if output.format == .json {
                    try Console.json(["file": fileOptions.path, "entry": entryName, "backup": backup, "outcome": "written"])
                } else {
                    Console.out("Wrote \(fileOptions.path) (entry \(entryName)); the old file is in \(backup)\(inventory == nil ? "" : "; undo with: pgwarden undo").")
                }
            }
        }

        /// The write as a one-step plan of the site: journaled, verified, undone by `pgwarden undo`.
        /// Returns where the old bytes are kept.
        private func write(_ new: [UInt8], over old: [UInt8], entry: String, inventory: Inventory) async throws -> String {
            let path = fileOptions.path
            let step = PlannedStep(id: "connstr/\(path)", title: "\(path): set entry \(entry)", reason: "pgwarden connstr set", diff: [],
                                   action: .writeServiceFile(file: path, expectedSHA256: FileDigest.sha256(old), resultSHA256: FileDigest.sha256(new)))
            let vault = BackupVault(stateDirectory: inventory.stateDirectory, keyFile: try keyOptions.keyFile(inventory: inventoryOptions))
            let executor = PlanExecutor(journal: Journal(inventory: inventory), performer: ServiceFileWriteStep(vault: vault, bytes: new),
                                        command: "connstr set") { Console.progress($0) }
            let (report, exit) = PlanRunner.report(try await executor.run(WardenCore.Plan(site: inventory.site, steps: [step])))
            if let exit {
                Console.out("Writing \(path) failed: \(report.error ?? "")")
                throw exit
            }
            return vault.path(kind: ServiceFileStep.backupKind, sha256: FileDigest.sha256(old))
        }

        static func split(_ assignment: String) -> (String, String?) {
            guard let equals = assignment.firstIndex(of: "=") else { return (assignment, nil) }
            return (String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]))
        }

        /// A field from its pgwarden name or a driver's spelling of it.
        static func field(_ name: String) -> ConnectionField? {
            let folded = name.lowercased().filter { !" -_".contains($0) }
            if let field = ConnectionField.allCases.first(where: { $0.rawValue.filter { $0 != "_" } == folded }) { return field }
            let aliases: [String: ConnectionField] = [
                "server": .host, "datasource": .host, "dbname": .database, "db": .database, "initialcatalog": .database,
                "username": .user, "userid": .user, "uid": .user, "pwd": .password, "psw": .password,
                "sslmode": .sslMode, "ssl": .sslEnabled, "ssltlsprotocol": .tlsProtocol, "sslminprotocolversion": .tlsProtocol,
                "tlsmin": .tlsProtocol, "rootcert": .rootCertificate, "sslrootcert": .rootCertificate, "sslcacert": .rootCertificate,
                "sslcert": .clientCertificate, "sslcertificate": .clientCertificate, "sslkey": .clientKey,
            ]
            return aliases[folded]
        }
    }
}
