import Foundation

// MARK: - Reading a service config into facts

/// Turns a service config file's text into ``ServiceConfigFacts`` through the lossless
/// format types and the service's ``ServiceProfile``.
///
/// This is the audit's small adapter until the `ServiceConfig` facade (another branch)
/// lands; it only reads. A file that does not parse yields a `problem` with file:line:col
/// and whatever entries could still be read, so one broken file never stops an audit.
public enum ServiceConfigReader {
    /// Reads `text` (the file's contents) as `spec` describes it. `displayPath` is how
    /// locations name the file.
    public static func read(_ text: String, spec: ServiceSpec, displayPath: String) -> ServiceConfigFacts {
        var facts = ServiceConfigFacts(
            name: spec.name, node: spec.node, profile: spec.profile.name, driver: spec.profile.driver, file: displayPath)
        do {
            switch spec.profile.format {
            case .dotnetConfig: try readDotNet(text, spec: spec, into: &facts)
            case .json: try readJSON(text, spec: spec, into: &facts)
            case .ini: try readINI(text, into: &facts)
            case .libpq: try readLibpq(text, into: &facts)
            }
        } catch let error as CoreError {
            facts.problem = FileProblem(
                location: FileLocation(file: displayPath, line: error.position?.line, column: error.position?.column),
                message: error.message)
        } catch {
            facts.problem = FileProblem(location: FileLocation(file: displayPath), message: "\(error)")
        }
        return facts
    }

    // MARK: .NET XML with Devart / Npgsql connection strings

    static func readDotNet(_ text: String, spec: ServiceSpec, into facts: inout ServiceConfigFacts) throws {
        let config = try DotNetConfigFile(parsing: text)
        for entry in spec.profile.entries {
            guard case .connectionString(let name) = entry.location, let add = config.entry(named: name) else { continue }
            let location = FileLocation(file: facts.file, line: add.position.line, column: add.position.column)
            let string: ADOConnectionString
            do { string = try ADOConnectionString(parsing: add.connectionString) } catch let error as CoreError {
                // Positions inside the attribute are relative to the string; report the <add>.
                facts.problem = FileProblem(location: location, message: "connection string \(name): \(error.message)")
                continue
            }
            let hosts = (string.value(for: .host)).map { hostNames($0) } ?? []
            let sslText = string.value(for: .sslMode)
            let mode = sslText.flatMap(sslMode) ?? defaultMode(spec.profile.driver)
            facts.connections.append(ServiceConnectionFact(
                entry: name, hosts: hosts, port: string.value(for: .port).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                database: string.value(for: .database), user: string.value(for: .userID), sslMode: mode,
                sslSetting: sslText.map { "SSL Mode=\($0)" } ?? "no SSL Mode (driver default)",
                tlsProtocol: string.value(for: .sslTLSProtocol),
                password: ConfigPasswordFact(ConfigPasswordKind(value: string.value(for: .password))),
                location: location))
        }
    }

    // MARK: appsettings.json

    static func readJSON(_ text: String, spec: ServiceSpec, into facts: inout ServiceConfigFacts) throws {
        let document = try JSONCDocument(parsing: text)
        for entry in spec.profile.entries {
            guard case .jsonObject(let path, let keys) = entry.location,
                  let object = document.node(at: JSONCPath(path.map { .key($0) })) else { continue }
            func value(_ field: ConnectionField) -> JSONCValue? {
                keys[field].flatMap { document.value(at: JSONCPath((path + $0).map { .key($0) })) }
            }
            func string(_ field: ConnectionField) -> String? {
                switch value(field) {
                case .string(let string): string
                case .number(let number): number.spelling
                case .bool(let bool): bool ? "true" : "false"
                default: nil
                }
            }
            let passwordNode = keys[.password].flatMap { document.node(at: JSONCPath((path + $0).map { .key($0) })) }
            let position = passwordNode?.position ?? object.position
            let enabledText = string(.sslEnabled)
            let modeText = string(.sslMode)
            var mode: SSLMode?
            if let enabledText, enabledFlag(enabledText) == false {
                mode = .disable
            } else if let modeText, let parsed = sslMode(modeText) {
                mode = parsed
            } else if let enabledText, enabledFlag(enabledText) == true {
                mode = .require
            } else {
                mode = defaultMode(spec.profile.driver)
            }
            var setting: [String] = []
            if let enabledText, let key = keys[.sslEnabled] { setting.append("\(key.joined(separator: ".")): \(enabledText)") }
            if let modeText, let key = keys[.sslMode] { setting.append("\(key.joined(separator: ".")): \(modeText)") }
            facts.connections.append(ServiceConnectionFact(
                entry: entry.name, hosts: string(.host).map(hostNames) ?? [], port: string(.port).flatMap { Int($0) },
                database: string(.database), user: string(.user), sslMode: mode,
                sslSetting: setting.isEmpty ? "no SSL setting (driver default)" : setting.joined(separator: ", "),
                tlsProtocol: string(.tlsProtocol),
                password: ConfigPasswordFact(ConfigPasswordKind(value: keys[.password] == nil ? nil : string(.password))),
                location: FileLocation(file: facts.file, line: position.line, column: position.column)))
        }
    }

    // MARK: services.conf (node.js TLS options)

    static func readINI(_ text: String, into facts: inout ServiceConfigFacts) throws {
        let file = try INIFile(parsing: text)
        var section: String?
        var sawSSL: [String: Bool] = [:]
        var sectionLines: [String: Int] = [:]
        for line in file.lines {
            switch line.kind {
            case .section(let name):
                section = name
                if name.lowercased().hasSuffix(".parameters") {
                    sawSSL[name] = sawSSL[name] ?? false
                    sectionLines[name] = sectionLines[name] ?? line.number
                }
            case .parameter(let name, let value):
                guard let current = section, current.lowercased().hasSuffix(".parameters") else { continue }
                if name == "--ssl" {
                    sawSSL[current] = true
                    let minimum = value.flatMap { UInt64($0) }.map { OpenSSLOptions(rawValue: $0) }?.minimumVersion
                    facts.tlsOptions.append(TLSOptionsFact(section: current, value: value, minimumVersion: minimum?.description, line: line.number))
                }
                if isPasswordParameter(name: name, value: value) {
                    facts.commandLinePasswords.append(FileLocation(file: facts.file, line: line.number))
                }
            default: continue
            }
        }
        for (name, seen) in sawSSL.sorted(by: { $0.key < $1.key }) where !seen {
            facts.tlsOptions.append(TLSOptionsFact(section: name, value: nil, minimumVersion: nil, line: sectionLines[name] ?? 0))
        }
    }

    /// `--password=x`, `--db-password=x`, or a connection-string argument carrying `password=`.
    static func isPasswordParameter(name: String, value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        if name.lowercased().contains("password") || name.lowercased().hasSuffix("pwd") { return true }
        let lower = value.lowercased()
        return lower.contains("password=") || lower.contains("pwd=") || (lower.hasPrefix("postgres") && lower.contains(":") && lower.contains("@"))
    }

    // MARK: libpq connection string file

    static func readLibpq(_ text: String, into facts: inout ServiceConfigFacts) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let string = try LibpqConnectionString(parsing: trimmed)
        let hosts = (try? string.hosts().map(\.name)) ?? (string.value(for: "host").map(hostNames) ?? [])
        let port = (try? string.hosts().compactMap(\.port).first) ?? string.value(for: "port").flatMap { Int($0) }
        let modeText = string.value(for: "sslmode")
        var setting = modeText.map { "sslmode=\($0)" } ?? "no sslmode (libpq default prefer)"
        if let minimum = string.value(for: "ssl_min_protocol_version") { setting += ", ssl_min_protocol_version=\(minimum)" }
        facts.connections.append(ServiceConnectionFact(
            entry: "conninfo", hosts: hosts, port: port, database: string.value(for: "dbname"), user: string.value(for: "user"),
            sslMode: modeText.flatMap(sslMode) ?? .prefer, sslSetting: setting,
            tlsProtocol: string.value(for: "ssl_min_protocol_version"),
            password: ConfigPasswordFact(ConfigPasswordKind(value: string.value(for: "password"))),
            location: FileLocation(file: facts.file, line: 1, column: 1)))
    }

    // MARK: Spellings

    /// Any driver's spelling of an SSL mode (`Require`, `VerifyFull`, `verify-full`, `verify_full`).
    public static func sslMode(_ text: String) -> SSLMode? {
        let folded = text.lowercased().filter { $0.isLetter }
        switch folded {
        case "disable", "disabled", "off", "false", "none": return .disable
        case "allow": return .allow
        case "prefer", "preferred": return .prefer
        case "require", "required", "on", "true": return .require
        case "verifyca": return .verifyCA
        case "verifyfull", "noverify": return folded == "noverify" ? .require : .verifyFull
        default: return nil
        }
    }

    /// `true`/`false`/`1`/`0`/`yes`/`no` → Bool.
    static func enabledFlag(_ text: String) -> Bool? {
        switch text.lowercased().trimmingCharacters(in: .whitespaces) {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// What the driver does when the file says nothing about TLS.
    static func defaultMode(_ driver: ServiceDriver) -> SSLMode? {
        switch driver {
        case .devart, .nodePostgres: .disable
        case .npgsql, .libpq: .prefer
        case .nodeTLS: nil
        }
    }

    /// `a,b` (multi-host) → [a, b], without ports or quotes.
    static func hostNames(_ value: String) -> [String] {
        if let hosts = try? ConnectionHostList.split(value) { return hosts.map(\.name).filter { !$0.isEmpty } }
        return [value.trimmingCharacters(in: .whitespaces)].filter { !$0.isEmpty }
    }
}
