// MARK: - A TLS cipher suite

/// One TLS cipher suite: its IANA code point and names, and what it is made of, so a
/// finding can say *why* a suite a server accepts is weak (export-grade, anonymous, RC4…).
public struct CipherSuite: Sendable, Hashable, CustomStringConvertible {
    public let code: UInt16
    /// The IANA registry name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    public let ianaName: String
    /// OpenSSL's name, e.g. `ECDHE-RSA-AES128-GCM-SHA256` (what `ssl_ciphers` is written in).
    public let openSSLName: String
    public let keyExchange: KeyExchange
    public let authentication: Authentication
    public let encryption: Encryption
    /// Effective secret key bits of the bulk cipher (40 or 56 for export-grade, 0 for NULL).
    public let keyBits: Int
    public let mac: MAC
    /// Export-grade: deliberately weakened for 1990s US export rules.
    public let isExport: Bool

    init(
        _ code: UInt16, _ ianaName: String, openSSL: String,
        _ keyExchange: KeyExchange, _ authentication: Authentication, _ encryption: Encryption,
        bits: Int, _ mac: MAC, export: Bool = false
    ) {
        self.code = code
        self.ianaName = ianaName
        self.openSSLName = openSSL
        self.keyExchange = keyExchange
        self.authentication = authentication
        self.encryption = encryption
        self.keyBits = bits
        self.mac = mac
        self.isExport = export
    }

    // MARK: Parts

    public enum KeyExchange: String, Sendable, Hashable, CaseIterable {
        case rsa = "RSA"
        /// Static Diffie-Hellman from the certificate (no forward secrecy).
        case dh = "DH"
        case dhe = "DHE"
        /// Static ECDH from the certificate (no forward secrecy).
        case ecdh = "ECDH"
        case ecdhe = "ECDHE"
        case psk = "PSK"
        case dhePSK = "DHE-PSK"
        case ecdhePSK = "ECDHE-PSK"
        case rsaPSK = "RSA-PSK"
        case srp = "SRP"
        /// TLS 1.3: negotiated separately (always ephemeral).
        case any = "any"
    }

    public enum Authentication: String, Sendable, Hashable, CaseIterable {
        case rsa = "RSA"
        case dss = "DSS"
        case ecdsa = "ECDSA"
        case psk = "PSK"
        case srp = "SRP"
        /// No authentication at all: anyone in the middle can impersonate the server.
        case anonymous = "None"
        /// TLS 1.3: from the certificate, negotiated separately.
        case any = "any"
    }

    public enum Encryption: String, Sendable, Hashable, CaseIterable {
        case null = "NULL"
        case rc4 = "RC4"
        case rc2 = "RC2"
        case des = "DES"
        case tripleDES = "3DES"
        case idea = "IDEA"
        case seed = "SEED"
        case aesCBC = "AES-CBC"
        case aesGCM = "AES-GCM"
        case aesCCM = "AES-CCM"
        case aesCCM8 = "AES-CCM8"
        case camelliaCBC = "CAMELLIA-CBC"
        case ariaGCM = "ARIA-GCM"
        case chaCha20Poly1305 = "CHACHA20-POLY1305"

        /// Authenticated encryption (no separate MAC, no CBC padding oracles).
        public var isAEAD: Bool {
            switch self {
            case .aesGCM, .aesCCM, .aesCCM8, .ariaGCM, .chaCha20Poly1305: true
            default: false
            }
        }
    }

    public enum MAC: String, Sendable, Hashable, CaseIterable {
        case md5 = "MD5"
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha384 = "SHA384"
        case aead = "AEAD"
    }

    // MARK: Flags

    /// Only TLS 1.3 can negotiate it (code points 0x13xx).
    public var isTLS13: Bool { code >> 8 == 0x13 }
    public var isAnonymous: Bool { authentication == .anonymous }
    public var isNull: Bool { encryption == .null }
    public var isRC4: Bool { encryption == .rc4 }
    /// Single DES (56 bits, or 40 when export).
    public var isDES: Bool { encryption == .des }
    public var is3DES: Bool { encryption == .tripleDES }
    public var isAEAD: Bool { encryption.isAEAD }
    /// Needs a pre-shared key or SRP verifier: a server only picks it when configured for it.
    public var needsSharedSecret: Bool {
        [.psk, .dhePSK, .ecdhePSK, .rsaPSK, .srp].contains(keyExchange)
    }

    /// Ephemeral key exchange: recording the traffic and later stealing the server key
    /// does not decrypt it.
    public var isForwardSecret: Bool {
        switch keyExchange {
        case .dhe, .ecdhe, .dhePSK, .ecdhePSK, .any: true
        case .rsa, .dh, .ecdh, .psk, .rsaPSK, .srp: false
        }
    }

    /// Broken or nearly so today: anonymous, NULL, export, RC4, DES, 3DES (Sweet32), RC2,
    /// or an MD5 MAC. An audit reports these whatever else the server offers.
    public var isWeak: Bool {
        isAnonymous || isNull || isExport || isRC4 || isDES || is3DES
            || encryption == .rc2 || mac == .md5 || (keyBits > 0 && keyBits < 112)
    }

    public var description: String { "\(openSSLName) (0x\(Self.hex(code)))" }

    static func hex(_ code: UInt16) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
