import Foundation

// MARK: - Reading a service config into facts

/// Turns a service config file's text into ``ServiceConfigFacts`` through the
/// ``ServiceConfig`` facade, so the audit reads each driver's spelling, default and file
/// position exactly as `pgwarden connstr` and the service planner do. It only reads.
///
/// A file that does not parse yields a `problem` with file:line:col; an entry that does not
/// parse (a broken Devart string) yields a problem too, and the other entries are still
/// read, so one broken file or entry never stops an audit.
public enum ServiceConfigReader {
    /// Reads `text` (the file's contents) as `spec` describes it. `displayPath` is how
    /// locations name the file.
    public static func read(_ text: String, spec: ServiceSpec, displayPath: String) -> ServiceConfigFacts {
        var facts = ServiceConfigFacts(
            name: spec.name, node: spec.node, profile: spec.profile.name, driver: spec.profile.driver, file: displayPath)
        let config: ServiceConfig
        do {
            config = try ServiceConfig(text: text, profile: spec.profile, file: displayPath)
        } catch {
            facts.problem = problem(error, file: displayPath)
            return facts
        }
        for entry in config.entries {
            do {
                if spec.profile.format == .ini {
                    facts.tlsOptions.append(try tlsOptions(of: entry.name, in: config))
                } else {
                    facts.connections.append(try connection(entry.name, in: config, file: displayPath))
                }
            } catch {
                facts.problem = problem(error, file: displayPath)
            }
        }
        if spec.profile.format == .ini, let ini = try? INIFile(parsing: text) {
            facts.commandLinePasswords = commandLinePasswords(in: ini, file: displayPath)
        }
        return facts
    }

    static func problem(_ error: any Error, file: String) -> FileProblem {
        guard let error = error as? CoreError else { return FileProblem(location: FileLocation(file: file), message: "\(error)") }
        return FileProblem(location: FileLocation(file: file, line: error.position?.line, column: error.position?.column), message: error.message)
    }

    // MARK: One connection

    static func connection(_ entry: String, in config: ServiceConfig, file: String) throws -> ServiceConnectionFact {
        let settings = try config.settings(of: entry)
        // The password's own position when the file has one (what SVC-004 points at), else the entry's.
        let position = try config.position(of: .password, in: entry)
        var hostPorts: [String: Int] = [:]
        for host in settings.hosts where !host.name.isEmpty {
            if let port = host.port { hostPorts[host.name] = port }
        }
        return ServiceConnectionFact(
            entry: entry, hosts: settings.hosts.map(\.name).filter { !$0.isEmpty }, port: settings.port,
            database: settings.database, user: settings.user, sslMode: settings.effectiveSSLMode,
            sslSetting: try sslSetting(settings, entry: entry, in: config), tlsProtocol: settings.written[.tlsProtocol],
            password: ConfigPasswordFact(settings.passwordKind),
            location: FileLocation(file: file, line: position.line, column: position.column),
            hostPorts: hostPorts, rootCertificate: settings.rootCertificate)
    }

    /// The SSL setting(s) as the file writes them (`Ssl Mode=Require`, `Security.Enable: false,
    /// Security.Mode: disable`), or what the driver does when there are none.
    static func sslSetting(_ settings: ConnectionSettings, entry: String, in config: ServiceConfig) throws -> String {
        let separator = config.profile.format == .json ? ": " : "="
        var written: [String] = []
        for field in [ConnectionField.sslEnabled, .sslMode] {
            guard let value = settings.written[field], let key = try config.spelling(of: field, in: entry) else { continue }
            written.append(key + separator + value)
        }
        if !written.isEmpty { return written.joined(separator: ", ") }
        let keys = try [ConnectionField.sslEnabled, .sslMode].filter(settings.supportedFields.contains).compactMap { try config.spelling(of: $0, in: entry) }
        let outcome = settings.effectiveSSLMode.map { "sslmode \($0.rawValue)" } ?? "no TLS setting"
        return "no \(keys.isEmpty ? "SSL setting" : keys.joined(separator: "/")) (\(outcome) when absent)"
    }

    // MARK: services.conf (node.js TLS options)

    static func tlsOptions(of entry: String, in config: ServiceConfig) throws -> TLSOptionsFact {
        let settings = try config.settings(of: entry)
        let line = try config.position(of: .tlsOptions, in: entry).line
        return TLSOptionsFact(section: try config.spelling(of: nil, in: entry) ?? entry, value: settings.written[.tlsOptions],
                              minimumVersion: settings.tlsMinimum?.description, line: line)
    }

    /// Lines of `[X.parameters]` sections that put a password on a command line.
    static func commandLinePasswords(in ini: INIFile, file: String) -> [FileLocation] {
        var section: String?
        var found: [FileLocation] = []
        for line in ini.lines {
            switch line.kind {
            case .section(let name): section = name
            case .parameter(let name, let value):
                guard let current = section, current.lowercased().hasSuffix(".parameters"), isPasswordParameter(name: name, value: value) else { continue }
                found.append(FileLocation(file: file, line: line.number))
            default: continue
            }
        }
        return found
    }

    /// `--password=x`, `--db-password=x`, or a connection-string argument carrying `password=`.
    static func isPasswordParameter(name: String, value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        if name.lowercased().contains("password") || name.lowercased().hasSuffix("pwd") { return true }
        let lower = value.lowercased()
        return lower.contains("password=") || lower.contains("pwd=") || (lower.hasPrefix("postgres") && lower.contains(":") && lower.contains("@"))
    }
}
