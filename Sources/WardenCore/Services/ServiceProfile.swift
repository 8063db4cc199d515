// MARK: - How a service keeps its connection settings

/// Where one kind of service keeps its database connection settings, and in which spelling.
///
/// The reference deployment has a dozen services, each with its own file shape: a Devart
/// connection string inside a .NET XML config, several appsettings.json layouts, and an INI
/// file whose `--ssl=` parameter is an OpenSSL options bitmask. A profile names those places
/// so an inventory entry can be as short as `profile: licenses` plus `file:`.
public struct ServiceProfile: Sendable, Hashable {
    public var name: String
    public var summary: String
    public var format: ServiceFileFormat
    public var driver: ServiceDriver
    public var entries: [Entry]

    public init(name: String, summary: String, format: ServiceFileFormat, driver: ServiceDriver, entries: [Entry]) {
        self.name = name
        self.summary = summary
        self.format = format
        self.driver = driver
        self.entries = entries
    }

    /// One connection a service makes (a file may hold several, e.g. QSR and QSMQ).
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var location: Location
        public init(name: String, location: Location) {
            self.name = name
            self.location = location
        }
    }

    /// Where an entry's settings are in the file.
    public enum Location: Sendable, Hashable {
        /// An `<add name=… connectionString=…>` in a .NET config; fields are connection-string keys.
        case connectionString(name: String)
        /// A JSON object at `path`; `keys` maps each field to a key path relative to that object.
        case jsonObject(path: [String], keys: [ConnectionField: [String]])
        /// Every `[NAME.parameters]` section of an INI file; the field is a `--flag=` parameter.
        case iniParameters(flag: String)
        /// The whole file is one libpq connection string.
        case libpqConnectionString
    }
}

/// The file formats services keep their settings in.
public enum ServiceFileFormat: String, Sendable, Hashable, CaseIterable, Codable {
    case dotnetConfig = "dotnet-config"
    case json
    case ini
    case libpq
}

/// The database driver a service uses; it decides which settings exist (see DESIGN.md).
public enum ServiceDriver: String, Sendable, Hashable, CaseIterable, Codable {
    case devart
    case npgsql
    case nodePostgres = "node-postgres"
    case libpq
    /// Not a database client; holds TLS options for node.js services.
    case nodeTLS = "node-tls"
}

/// A connection setting, in pgwarden's words; profiles map it to each format's key.
public enum ConnectionField: String, Sendable, Hashable, CaseIterable, Codable {
    case host, port, database, user, password
    /// An SSL mode word (`require`, `verify-full`, …).
    case sslMode = "ssl_mode"
    /// An on/off SSL switch (`"ssl": "true"`, `"SSL": 0`, `Security.Enable`).
    case sslEnabled = "ssl_enabled"
    /// A TLS protocol pin (Devart's `SSL TLS Protocol`).
    case tlsProtocol = "tls_protocol"
    case rootCertificate = "root_certificate"
    case clientCertificate = "client_certificate"
    case clientKey = "client_key"
    /// The node.js `--ssl=` OpenSSL options bitmask.
    case tlsOptions = "tls_options"
}
