import Crypto

/// A PostgreSQL md5 password verifier: `"md5"` followed by the lowercase hex MD5 of the
/// password bytes immediately followed by the role name.
///
/// pgwarden never creates md5 verifiers for new passwords (it writes SCRAM); it computes them
/// to *recognise* what a site already has: whether `rolpassword` is md5 at all, and, in an
/// audit with a known password, whether it is the md5 of that password for that role (which
/// tells us the consumers' copies still match before we migrate the role to SCRAM).
///
/// The role name acts as the salt, which is why md5 verifiers cannot be moved between roles
/// and why renaming a role clears its md5 password.
public struct MD5Verifier: Sendable, Hashable, CustomStringConvertible {
    /// `"md5"` + 32 hex digits.
    public static let textLength = 35

    /// The 32 lowercase hex digits after `md5`.
    public let digestHex: String

    // MARK: - Computing

    /// The verifier PostgreSQL stores for `password` on `role` (no SASLprep: md5 hashes the
    /// raw bytes).
    public init(password: Secret, role: String) {
        self.init(passwordBytes: password.utf8Bytes, role: role)
    }

    /// Byte form: the password exactly as PostgreSQL received it.
    public init(passwordBytes: [UInt8], role: String) {
        let digest = Insecure.MD5.hash(data: passwordBytes + Array(role.utf8))
        digestHex = BinaryText.hex(digest)
    }

    // MARK: - Recognising

    /// Recognises stored md5 text exactly as PostgreSQL's `get_password_type` does: 35
    /// characters, `md5` then 32 lowercase hex digits. Anything else is not md5 (nil).
    public init?(recognizing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.textLength, bytes.starts(with: "md5".utf8),
              BinaryText.isLowercaseHex(bytes.dropFirst(3))
        else { return nil }
        digestHex = String(decoding: bytes.dropFirst(3), as: UTF8.self)
    }

    /// Whether this verifier is the md5 of `password` for `role`, compared in constant time.
    public func matches(password: Secret, role: String) -> Bool {
        matches(passwordBytes: password.utf8Bytes, role: role)
    }

    /// Byte form of `matches(password:role:)`.
    public func matches(passwordBytes: [UInt8], role: String) -> Bool {
        let candidate = MD5Verifier(passwordBytes: passwordBytes, role: role)
        return BinaryText.constantTimeEqual(Array(candidate.digestHex.utf8), Array(digestHex.utf8))
    }

    // MARK: - Text form

    /// The `rolpassword` text: `md5` + digest.
    public var text: String { "md5" + digestHex }

    /// Redacted: an md5 verifier of a short password falls to a dictionary attack.
    public var description: String { "md5<redacted>" }
}
