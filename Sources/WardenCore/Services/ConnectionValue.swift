// MARK: - A connection setting's value, in pgwarden's words

/// The value of one ``ConnectionField``, independent of how a driver spells it.
///
/// The facade (``ServiceConfig``) reads each driver's spelling into these values and writes
/// them back in the driver's own spelling, so planners and the audit reason about
/// "SSL mode require" rather than `Ssl Mode=Require`, `"sslMode": "require"` or
/// `"Security": {"Mode": "require"}`. Passwords are not a case here: they are secrets and have
/// their own methods (``ServiceConfig/setPassword(_:in:)``), so a value can always be printed.
public enum ConnectionValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Database, user, certificate paths: plain text.
    case text(String)
    /// One or more hosts, each with its own port if it has one.
    case hosts([ConnectionHostList.Host])
    case port(Int)
    case sslMode(SSLMode)
    /// An on/off TLS switch (`"ssl": "true"`, `"SSL": 1`, `Security.Enable`).
    case switchedOn(Bool)
    /// The oldest TLS version allowed: Devart's `SSL TLS Protocol`, libpq's
    /// `ssl_min_protocol_version`, or the node.js `--ssl=` bitmask's protocol bits.
    case tlsMinimum(OpenSSLOptions.ProtocolVersion)

    public var description: String {
        switch self {
        case .text(let text): text
        case .hosts(let hosts): ConnectionHostList.join(hosts)
        case .port(let port): String(port)
        case .sslMode(let mode): mode.rawValue
        case .switchedOn(let on): on ? "on" : "off"
        case .tlsMinimum(let version): version.description
        }
    }

    // MARK: Parsing what a user typed

    /// Reads `text` as a value for `field`, accepting every driver's spelling (`VerifyFull`,
    /// `verify-full`; `true`, `1`, `on`; `1.2`, `TLSv1.2`). Throws `.invalid` with a hint.
    /// Passwords are refused: they never come from text a user typed on a command line.
    public static func parse(_ text: String, for field: ConnectionField) throws -> ConnectionValue {
        switch field {
        case .password:
            throw CoreError(.invalid, "a password is not given as KEY=VALUE",
                            hint: "give the password on stdin or at the prompt, never on the command line")
        case .host:
            return .hosts(try ConnectionHostList.split(text))
        case .port:
            guard let port = Int(text), (1...65535).contains(port) else {
                throw CoreError(.invalid, "port '\(text)' is not a number from 1 to 65535", hint: "e.g. port=4432")
            }
            return .port(port)
        case .sslMode:
            guard let mode = DriverSpelling.sslMode(text) else {
                throw CoreError(.invalid, "'\(text)' is not an SSL mode",
                                hint: "use disable, allow, prefer, require, verify-ca or verify-full")
            }
            return .sslMode(mode)
        case .sslEnabled:
            guard let on = DriverSpelling.switchValue(text) else {
                throw CoreError(.invalid, "'\(text)' is not on or off", hint: "use true or false")
            }
            return .switchedOn(on)
        case .tlsProtocol:
            guard let version = DriverSpelling.tlsVersion(text) else {
                throw CoreError(.invalid, "'\(text)' is not a TLS version", hint: "use 1.2 or 1.3 (TLSv1.2, TLSv1.3)")
            }
            return .tlsMinimum(version)
        case .tlsOptions:
            return .tlsMinimum(try tlsOptionsMinimum(text))
        case .database, .user, .rootCertificate, .clientCertificate, .clientKey:
            return .text(text)
        }
    }
}

extension ConnectionValue {
    /// `tls_options=` takes what `--ssl=` holds as well as a version: a TLS version (`1.2`),
    /// or the OpenSSL options number that means exactly "this version or newer"
    /// (369098752 for TLS 1.2, the vendor's number). A number with other bits, or with a
    /// hole in the versions, is refused: the edit keeps the file's other bits and sets only
    /// the protocol bits, so it could not write such a number as given.
    static func tlsOptionsMinimum(_ text: String) throws(CoreError) -> OpenSSLOptions.ProtocolVersion {
        if let version = DriverSpelling.tlsVersion(text) { return version }
        let example = OpenSSLOptions(minimum: .tls1_2).rawValue
        guard let options = try? OpenSSLOptions(parsing: text) else {
            throw CoreError(.invalid, "'\(text)' is neither a TLS version nor an OpenSSL options number",
                            hint: "use 1.2 or 1.3 (TLSv1.2, TLSv1.3), or the --ssl number, e.g. \(example) for TLS 1.2 or newer")
        }
        guard let minimum = options.minimumVersion, options == OpenSSLOptions(minimum: minimum) else {
            throw CoreError(.invalid, "OpenSSL options \(text) are not just a minimum TLS version",
                            hint: "give the minimum version (1.2, 1.3) or its number (e.g. \(example)); other bits already in --ssl are kept")
        }
        return minimum
    }
}

// MARK: - Codable for the values steps carry

extension ConnectionHostList.Host: Codable {
    enum CodingKeys: String, CodingKey { case name, port }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name),
                  port: try container.decodeIfPresent(Int.self, forKey: .port))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(port, forKey: .port)
    }
}

extension OpenSSLOptions.ProtocolVersion: Codable {}
