// MARK: - Percent-encoding for connection URIs

/// Percent-decoding as libpq does it, and percent-encoding of values pgwarden writes.
///
/// libpq decodes every `%XY` (hex digits, either case) in every part of a URI, refuses a `%`
/// not followed by two hex digits and refuses `%00`; `+` is not a space. When writing, pgwarden
/// encodes every byte outside RFC 3986's unreserved set, which libpq always decodes back.
enum URIPercentEncoding {
    /// Decodes `bytes[range]`. `part` names the URI part in error messages ("password",
    /// "host"), which never quote the part itself since it may be a secret.
    static func decode(
        _ bytes: [UInt8], _ range: Range<Int>, part: String, locator: PlainTextBytes.Locator
    ) throws -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte == 0x25 else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 2 < range.upperBound,
                  let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                throw CoreError(
                    .parse, "invalid percent-encoded token in the URI's \(part)",
                    hint: "write '%' as %25; every '%' must be followed by two hexadecimal digits",
                    position: locator.position(of: index)
                )
            }
            let value = high << 4 | low
            guard value != 0 else {
                throw CoreError(
                    .parse, "forbidden value %00 in the URI's \(part)",
                    hint: "connection parameters cannot contain NUL characters",
                    position: locator.position(of: index)
                )
            }
            decoded.append(value)
            index += 3
        }
        let text = PlainTextBytes.string(decoded)
        guard text.utf8.elementsEqual(decoded) else {
            throw CoreError(
                .parse, "the URI's \(part) decodes to bytes that are not valid UTF-8",
                hint: "percent-encode the UTF-8 bytes of the text",
                position: locator.position(of: range.lowerBound)
            )
        }
        return text
    }

    /// Encodes every byte outside `A–Z a–z 0–9 - . _ ~`.
    static func encode(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) {
                result.append(byte)
            } else {
                result.append(0x25)
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
