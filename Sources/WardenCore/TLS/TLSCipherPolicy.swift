// MARK: - Which cipher suites the server may negotiate

/// The `ssl_ciphers` pgwarden writes and the suites it means, so the plan and the wire
/// proof judge the same thing: the *effective* set, not the string.
///
/// The string asks OpenSSL for ECDHE key exchange with an AEAD cipher (AES-GCM or
/// ChaCha20-Poly1305) and names the families it must never pick up. On Debian 12's
/// OpenSSL 3 with an ECDSA certificate it leaves three TLS 1.2 suites
/// (ECDHE-ECDSA-AES128-GCM-SHA256, -AES256-GCM-SHA384, -CHACHA20-POLY1305); with an RSA
/// certificate the three ECDHE-RSA ones. TLS 1.3 suites are not governed by `ssl_ciphers`
/// (PostgreSQL before 18 has no setting for them); OpenSSL's three defaults are all AEAD
/// and forward secret.
///
/// The string only ever goes to the server (OpenSSL). It is never handed to NIOSSL, which
/// traps on strings BoringSSL rejects.
public enum TLSCipherPolicy {
    /// What `ssl_ciphers` is set to.
    public static let sslCiphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!EXPORT:!RC4:!3DES:!MD5:!PSK:!SRP:!CAMELLIA"

    /// OpenSSL's default TLS 1.3 suites (`TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256`).
    public static let tls13Suites: [UInt16] = [0x1301, 0x1302, 0x1303]

    /// Whether a suite may be accepted at all: no anonymous, export, NULL, RC4, DES/3DES,
    /// CAMELLIA or MD5 suite, only forward-secret key exchange and AEAD encryption.
    public static func isAcceptable(_ suite: CipherSuite) -> Bool {
        !suite.isWeak && suite.isForwardSecret && suite.isAEAD && suite.encryption != .camelliaCBC && !suite.needsSharedSecret
    }

    /// The TLS ≤ 1.2 suites the string selects for a certificate with `key`: ECDHE with
    /// AES-GCM or ChaCha20-Poly1305, authenticated the way the certificate's key can sign.
    public static func intendedLegacySuites(for key: CertificateFacts.KeyType) -> [CipherSuite] {
        let authentication: CipherSuite.Authentication? = switch key {
        case .rsa, .rsaPSS: .rsa
        case .ec: .ecdsa
        default: nil
        }
        guard let authentication else { return [] }
        return CipherSuiteCatalogue.legacy.filter { suite in
            suite.keyExchange == .ecdhe && suite.authentication == authentication
                && (suite.encryption == .aesGCM || suite.encryption == .chaCha20Poly1305)
        }
    }

    /// Every suite the server should accept with a certificate with `key`: the TLS 1.2
    /// suites of ``intendedLegacySuites(for:)`` and the TLS 1.3 defaults.
    public static func intendedSuites(for key: CertificateFacts.KeyType) -> [UInt16] {
        intendedLegacySuites(for: key).map(\.code) + tls13Suites
    }
}
