// MARK: - Attribute values: from the file's text to the string .NET reads, and back

/// Decodes and encodes XML attribute values the way an XML 1.0 reader sees them.
///
/// Reading: the five predefined entities and character references (`&#10;`, `&#x41;`) are
/// replaced, and literal tabs and line breaks become spaces (attribute-value normalization; a
/// CR LF becomes one space) — which is why a value with a real line break must be written
/// with `&#10;`. Writing does the reverse with as little escaping as possible: `&`, `<`, the
/// attribute's own quote character, and tab / CR / LF as character references.
enum XMLAttributeText {
    /// The value of the attribute text `bytes[range]` (the text between the quotes).
    /// `name` is the attribute's name, for messages; the value itself never appears in one.
    static func decode(
        _ bytes: [UInt8], _ range: Range<Int>, attribute name: String, positions: UTF8PositionTable
    ) throws(CoreError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "&"):
                var end = index + 1
                while end < range.upperBound, bytes[end] != UInt8(ascii: ";"), isReferenceByte(bytes[end]) { end += 1 }
                guard end < range.upperBound, bytes[end] == UInt8(ascii: ";"), end > index + 1 else {
                    throw CoreError(
                        .parse, "an '&' in the value of attribute \"\(name)\" does not start an entity reference",
                        hint: "write a literal & as &amp;", position: positions.position(of: index))
                }
                let scalar = try resolve(bytes[index + 1..<end], attribute: name, at: positions.position(of: index))
                decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
                index = end + 1
            case UInt8(ascii: "\r"):
                decoded.append(UInt8(ascii: " "))
                let crlf = index + 1 < range.upperBound && bytes[index + 1] == UInt8(ascii: "\n")
                index += crlf ? 2 : 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\t"):
                decoded.append(UInt8(ascii: " "))
                index += 1
            default:
                decoded.append(byte)
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// The offset in `bytes` where the decoded value's scalar number `index` (0-based) is
    /// written: a reference (`&quot;`) or a CR LF is one scalar of the value but several
    /// bytes of the file. An index past the end gives the end of the range.
    static func rawOffset(ofScalar index: Int, in bytes: [UInt8], _ range: Range<Int>) -> Int {
        var offset = range.lowerBound
        var scalar = 0
        while offset < range.upperBound {
            if scalar == index { return offset }
            switch bytes[offset] {
            case UInt8(ascii: "&"):
                var end = offset + 1
                while end < range.upperBound, bytes[end] != UInt8(ascii: ";") { end += 1 }
                offset = min(end + 1, range.upperBound)
            case UInt8(ascii: "\r") where offset + 1 < range.upperBound && bytes[offset + 1] == UInt8(ascii: "\n"):
                offset += 2
            default:
                offset += 1
                while offset < range.upperBound, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            }
            scalar += 1
        }
        return range.upperBound
    }

    /// `value` escaped for an attribute quoted with `quote` (`"` or `'`).
    static func encode(_ value: String, quote: UInt8) -> [UInt8] {
        var text: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): text += Array("&amp;".utf8)
            case UInt8(ascii: "<"): text += Array("&lt;".utf8)
            case UInt8(ascii: "\"") where quote == UInt8(ascii: "\""): text += Array("&quot;".utf8)
            case UInt8(ascii: "'") where quote == UInt8(ascii: "'"): text += Array("&apos;".utf8)
            case UInt8(ascii: "\t"): text += Array("&#9;".utf8)
            case UInt8(ascii: "\n"): text += Array("&#10;".utf8)
            case UInt8(ascii: "\r"): text += Array("&#13;".utf8)
            default: text.append(byte)
            }
        }
        return text
    }

    /// Throws when `value` holds a character XML 1.0 cannot carry at all (even escaped):
    /// control characters other than tab, CR and LF, and U+FFFE / U+FFFF.
    static func checkRepresentable(_ value: String, what: String) throws(CoreError) {
        if value.unicodeScalars.contains(where: { !isXMLCharacter($0.value) }) {
            throw CoreError(
                .invalid, "\(what) contains a control character that an XML file cannot hold",
                hint: "remove control characters (only tab, CR and LF are allowed)")
        }
    }

    // MARK: References

    private static func resolve(
        _ name: ArraySlice<UInt8>, attribute: String, at position: TextPosition
    ) throws(CoreError) -> Unicode.Scalar {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default: break
        }
        guard name.first == UInt8(ascii: "#") else {
            // Do not echo the name: in a connection string it may be part of a password.
            throw CoreError(
                .parse, "unknown entity reference in the value of attribute \"\(attribute)\"",
                hint: "XML knows &amp; &lt; &gt; &quot; &apos; and character references like &#10;; "
                    + "write a literal & as &amp;",
                position: position)
        }
        var digits = name.dropFirst()
        var radix: UInt32 = 10
        if digits.first == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst()
        }
        var value: UInt32 = 0
        var valid = !digits.isEmpty && digits.count <= 8
        for digit in digits where valid {
            guard let digitValue = hexDigitValue(digit), digitValue < radix else {
                valid = false
                break
            }
            value = value * radix + digitValue
        }
        guard valid, isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
            throw CoreError(
                .parse,
                "a character reference in the value of attribute \"\(attribute)\" is not a character XML allows",
                hint: "use a decimal (&#10;) or hex (&#xA;) reference to a real character", position: position)
        }
        return scalar
    }

    /// XML 1.0 `Char`: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private static func isReferenceByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "#"), UInt8(ascii: "_"), UInt8(ascii: "-"),
            UInt8(ascii: "."), UInt8(ascii: ":"), 0x80...0xFF:
            true
        default:
            false
        }
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
