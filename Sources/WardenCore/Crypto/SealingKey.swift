import Crypto

/// The site's 256-bit AES key that seals passwords written into service config files
/// (see `SealedSecret`).
///
/// Its **key id** is the first 8 hex digits of SHA-256 of the key bytes. Every sealed value
/// carries it, so pgwarden can say "sealed with another key" instead of a vague decryption
/// failure, and can tell which values still need re-sealing after a key rotation. It reveals
/// nothing useful about the key: SHA-256 is one-way, and 32 bits of a hash of 256 random bits
/// leave the full 2^256 search to an attacker.
///
/// The key file is one line plus comments:
///
///     # pgwarden sealing key ...
///     pgwarden-key v1 <base64 of 32 bytes>
///
/// The key bytes never appear in `description`, `dump` or errors.
public struct SealingKey: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public static let byteCount = 32
    static let keyFileKeyword = "pgwarden-key"
    static let keyFileVersion = "v1"

    let bytes: [UInt8]

    /// 8 lowercase hex digits naming this key (see the type's documentation).
    public let id: String

    /// A key from raw bytes; throws `.invalid` unless there are exactly 32.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw CoreError(.invalid, "a sealing key must be \(Self.byteCount) bytes, found \(bytes.count)",
                            hint: "generate one with pgwarden instead of writing it by hand")
        }
        self.bytes = bytes
        self.id = Self.id(of: bytes)
    }

    static func id(of bytes: [UInt8]) -> String {
        String(BinaryText.hex(SHA256.hash(data: bytes)).prefix(8))
    }

    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    // MARK: - Generating

    /// A new random key from `generator` (the system CSPRNG outside tests).
    public static func generate(using generator: inout some RandomNumberGenerator) -> SealingKey {
        let bytes = BinaryText.randomBytes(byteCount, using: &generator)
        return SealingKey(trustedBytes: bytes)
    }

    /// A new random key from the system's secure generator.
    public static func generate() -> SealingKey {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    private init(trustedBytes: [UInt8]) {
        bytes = trustedBytes
        id = Self.id(of: trustedBytes)
    }

    // MARK: - Never printing it

    public var description: String { "SealingKey(id: \(id))" }
    public var customMirror: Mirror { Mirror(self, children: ["id": id]) }

    /// Equal keys have equal bytes (compared in constant time).
    public static func == (lhs: SealingKey, rhs: SealingKey) -> Bool {
        BinaryText.constantTimeEqual(lhs.bytes, rhs.bytes)
    }
}

// MARK: - Key file

extension SealingKey {
    /// The key file's full text: a comment that says what the file is, then the key line.
    public var keyFileText: String {
        """
        # pgwarden sealing key \(id): it opens every value pgwarden sealed in this site's
        # service configs. Keep this file readable by its owner only (mode 0600);
        # pgwarden refuses to use it otherwise. Back it up: sealed values cannot be
        # recovered without it.
        \(Self.keyFileKeyword) \(Self.keyFileVersion) \(BinaryText.base64(bytes))

        """
    }

    /// Reads a key file. Blank lines and `#` comments are ignored; exactly one
    /// `pgwarden-key v1 <base64>` line must be present. A UTF-8 BOM and CRLF line ends are
    /// accepted (the file may have passed through a Windows editor). Errors carry the line
    /// and column and never quote the key.
    public init(keyFileText text: String) throws {
        var found: (bytes: [UInt8], line: Int)?
        for (index, line) in Self.lines(of: text).enumerated() {
            let lineNumber = index + 1
            let words = Self.words(of: line)
            guard let first = words.first, first.text.unicodeScalars.first != "#" else { continue }

            func error(_ kind: CoreError.Kind, _ message: String, column: Int) -> CoreError {
                CoreError(kind, message, hint: "the key line reads: pgwarden-key v1 <base64 of 32 bytes>",
                          position: TextPosition(line: lineNumber, column: column))
            }
            guard first.text == Self.keyFileKeyword else {
                throw error(.parse, "expected '\(Self.keyFileKeyword)' at the start of the key line", column: first.column)
            }
            guard found == nil else {
                throw error(.parse, "more than one key line (the first is on line \(found?.line ?? 0))", column: first.column)
            }
            guard words.count >= 2 else {
                throw error(.parse, "key line has no version", column: line.unicodeScalars.count + 1)
            }
            guard words[1].text == Self.keyFileVersion else {
                throw error(.unsupported, "key file version is not \(Self.keyFileVersion)", column: words[1].column)
            }
            guard words.count >= 3 else {
                throw error(.parse, "key line has no key", column: line.unicodeScalars.count + 1)
            }
            guard words.count == 3 else {
                throw error(.parse, "unexpected text after the key", column: words[3].column)
            }
            guard let bytes = BinaryText.bytes(base64: words[2].text) else {
                throw error(.parse, "key is not valid base64", column: words[2].column)
            }
            guard bytes.count == Self.byteCount else {
                throw error(.invalid, "key must be \(Self.byteCount) bytes, found \(bytes.count)", column: words[2].column)
            }
            found = (bytes, lineNumber)
        }
        guard let found else {
            throw CoreError(.parse, "no '\(Self.keyFileKeyword) \(Self.keyFileVersion)' line in the key file",
                            hint: "create a key with pgwarden; an empty or comment-only file holds no key")
        }
        self.init(trustedBytes: found.bytes)
    }

    /// Lines split on LF on the scalar view (so CRLF is seen), with a trailing CR and a
    /// leading BOM removed.
    private static func lines(of text: String) -> [Substring] {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        return scalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let trimmed = line.last == "\r" ? line.dropLast() : line
            return Substring(trimmed)
        }
    }

    /// Space/tab separated words with their 1-based columns (in Unicode scalars).
    private static func words(of line: Substring) -> [(text: Substring, column: Int)] {
        var words: [(text: Substring, column: Int)] = []
        var current = String.UnicodeScalarView()
        var start = 0
        for (offset, scalar) in line.unicodeScalars.enumerated() {
            if scalar == " " || scalar == "\t" {
                if !current.isEmpty { words.append((Substring(String(current)), start + 1)) }
                current = String.UnicodeScalarView()
            } else {
                if current.isEmpty { start = offset }
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append((Substring(String(current)), start + 1)) }
        return words
    }
}
