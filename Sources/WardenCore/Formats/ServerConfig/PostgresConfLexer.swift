// MARK: - The tokens of one postgresql.conf line

/// Splits one physical line of `postgresql.conf` into tokens exactly as PostgreSQL's
/// flex scanner (`guc-file.l`) does, so that what we accept and how we read it is what
/// the server accepts and reads.
///
/// The scanner's rules, in its order (flex takes the longest match; on a tie, the
/// earliest rule):
///
/// ```
/// ID              {LETTER}{LETTER_OR_DIGIT}*          LETTER = [A-Za-z_\200-\377]
/// QUALIFIED_ID    {ID}"."{ID}
/// STRING          \'([^'\\\n]|\\.|\'\')*\'
/// UNQUOTED_STRING {LETTER}({LETTER_OR_DIGIT}|[-._:/])*
/// INTEGER         {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}*
/// REAL            {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}?
/// =
/// ```
///
/// Blanks are space, tab and carriage return; `#` starts a comment to the end of the line.
struct PostgresConfLexer {
    enum Kind: Hashable {
        case identifier, qualifiedIdentifier, string, unquotedString, integer, real, equals
        /// A byte no rule matches (for example `*`, or a `'` that is never closed).
        case error
    }

    struct Token: Hashable {
        var kind: Kind
        var range: Range<Int>
    }

    /// The tokens of `bytes[start..<end]` (one line, without its `"\n"`) and where its
    /// comment starts, if it has one.
    static func tokens(in bytes: [UInt8], from start: Int, to end: Int) -> (tokens: [Token], commentStart: Int?) {
        var tokens: [Token] = []
        var index = start
        while index < end {
            let byte = bytes[index]
            if isBlank(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "#") {
                return (tokens, index)
            }
            let token = longestMatch(in: bytes, at: index, end: end)
            tokens.append(token)
            index = token.range.upperBound
        }
        return (tokens, nil)
    }

    // MARK: Longest match

    private static func longestMatch(in bytes: [UInt8], at start: Int, end: Int) -> Token {
        // Candidates in the scanner's rule order: a later rule wins only when strictly longer.
        let candidates: [(Kind, Int)] = [
            (.identifier, identifierLength(bytes, start, end)),
            (.qualifiedIdentifier, qualifiedIdentifierLength(bytes, start, end)),
            (.string, stringLength(bytes, start, end)),
            (.unquotedString, unquotedStringLength(bytes, start, end)),
            (.integer, integerLength(bytes, start, end)),
            (.real, realLength(bytes, start, end)),
            (.equals, bytes[start] == UInt8(ascii: "=") ? 1 : 0),
        ]
        var best: (Kind, Int) = (.error, 1)
        var bestLength = 0
        for (kind, length) in candidates where length > bestLength {
            best = (kind, length)
            bestLength = length
        }
        return Token(kind: best.0, range: start..<(start + best.1))
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    private static func isUnitLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    private static func count(_ bytes: [UInt8], from start: Int, end: Int, while accept: (UInt8) -> Bool) -> Int {
        var index = start
        while index < end, accept(bytes[index]) { index += 1 }
        return index - start
    }

    private static func identifierLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        guard start < end, isLetter(bytes[start]) else { return 0 }
        return 1 + count(bytes, from: start + 1, end: end) { isLetter($0) || isDigit($0) }
    }

    private static func qualifiedIdentifierLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        let first = identifierLength(bytes, start, end)
        let dot = start + first
        guard first > 0, dot < end, bytes[dot] == UInt8(ascii: ".") else { return 0 }
        let second = identifierLength(bytes, dot + 1, end)
        return second > 0 ? first + 1 + second : 0
    }

    private static func unquotedStringLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        guard start < end, isLetter(bytes[start]) else { return 0 }
        return 1 + count(bytes, from: start + 1, end: end) { byte in
            isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/")
        }
    }

    /// A quoted string; the longest prefix that closes, since `''` both closes a string and
    /// continues it (`'a''` is the string `'a'` followed by a stray quote).
    private static func stringLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        let quote = UInt8(ascii: "'")
        guard start < end, bytes[start] == quote else { return 0 }
        var longest = 0
        var index = start + 1
        while index < end {
            let byte = bytes[index]
            if byte == quote {
                longest = index + 1 - start
                guard index + 1 < end, bytes[index + 1] == quote else { break }
                index += 2
            } else if byte == UInt8(ascii: "\\") {
                // `\\.`: any byte but a newline follows (our lines never contain one).
                guard index + 1 < end else { break }
                index += 2
            } else {
                index += 1
            }
        }
        return longest
    }

    private static func signLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        guard start < end else { return 0 }
        return bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+") ? 1 : 0
    }

    private static func integerLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        let sign = signLength(bytes, start, end)
        let body = start + sign
        var best = 0
        let digits = count(bytes, from: body, end: end, while: isDigit)
        if digits > 0 {
            best = sign + digits + count(bytes, from: body + digits, end: end, while: isUnitLetter)
        }
        if body + 1 < end, bytes[body] == UInt8(ascii: "0"), bytes[body + 1] == UInt8(ascii: "x") {
            let hex = count(bytes, from: body + 2, end: end, while: isHexDigit)
            if hex > 0 {
                let length = sign + 2 + hex + count(bytes, from: body + 2 + hex, end: end, while: isUnitLetter)
                best = max(best, length)
            }
        }
        return best
    }

    private static func realLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        let sign = signLength(bytes, start, end)
        var index = start + sign
        index += count(bytes, from: index, end: end, while: isDigit)
        guard index < end, bytes[index] == UInt8(ascii: ".") else { return 0 }
        index += 1
        index += count(bytes, from: index, end: end, while: isDigit)
        // Optional exponent, taken only when complete.
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            let exponentSign = signLength(bytes, index + 1, end)
            let exponentDigits = count(bytes, from: index + 1 + exponentSign, end: end, while: isDigit)
            if exponentDigits > 0 { index += 1 + exponentSign + exponentDigits }
        }
        return index - start
    }
}
