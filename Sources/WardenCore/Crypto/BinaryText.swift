import Foundation

/// The few byte ↔ text encodings the crypto values use (hex, base64, base64url), plus
/// constant-time comparison and random bytes from an injected generator.
///
/// Kept as static functions on one internal namespace instead of extensions on `Array` or
/// `String`, so nothing here can collide with another folder's helpers in the same module.
enum BinaryText {
    // MARK: - Hex

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, two digits a byte (the way PostgreSQL prints md5 digests).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when every character is `0-9` or `a-f` (uppercase is not what PostgreSQL writes).
    static func isLowercaseHex(_ text: some Sequence<UInt8>) -> Bool {
        text.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    // MARK: - Base64 (RFC 4648 §4), strict

    /// Standard base64 with `=` padding, as PostgreSQL stores SCRAM salts and keys.
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes padded standard base64; nil for anything else (whitespace, missing padding,
    /// characters outside the alphabet), so a damaged value is reported, not guessed at.
    static func bytes(base64 text: Substring) -> [UInt8]? {
        guard text.utf8.count % 4 == 0,
              text.utf8.allSatisfy({ isBase64Character($0) || $0 == UInt8(ascii: "=") }),
              let data = Data(base64Encoded: String(text))
        else { return nil }
        return Array(data)
    }

    static func isBase64Character(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    // MARK: - Base64url (RFC 4648 §5), no padding

    /// URL- and filename-safe base64 without padding: only `A-Z a-z 0-9 - _`, so a sealed value
    /// needs no quoting or escaping in JSON, XML, INI or connection strings.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Array(base64(bytes).utf8)
        while text.last == UInt8(ascii: "=") { text.removeLast() }
        for index in text.indices {
            if text[index] == UInt8(ascii: "+") { text[index] = UInt8(ascii: "-") }
            if text[index] == UInt8(ascii: "/") { text[index] = UInt8(ascii: "_") }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes unpadded base64url; nil when any character is outside `A-Z a-z 0-9 - _` or the
    /// length cannot come from whole bytes.
    static func bytes(base64URL text: Substring) -> [UInt8]? {
        var standard: [UInt8] = []
        standard.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            case UInt8(ascii: "+"), UInt8(ascii: "/"): return nil
            default:
                guard isBase64Character(byte) else { return nil }
                standard.append(byte)
            }
        }
        switch standard.count % 4 {
        case 0: break
        case 2: standard.append(contentsOf: Array("==".utf8))
        case 3: standard.append(UInt8(ascii: "="))
        default: return nil
        }
        return bytes(base64: Substring(String(decoding: standard, as: UTF8.self)))
    }

    // MARK: - Constant time

    /// Compares two byte strings without an early exit, so the time taken does not tell an
    /// attacker how many leading bytes of a key or digest they guessed right. (Only the
    /// lengths, which are public here, can differ in timing.)
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }

    // MARK: - Random bytes

    /// `count` bytes from the caller's generator (the system CSPRNG in production, a seeded
    /// generator in tests).
    static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) where out.count < count {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }
}
