import Crypto

/// A password sealed for one entry of one config file, so it can sit in that file without
/// being readable there:
///
///     pgwarden:v1:<KEYID>:<base64url(nonce ‖ ciphertext ‖ tag)>
///
/// AES-256-GCM with a fresh 96-bit nonce per value and a 128-bit tag; `KEYID` names the
/// `SealingKey` (8 hex digits). The text uses only `A-Z a-z 0-9 - _ :`, so it needs no
/// quoting in JSON, XML, INI or connection strings.
///
/// **Context.** The associated data is the header (`pgwarden:v1:<KEYID>:`) followed by a
/// context string the caller builds from the file and the entry, for example
/// `Licenses/appsettings.json#licenses.password`. A sealed value copied to another entry, or
/// with its header edited, does not open: a value is only good where pgwarden put it.
public struct SealedSecret: Sendable, Hashable, CustomStringConvertible {
    static let prefix = "pgwarden:"
    static let version = "v1"
    static let nonceByteCount = 12
    static let tagByteCount = 16

    /// The id of the key that sealed this value.
    public let keyID: String
    /// `nonce ‖ ciphertext ‖ tag`.
    let payload: [UInt8]

    // MARK: - Sealing

    /// Seals `plaintext` for `context` with `key`, drawing the nonce from `generator`.
    public static func seal(
        _ plaintext: [UInt8],
        context: String,
        key: SealingKey,
        using generator: inout some RandomNumberGenerator
    ) throws -> SealedSecret {
        let nonceBytes = BinaryText.randomBytes(nonceByteCount, using: &generator)
        do {
            let nonce = try AES.GCM.Nonce(data: nonceBytes)
            let box = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: nonce,
                                       authenticating: associatedData(keyID: key.id, context: context))
            return SealedSecret(keyID: key.id, payload: nonceBytes + Array(box.ciphertext) + Array(box.tag))
        } catch {
            throw CoreError(.crypto, "could not seal the value for \(context)")
        }
    }

    /// Seals `plaintext` with a nonce from the system's secure generator.
    public static func seal(_ plaintext: [UInt8], context: String, key: SealingKey) throws -> SealedSecret {
        var generator = SystemRandomNumberGenerator()
        return try seal(plaintext, context: context, key: key, using: &generator)
    }

    /// Seals a password (its UTF-8 bytes).
    public static func seal(
        _ secret: Secret,
        context: String,
        key: SealingKey,
        using generator: inout some RandomNumberGenerator
    ) throws -> SealedSecret {
        try seal(secret.utf8Bytes, context: context, key: key, using: &generator)
    }

    /// Seals a password with a nonce from the system's secure generator.
    public static func seal(_ secret: Secret, context: String, key: SealingKey) throws -> SealedSecret {
        try seal(secret.utf8Bytes, context: context, key: key)
    }

    init(keyID: String, payload: [UInt8]) {
        self.keyID = keyID
        self.payload = payload
    }

    // MARK: - Opening

    /// The sealed bytes. Throws `.crypto` when the value was sealed with another key, or for
    /// another context, or was altered (GCM cannot tell those last two apart).
    public func openBytes(context: String, key: SealingKey) throws -> [UInt8] {
        guard keyID == key.id else {
            throw CoreError(.crypto, "value for \(context) was sealed with key \(keyID), not with key \(key.id)",
                            hint: "use the key file with id \(keyID), or seal the value again")
        }
        let nonceEnd = Self.nonceByteCount
        let tagStart = payload.count - Self.tagByteCount
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: payload[..<nonceEnd]),
                ciphertext: payload[nonceEnd..<tagStart],
                tag: payload[tagStart...])
            let plaintext = try AES.GCM.open(box, using: key.symmetricKey,
                                             authenticating: Self.associatedData(keyID: keyID, context: context))
            return Array(plaintext)
        } catch {
            throw CoreError(.crypto, "sealed value does not open for \(context): it was sealed for another entry or has been altered",
                            hint: "a sealed value only opens in the entry it was sealed for; seal the password again for this entry")
        }
    }

    /// The sealed password. Also throws `.crypto` when the bytes are not UTF-8 text.
    public func open(context: String, key: SealingKey) throws -> Secret {
        let bytes = try openBytes(context: context, key: key)
        guard let scalars = SASLprep.decodeUTF8(bytes) else {
            throw CoreError(.crypto, "sealed value for \(context) is not UTF-8 text")
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return Secret(String(view))
    }

    static func associatedData(keyID: String, context: String) -> [UInt8] {
        Array("\(prefix)\(version):\(keyID):\(context)".utf8)
    }

    // MARK: - Text form

    /// `pgwarden:v1:<KEYID>:<base64url>`.
    public var text: String {
        "\(Self.prefix)\(Self.version):\(keyID):\(BinaryText.base64URL(payload))"
    }

    /// The text form: it is ciphertext, safe to show.
    public var description: String { text }

    /// Whether `text` is a well-formed sealed value (of any format version this build reads).
    public static func isSealed(_ text: String) -> Bool {
        (try? SealedSecret(parsing: text)) != nil
    }

    /// Parses the text form. Throws `.crypto` for a malformed value and `.unsupported` for a
    /// format version this build does not read; messages never quote the value.
    public init(parsing text: String) throws {
        let scalars = text.unicodeScalars
        guard scalars.starts(with: Self.prefix.unicodeScalars) else {
            throw CoreError(.crypto, "not a sealed value: it must start with '\(Self.prefix)'")
        }
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw Self.malformed("it must read pgwarden:v1:<key id>:<data>")
        }
        let version = String(decoding: parts[1], as: UTF8.self)
        guard version == Self.version else {
            throw CoreError(.unsupported, "sealed value uses format '\(version.prefix(8))', this pgwarden reads \(Self.version)",
                            hint: "upgrade pgwarden, or seal the value again")
        }
        let keyID = String(decoding: parts[2], as: UTF8.self)
        guard parts[2].count == 8, BinaryText.isLowercaseHex(parts[2]) else {
            throw Self.malformed("its key id must be 8 lowercase hex digits")
        }
        guard let payload = BinaryText.bytes(base64URL: Substring(String(decoding: parts[3], as: UTF8.self))) else {
            throw Self.malformed("its data is not base64url")
        }
        guard payload.count >= Self.nonceByteCount + Self.tagByteCount else {
            throw Self.malformed("its data is too short to hold a nonce and a tag")
        }
        self.init(keyID: keyID, payload: payload)
    }

    private static func malformed(_ detail: String) -> CoreError {
        CoreError(.crypto, "malformed sealed value: \(detail)",
                  hint: "the value was damaged when the file was edited; seal the password again")
    }
}
