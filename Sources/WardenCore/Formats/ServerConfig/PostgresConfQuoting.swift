// MARK: - Writing and reading postgresql.conf values

/// How a value is spelled in `postgresql.conf`, in both directions.
///
/// Reading follows the server's `DeescapeQuotedString`: inside single quotes, `''` is a
/// quote, `\b \f \n \r \t` are control characters, `\` and up to three octal digits is a
/// byte, and `\` before anything else is that thing. Writing does the reverse with the
/// fewest escapes: doubled quotes (the manual's preferred form), and backslash escapes
/// only for a backslash itself and line breaks, which a quoted string cannot contain raw.
public enum PostgresConfQuoting {
    /// `value` as a quoted `postgresql.conf` string: `it's` → `'it''s'`,
    /// `C:\data` → `'C:\\data'`.
    public static func quoted(_ value: String) -> String {
        var result = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "'": result += "''"
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "'"
    }

    /// Whether `value` can be written without quotes and reads back unchanged: it is one
    /// identifier, number, or unquoted string token (`on`, `4432`, `128MB`, `replica`,
    /// `scram-sha-256`). A qualified name such as `a.b` is not: the server reads it as a
    /// parameter name and rejects the line.
    public static func canBeWrittenBare(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { return false }
        let (tokens, comment) = PostgresConfLexer.tokens(in: bytes, from: 0, to: bytes.count)
        guard comment == nil, tokens.count == 1, let token = tokens.first, token.range == 0..<bytes.count else {
            return false
        }
        switch token.kind {
        case .identifier, .unquotedString, .integer, .real: return true
        case .qualifiedIdentifier, .string, .equals, .error: return false
        }
    }

    /// The value a quoted token stands for (the token includes both quotes).
    ///
    /// Like the server (which keeps values as C strings), an escaped NUL (`\0`) ends the value.
    static func unquoted(_ token: ArraySlice<UInt8>) -> String {
        let inner = token.dropFirst().dropLast()
        var output: [UInt8] = []
        var index = inner.startIndex
        scanning: while index < inner.endIndex {
            let byte = inner[index]
            if byte == UInt8(ascii: "\\"), index + 1 < inner.endIndex {
                index += 1
                let escaped = inner[index]
                switch escaped {
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = 0
                    var digits = 0
                    while digits < 3, index < inner.endIndex,
                          inner[index] >= UInt8(ascii: "0"), inner[index] <= UInt8(ascii: "7") {
                        value = value * 8 + Int(inner[index] - UInt8(ascii: "0"))
                        digits += 1
                        index += 1
                    }
                    let byteValue = UInt8(truncatingIfNeeded: value)
                    if byteValue == 0 { break scanning }
                    output.append(byteValue)
                    continue scanning
                default: output.append(escaped)
                }
                index += 1
            } else if byte == UInt8(ascii: "'"), index + 1 < inner.endIndex, inner[index + 1] == UInt8(ascii: "'") {
                output.append(byte)
                index += 2
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
