// MARK: - How one consumer speaks TLS

/// What one service entry does on the wire, judged the way its driver reads its config:
/// whether it uses TLS at all, which versions it offers, whether it checks the server's
/// certificate and against which CA.
///
/// This is what lets pgwarden log in *as the consumer would* before and after a TLS
/// change, and what the planner uses to see that no driver is left without a protocol
/// version or a cipher suite it speaks.
///
/// Driver facts (from their documentation):
/// - Devart dotConnect: `Ssl Mode` defaults to `Disable`; `SSL TLS Protocol` is the version
///   it offers and defaults to `1.1`; it offers nothing newer than TLS 1.2. Its documented
///   ciphers are AES (128/256), 3DES, DES, RC4 and RC2.
/// - Npgsql: `SSL Mode` defaults to `Prefer` (6.0 and later); the `SSL`/`Security.Enable`
///   switches of the reference page mean "require".
/// - node-postgres: no TLS unless `ssl`/`Security.Enable` is on or a mode is given.
/// - libpq: `sslmode` defaults to `prefer`; `ssl_min_protocol_version` is honoured.
public struct ClientTLSProfile: Sendable, Hashable, Codable {
    public var driver: ServiceDriver
    /// The effective mode, defaults applied.
    public var sslMode: SSLMode
    /// The oldest version the client accepts (nil: the library's own floor).
    public var minimumVersion: TLSVersion?
    /// The newest version the client offers.
    public var maximumVersion: TLSVersion
    /// The CA file it trusts, as written in its config (for verify-ca/verify-full).
    public var rootCertificate: String?

    public init(driver: ServiceDriver, sslMode: SSLMode, minimumVersion: TLSVersion? = nil, maximumVersion: TLSVersion = .tls13, rootCertificate: String? = nil) {
        self.driver = driver
        self.sslMode = sslMode
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.rootCertificate = rootCertificate
    }

    // MARK: From a config entry

    /// The profile of one entry, with the driver's defaults for whatever the file leaves out.
    public init(_ settings: ConnectionSettings) {
        let hasMode = settings.supportedFields.contains(.sslMode)
        let hasSwitch = settings.supportedFields.contains(.sslEnabled)
        let mode: SSLMode
        switch (hasMode, hasSwitch) {
        case (true, true):
            mode = settings.sslEnabled == true ? (settings.sslMode ?? .require) : .disable
        case (false, true):
            mode = settings.sslEnabled == true ? .require : .disable
        default:
            mode = settings.sslMode ?? Self.defaultMode(settings.driver)
        }
        let pinned = settings.tlsMinimum.map(Self.version)
        switch settings.driver {
        case .devart:
            // `SSL TLS Protocol` is what Devart offers, and it offers nothing past 1.2.
            self.init(driver: .devart, sslMode: mode, maximumVersion: min(pinned ?? .tls11, .tls12), rootCertificate: settings.rootCertificate)
        default:
            self.init(driver: settings.driver, sslMode: mode, minimumVersion: pinned, rootCertificate: settings.rootCertificate)
        }
    }

    /// What a driver does when its config says nothing about TLS.
    public static func defaultMode(_ driver: ServiceDriver) -> SSLMode {
        switch driver {
        case .devart, .nodePostgres, .nodeTLS: .disable
        case .npgsql, .libpq: .prefer
        }
    }

    static func version(_ version: OpenSSLOptions.ProtocolVersion) -> TLSVersion {
        switch version {
        case .sslv3: .ssl3
        case .tls1_0: .tls10
        case .tls1_1: .tls11
        case .tls1_2: .tls12
        case .tls1_3: .tls13
        }
    }

    // MARK: What it can negotiate

    /// The versions this client and a server that accepts `serverVersions` have in common.
    public func commonVersions(with serverVersions: [TLSVersion]) -> [TLSVersion] {
        serverVersions.filter { $0 <= maximumVersion && $0 >= (minimumVersion ?? .tls10) }
    }

    /// Whether the driver can negotiate `suite` (TLS 1.3 suites: any driver that speaks 1.3).
    public func canNegotiate(_ suite: CipherSuite) -> Bool {
        if suite.isTLS13 { return maximumVersion >= .tls13 }
        switch driver {
        case .devart:
            // Its documented ciphers, by bulk cipher only (the documentation names no key exchange).
            return [.aesCBC, .aesGCM, .tripleDES, .des, .rc4, .rc2].contains(suite.encryption)
        case .npgsql, .nodePostgres, .libpq, .nodeTLS:
            return true
        }
    }

    /// Whether a TLS connection can succeed against a server accepting `versions` and
    /// `suites`: a version in common, and a suite of that version the driver speaks.
    public func hasSuite(serverVersions versions: [TLSVersion], suites: [CipherSuite]) -> Bool {
        commonVersions(with: versions).contains { version in
            suites.contains { ($0.isTLS13 == (version == .tls13)) && canNegotiate($0) }
        }
    }
}
