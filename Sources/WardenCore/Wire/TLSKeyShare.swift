import Crypto

// MARK: - Key share

/// Ephemeral key shares for the TLS 1.3 `key_share` extension: x25519 and secp256r1.
///
/// Both, because PostgreSQL restricts TLS groups to `ssl_ecdh_curve` (default
/// `prime256v1`): offering x25519 alone earns a HelloRetryRequest instead of a ServerHello.
/// The private halves are kept so a caller could derive handshake keys; they are probe
/// keys, never credentials.
public struct TLSKeyShare: Sendable, Hashable {
    let x25519PrivateKey: [UInt8]
    let p256PrivateKey: [UInt8]
    /// 32 bytes.
    public let x25519PublicKey: [UInt8]
    /// 65 bytes, uncompressed (X9.63) point.
    public let p256PublicKey: [UInt8]

    public init(x25519PrivateKey: [UInt8], p256PrivateKey: [UInt8]) throws {
        do {
            let x25519 = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: x25519PrivateKey)
            let p256 = try P256.KeyAgreement.PrivateKey(rawRepresentation: p256PrivateKey)
            self.x25519PrivateKey = x25519PrivateKey
            self.p256PrivateKey = p256PrivateKey
            self.x25519PublicKey = Array(x25519.publicKey.rawRepresentation)
            self.p256PublicKey = Array(p256.publicKey.x963Representation)
        } catch {
            throw CoreError(.crypto, "a key share needs two valid 32-byte private keys (x25519, P-256)")
        }
    }

    /// The `key_share` extension body: the client_shares list.
    var extensionData: [UInt8] {
        var shares: [UInt8] = []
        shares.appendUInt16(0x001D)  // x25519
        shares.appendLengthPrefixed(2, x25519PublicKey)
        shares.appendUInt16(0x0017)  // secp256r1
        shares.appendLengthPrefixed(2, p256PublicKey)
        var out: [UInt8] = []
        out.appendLengthPrefixed(2, shares)
        return out
    }
}
