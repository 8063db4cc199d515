// MARK: - A service's config file as the audit read it

/// One service config file from the inventory and the connections it holds.
public struct ServiceConfigFacts: Sendable, Hashable, Codable {
    public var name: String
    public var node: String
    public var profile: String
    public var driver: ServiceDriver
    public var file: String
    /// Why the file could not be read or parsed (with file:line:col), if it could not;
    /// the connections that could be read are still listed.
    public var problem: FileProblem?
    public var connections: [ServiceConnectionFact]
    /// For node.js services (`services.conf`): every `[X.parameters]` section's `--ssl=` value.
    public var tlsOptions: [TLSOptionsFact]
    /// Parameters that put a password on a command line (`--password=…`, `password=` in a
    /// connection string argument), by line.
    public var commandLinePasswords: [FileLocation]

    public init(
        name: String, node: String, profile: String, driver: ServiceDriver, file: String, problem: FileProblem? = nil,
        connections: [ServiceConnectionFact] = [], tlsOptions: [TLSOptionsFact] = [], commandLinePasswords: [FileLocation] = []
    ) {
        self.name = name
        self.node = node
        self.profile = profile
        self.driver = driver
        self.file = file
        self.problem = problem
        self.connections = connections
        self.tlsOptions = tlsOptions
        self.commandLinePasswords = commandLinePasswords
    }
}

/// A file that could not be read or parsed, with where.
public struct FileProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public var location: FileLocation
    public var message: String

    public init(location: FileLocation, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// One connection a service makes, in pgwarden's words.
public struct ServiceConnectionFact: Sendable, Hashable, Codable {
    /// The profile's entry name (`QSR`, `licenses`, `Postgres`…).
    public var entry: String
    public var hosts: [String]
    public var port: Int?
    public var database: String?
    public var user: String?
    /// The effective libpq-style mode (drivers' spellings mapped; `ssl: false` → disable).
    public var sslMode: SSLMode?
    /// The setting(s) as written, for evidence (`SSL: 0`, `Ssl Mode=Require`).
    public var sslSetting: String?
    /// A pinned TLS version (Devart `SSL TLS Protocol`), as written.
    public var tlsProtocol: String?
    public var password: ConfigPasswordFact
    /// Where the entry (or its password) is in the file.
    public var location: FileLocation
    /// Ports written with a host of a multi-host list (`db1:5433,db2:5434`), by host; the
    /// other hosts use `port`.
    public var hostPorts: [String: Int]
    /// The CA file the service trusts for verify-ca/verify-full, as written (a Windows path
    /// on the reference deployment).
    public var rootCertificate: String?
    /// `rootCertificate` resolved on this machine (relative paths against the config's
    /// folder), when it is readable here; nil otherwise. Set by the file collector.
    public var rootCertificateFile: String?

    public init(
        entry: String, hosts: [String], port: Int?, database: String?, user: String?, sslMode: SSLMode?,
        sslSetting: String? = nil, tlsProtocol: String? = nil, password: ConfigPasswordFact, location: FileLocation,
        hostPorts: [String: Int] = [:], rootCertificate: String? = nil, rootCertificateFile: String? = nil
    ) {
        self.entry = entry
        self.hosts = hosts
        self.port = port
        self.database = database
        self.user = user
        self.sslMode = sslMode
        self.sslSetting = sslSetting
        self.tlsProtocol = tlsProtocol
        self.password = password
        self.location = location
        self.hostPorts = hostPorts
        self.rootCertificate = rootCertificate
        self.rootCertificateFile = rootCertificateFile
    }

    /// The port the connection uses for `host` (its own, else the connection's, else
    /// PostgreSQL's 5432).
    public func port(for host: String) -> Int {
        hostPorts[host] ?? port ?? 5432
    }
}

/// How a password in a config file is protected (Codable mirror of `ConfigPasswordKind`).
public enum ConfigPasswordFact: String, Sendable, Hashable, Codable {
    case absent, empty, sealed
    case windowsDPAPI = "windows-dpapi"
    case plaintext

    public init(_ kind: ConfigPasswordKind) {
        switch kind {
        case .absent: self = .absent
        case .empty: self = .empty
        case .sealed: self = .sealed
        case .windowsDPAPI: self = .windowsDPAPI
        case .plaintext: self = .plaintext
        }
    }
}

/// A node.js service's `--ssl=` OpenSSL options.
public struct TLSOptionsFact: Sendable, Hashable, Codable {
    public var section: String
    /// The number as written, nil when the section has no `--ssl=`.
    public var value: String?
    /// The lowest version the bitmask leaves enabled (nil when absent or not a number).
    public var minimumVersion: String?
    public var line: Int

    public init(section: String, value: String?, minimumVersion: String?, line: Int) {
        self.section = section
        self.value = value
        self.minimumVersion = minimumVersion
        self.line = line
    }
}

/// A pgpass-style file that may hold stored passwords.
public struct PasswordFileFacts: Sendable, Hashable, Codable {
    public var node: String
    public var file: FileFact
    /// Entries with a non-empty password (the password itself is never recorded).
    public var entries: [StoredPasswordFact]
    /// Lines libpq ignores, with file:line:col.
    public var warnings: [FileProblem]

    public init(node: String, file: FileFact, entries: [StoredPasswordFact] = [], warnings: [FileProblem] = []) {
        self.node = node
        self.file = file
        self.entries = entries
        self.warnings = warnings
    }
}

/// One stored password line, without the password.
public struct StoredPasswordFact: Sendable, Hashable, Codable {
    public var line: Int
    public var host: String
    public var port: String
    public var database: String
    public var user: String

    public init(line: Int, host: String, port: String, database: String, user: String) {
        self.line = line
        self.host = host
        self.port = port
        self.database = database
        self.user = user
    }
}
