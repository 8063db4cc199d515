// MARK: - One entry's connection settings, read uniformly

/// What one entry of a service config says about its database connection, whatever the
/// file's format and the driver's spelling. Built by ``ServiceConfig/settings(of:)``.
///
/// Holds no secret: the password is described by its ``ConfigPasswordKind`` only (read the
/// value itself with ``ServiceConfig/password(in:)``, which returns a ``Secret``).
public struct ConnectionSettings: Sendable, Hashable {
    public var entry: String
    public var driver: ServiceDriver
    /// The fields this entry's shape has a place for (whether or not the file sets them).
    public var supportedFields: [ConnectionField]
    /// Every field the file sets, as written (JSON numbers and booleans as spelled), except the
    /// password.
    public var written: [ConnectionField: String]

    /// The host list (one element for an ordinary entry; several for a multi-host string).
    public var hosts: [ConnectionHostList.Host]
    public var port: Int?
    public var database: String?
    public var user: String?
    public var passwordKind: ConfigPasswordKind
    /// The SSL mode word, normalised (`Require`, `require`, `no-verify` → `.require`).
    public var sslMode: SSLMode?
    /// The on/off switch (`"ssl": "true"`, `"SSL": 1`, `Security.Enable`).
    public var sslEnabled: Bool?
    /// The TLS version pin or minimum (Devart `SSL TLS Protocol`, libpq
    /// `ssl_min_protocol_version`, the minimum the `--ssl=` bitmask allows).
    public var tlsMinimum: OpenSSLOptions.ProtocolVersion?
    /// The node.js `--ssl=` bitmask, for services.conf entries.
    public var tlsOptions: OpenSSLOptions?
    public var rootCertificate: String?
    public var clientCertificate: String?
    public var clientKey: String?
    /// Values that are there but mean nothing to the driver (`sslMode: "maybe"`), as messages.
    public var problems: [String]

    public init(entry: String, driver: ServiceDriver, supportedFields: [ConnectionField]) {
        self.entry = entry
        self.driver = driver
        self.supportedFields = supportedFields
        self.written = [:]
        self.hosts = []
        self.passwordKind = .absent
        self.problems = []
    }

    /// Whether the connection can never go out in plaintext, judged the way the driver does:
    /// an SSL mode of `require` or stronger; or, for an entry with only an on/off switch, the
    /// switch on (node-postgres and the .NET services then insist on TLS). An entry with both
    /// (`Security.Enable` + `Mode`) needs both.
    public var requiresTLS: Bool {
        let hasMode = supportedFields.contains(.sslMode)
        let hasSwitch = supportedFields.contains(.sslEnabled)
        let modeOK = sslMode?.requiresTLS ?? false
        let switchOK = sslEnabled ?? false
        switch (hasMode, hasSwitch) {
        case (true, true): return modeOK && switchOK
        case (true, false): return modeOK
        case (false, true): return switchOK
        case (false, false): return false
        }
    }

    /// The libpq sslmode the driver ends up with, for an audit to judge: an on/off switch
    /// that is off — or absent, since the services bind it to a boolean that defaults to
    /// false — means no TLS; otherwise the mode word; a switch alone that is on means
    /// `require`; a file that says nothing gets the driver's default. Nil for node.js TLS
    /// options, which are not a database connection.
    public var effectiveSSLMode: SSLMode? {
        if supportedFields.contains(.sslEnabled), sslEnabled != true { return .disable }
        if let sslMode { return sslMode }
        if sslEnabled == true { return .require }
        return driver.defaultSSLMode
    }
}

extension ServiceDriver {
    /// What the driver does when a connection says nothing about TLS: Devart dotConnect and
    /// node-postgres connect without TLS, Npgsql and libpq `prefer` it. Nil for node.js TLS
    /// options (not a database client).
    public var defaultSSLMode: SSLMode? {
        switch self {
        case .devart, .nodePostgres: .disable
        case .npgsql, .libpq: .prefer
        case .nodeTLS: nil
        }
    }
}
