import _CryptoExtras
import Crypto
import X509

// MARK: - Which kind of key a certificate gets

/// The key types pgwarden issues: ECDSA P-256 by default (small, fast, what every current
/// TLS 1.2/1.3 stack speaks), RSA 3072 for sites whose clients cannot do ECDSA.
///
/// RSA 3072 rather than 2048: it matches P-256's ~128-bit strength (NIST SP 800-57), so
/// choosing RSA for compatibility does not also mean choosing a weaker key.
public enum CertificateKeyAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case p256 = "ecdsa-p256"
    case rsa3072 = "rsa-3072"

    /// A new private key from the system's secure generator.
    public func generateKey() throws -> Certificate.PrivateKey {
        switch self {
        case .p256:
            return Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .rsa3072:
            do {
                return Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits3072))
            } catch {
                throw CoreError(.crypto, "could not generate an RSA 3072 key: \(error)")
            }
        }
    }

    /// What the certificates issued by a CA with `key` get: P-256 keys under an ECDSA CA
    /// (P-256, P-384 or P-521), RSA 3072 keys under an RSA CA of at least 2048 bits; nil for
    /// anything else (Ed25519, small RSA).
    public init?(issuerKey key: Certificate.PublicKey) {
        if P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil || P521.Signing.PublicKey(key) != nil {
            self = .p256
        } else if let rsa = _RSA.Signing.PublicKey(key), rsa.keySizeInBits >= 2048 {
            self = .rsa3072
        } else {
            return nil
        }
    }

    /// How `tls show` names it.
    public var displayName: String {
        switch self {
        case .p256: "ECDSA P-256"
        case .rsa3072: "RSA 3072"
        }
    }
}
