import Crypto

// MARK: - File identity

/// SHA-256 of a file's bytes, in lowercase hex: how a step recognises the file it planned.
public enum FileDigest {
    public static func sha256(_ bytes: [UInt8]) -> String {
        BinaryText.hex(SHA256.hash(data: bytes))
    }
}
