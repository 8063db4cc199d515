import Crypto

// MARK: - A hand-built ClientHello

/// A TLS ClientHello built byte by byte, so the probe can offer what no TLS library will:
/// anonymous, export, NULL and RC4 suites, one protocol version at a time, and cipher lists
/// BoringSSL would reject (NIOSSL traps on those).
///
/// The probe never completes a handshake: it only reads how the server answers.
public struct TLSClientHello: Sendable, Hashable {
    /// The one protocol version offered. For TLS 1.3 it travels in `supported_versions`
    /// (with legacy_version 1.2); older versions go in `legacy_version` itself.
    public var version: TLSVersion
    /// Cipher-suite code points, in preference order.
    public var cipherSuites: [UInt16]
    /// SNI host name; left out for IP literals (RFC 6066 forbids them), as libpq does.
    public var serverName: String?
    /// 32 random bytes.
    public var random: [UInt8]
    /// Empty for TLS ≤ 1.2; 32 bytes for TLS 1.3 ("middlebox compatibility mode").
    public var sessionID: [UInt8]
    /// The x25519 and secp256r1 key shares (TLS 1.3 only).
    public var keyShare: TLSKeyShare?
    public var supportedGroups: [UInt16]
    public var signatureAlgorithms: [UInt16]

    // MARK: Defaults

    /// x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072.
    public static let defaultGroups: [UInt16] = [0x001D, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101]

    /// A deliberately broad list, so that no server refuses us for want of a signature
    /// scheme its certificate can make (the point is to learn the cipher, not to be strict).
    public static let defaultSignatureAlgorithms: [UInt16] = [
        0x0403, 0x0503, 0x0603,  // ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512
        0x0807, 0x0808,  // ed25519, ed448
        0x0804, 0x0805, 0x0806,  // rsa_pss_rsae_sha256/384/512
        0x0809, 0x080A, 0x080B,  // rsa_pss_pss_sha256/384/512
        0x0401, 0x0501, 0x0601,  // rsa_pkcs1_sha256/384/512
        0x0303, 0x0301, 0x0302,  // ecdsa_sha224, rsa_sha224, dsa_sha224
        0x0402, 0x0502, 0x0602,  // dsa_sha256/384/512
        0x0203, 0x0201, 0x0202,  // ecdsa_sha1, rsa_pkcs1_sha1, dsa_sha1
    ]

    public init(
        version: TLSVersion,
        cipherSuites: [UInt16],
        serverName: String?,
        random: [UInt8],
        sessionID: [UInt8] = [],
        keyShare: TLSKeyShare? = nil,
        supportedGroups: [UInt16] = TLSClientHello.defaultGroups,
        signatureAlgorithms: [UInt16] = TLSClientHello.defaultSignatureAlgorithms
    ) {
        self.version = version
        self.cipherSuites = cipherSuites
        self.serverName = serverName.flatMap(Self.sniName)
        self.random = random
        self.sessionID = sessionID
        self.keyShare = keyShare
        self.supportedGroups = supportedGroups
        self.signatureAlgorithms = signatureAlgorithms
    }

    /// A hello with fresh randomness (and, for TLS 1.3, a fresh x25519 key share).
    public init(
        version: TLSVersion,
        cipherSuites: [UInt16],
        serverName: String?,
        using generator: inout some RandomNumberGenerator
    ) throws {
        let random = Self.randomBytes(32, using: &generator)
        let isTLS13 = version == .tls13
        self.init(
            version: version,
            cipherSuites: cipherSuites,
            serverName: serverName,
            random: random,
            sessionID: isTLS13 ? Self.randomBytes(32, using: &generator) : [],
            keyShare: isTLS13
                ? try TLSKeyShare(
                    x25519PrivateKey: Self.randomBytes(32, using: &generator),
                    p256PrivateKey: Self.randomBytes(32, using: &generator))
                : nil
        )
    }

    public init(version: TLSVersion, cipherSuites: [UInt16], serverName: String?) throws {
        var generator = SystemRandomNumberGenerator()
        try self.init(version: version, cipherSuites: cipherSuites, serverName: serverName, using: &generator)
    }

    // MARK: Bytes

    /// The whole TLS record (content type 22, record version 1.0, length) to send.
    public var record: [UInt8] {
        let message = handshakeMessage
        var out: [UInt8] = [TLSRecordType.handshake.rawValue]
        // Record-layer version 1.0 for the first flight, as RFC 8446 §5.1 recommends and
        // every mainstream client does: some servers reject a higher one here.
        out.appendUInt16(TLSVersion.tls10.rawValue)
        out.appendLengthPrefixed(2, message)
        return out
    }

    /// The handshake message: type 1 (client_hello), 24-bit length, body.
    public var handshakeMessage: [UInt8] {
        var out: [UInt8] = [1]
        out.appendLengthPrefixed(3, body)
        return out
    }

    var body: [UInt8] {
        var out: [UInt8] = []
        out.appendUInt16(min(version, .tls12).rawValue)  // legacy_version
        out.append(contentsOf: random)
        out.appendLengthPrefixed(1, sessionID)
        var suites: [UInt8] = []
        for suite in cipherSuites { suites.appendUInt16(suite) }
        out.appendLengthPrefixed(2, suites)
        out.appendLengthPrefixed(1, [0])  // compression: null only
        out.appendLengthPrefixed(2, extensions)
        return out
    }

    var extensions: [UInt8] {
        var out: [UInt8] = []
        func add(_ type: UInt16, _ data: [UInt8]) {
            out.appendUInt16(type)
            out.appendLengthPrefixed(2, data)
        }
        if let serverName {
            var entry: [UInt8] = [0]  // name_type host_name
            entry.appendLengthPrefixed(2, Array(serverName.utf8))
            var list: [UInt8] = []
            list.appendLengthPrefixed(2, entry)
            add(0x0000, list)
        }
        add(0x000A, Self.list16(supportedGroups))
        add(0x000B, [1, 0])  // ec_point_formats: uncompressed
        add(0x000D, Self.list16(signatureAlgorithms))
        add(0x0017, [])  // extended_master_secret
        add(0xFF01, [0])  // renegotiation_info: empty (initial handshake)
        if version == .tls13 {
            add(0x002B, [2, 0x03, 0x04])  // supported_versions: TLS 1.3 only
            if let keyShare { add(0x0033, keyShare.extensionData) }
        }
        return out
    }

    static func list16(_ values: [UInt16]) -> [UInt8] {
        var items: [UInt8] = []
        for value in values { items.appendUInt16(value) }
        var out: [UInt8] = []
        out.appendLengthPrefixed(2, items)
        return out
    }

    // MARK: Helpers

    /// The SNI value for a host, or nil for an IP literal or empty name (RFC 6066 allows
    /// only DNS names; libpq and NIOSSL send none for an address). Shared with the sessions.
    public static func sniName(_ host: String) -> String? {
        var name = host
        if name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty || name.contains(":") || IPAddressText.ipv4Bytes(name) != nil { return nil }
        return name
    }

    static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
