// MARK: - Reading JSON with comments and trailing commas

/// A recursive-descent reader for the JSON that .NET's configuration loader accepts:
/// RFC 8259 plus `//` and `/* */` comments wherever whitespace may be, trailing commas in
/// objects and arrays, and a leading byte-order mark.
///
/// It reads bytes, not `Character`s, so a CR LF is two bytes like in the file, and it records
/// the exact byte range of every node so edits can splice into the original text.
/// Errors name the line:column of the offending byte and say what was expected there.
struct JSONCParser {
    /// .NET's `JsonReaderOptions.MaxDepth` default: a deeper file does not load there either.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private let positions: UTF8PositionTable
    private var index = 0
    private var depth = 0

    /// What the parser was looking for when it met something else; shapes the error message.
    private enum Expectation {
        case document
        case memberValue(key: String)
        case arrayElement
    }

    /// Parses a whole document; the root may be any JSON value.
    static func parse(_ bytes: [UInt8]) throws(CoreError) -> JSONCNode {
        var parser = JSONCParser(bytes: bytes)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        self.positions = UTF8PositionTable(bytes)
    }

    // MARK: Document

    private mutating func parseDocument() throws(CoreError) -> JSONCNode {
        index = UTF8PositionTable.bomLength(bytes)
        try skipTrivia()
        guard index < bytes.count else {
            throw failure(
                "the document is empty", at: index,
                hint: "an appsettings.json file holds one object; the smallest is {}")
        }
        let root = try parseValue(.document)
        try skipTrivia()
        if index < bytes.count {
            let what = Self.describe(bytes[index]).map { "unexpected \($0)" } ?? "unexpected text"
            let hint: String
            switch bytes[index] {
            case JSONCByte.colon, JSONCByte.comma:
                hint = "this looks like a fragment of an object's members (a snippet from a larger file): "
                    + "put it inside the file's outer { }"
            default:
                hint = "a JSON file holds a single value; remove the extra text or wrap everything in { }"
            }
            throw failure("\(what) after the end of the document", at: index, hint: hint)
        }
        return root
    }

    // MARK: Values

    private mutating func parseValue(_ expectation: Expectation) throws(CoreError) -> JSONCNode {
        guard index < bytes.count else {
            throw failure(
                "unexpected end of input — \(Self.expected(expectation))", at: index,
                hint: "the file looks cut off; compare it with a backup")
        }
        switch bytes[index] {
        case JSONCByte.openBrace:
            return try parseObject()
        case JSONCByte.openBracket:
            return try parseArray()
        case JSONCByte.quote:
            let start = index
            let (string, range) = try parseString()
            return JSONCNode(content: .string(string), range: range, position: positions.position(of: start))
        case JSONCByte.minus, JSONCByte.zero...JSONCByte.nine:
            return try parseNumber()
        case JSONCByte.apostrophe:
            throw failure(
                "a string in single quotes", at: index,
                hint: "JSON strings use double quotes: \"text\"")
        case let byte where Self.isWordByte(byte):
            return try parseLiteral()
        default:
            let what = Self.describe(bytes[index]).map { "unexpected \($0)" } ?? "unexpected character"
            throw failure(
                "\(what) — \(Self.expected(expectation))", at: index,
                hint: Self.valueHint(expectation))
        }
    }

    private mutating func parseLiteral() throws(CoreError) -> JSONCNode {
        let start = index
        while index < bytes.count, Self.isWordByte(bytes[index]) { index += 1 }
        let word = bytes[start..<index]
        let content: JSONCNode.Content
        if word.elementsEqual("true".utf8) {
            content = .bool(true)
        } else if word.elementsEqual("false".utf8) {
            content = .bool(false)
        } else if word.elementsEqual("null".utf8) {
            content = .null
        } else {
            // Never echo the word: it may be an unquoted password.
            throw failure(
                "unquoted text where a value was expected", at: start,
                hint: "put strings in double quotes; the only bare words are true, false and null (lowercase)")
        }
        return JSONCNode(content: content, range: start..<index, position: positions.position(of: start))
    }

    private mutating func parseNumber() throws(CoreError) -> JSONCNode {
        let start = index
        let hint = "JSON numbers are decimal, like 4432, -0.5 or 1e10; quote anything else as a string"
        if bytes[index] == JSONCByte.minus { index += 1 }
        guard index < bytes.count, JSONCNumber.isDigit(bytes[index]) else {
            throw failure("invalid number: '-' must be followed by a digit", at: start, hint: hint)
        }
        if bytes[index] == JSONCByte.zero {
            index += 1
            if index < bytes.count, JSONCNumber.isDigit(bytes[index]) {
                throw failure(
                    "invalid number: leading zeros are not allowed", at: start,
                    hint: "write 7, not 07 (quote it, \"07\", if it is a code rather than a number)")
            }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == JSONCByte.dot {
            index += 1
            guard index < bytes.count, JSONCNumber.isDigit(bytes[index]) else {
                throw failure("invalid number: a digit must follow the decimal point", at: index, hint: hint)
            }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == JSONCByte.plus || bytes[index] == JSONCByte.minus { index += 1 }
            guard index < bytes.count, JSONCNumber.isDigit(bytes[index]) else {
                throw failure("invalid number: the exponent has no digits", at: index, hint: hint)
            }
            skipDigits()
        }
        if index < bytes.count, Self.isWordByte(bytes[index]) || bytes[index] == JSONCByte.dot {
            throw failure("invalid number", at: start, hint: hint)
        }
        let spelling = String(decoding: bytes[start..<index], as: UTF8.self)
        return JSONCNode(
            content: .number(JSONCNumber(validatedSpelling: spelling)), range: start..<index,
            position: positions.position(of: start))
    }

    private mutating func skipDigits() {
        while index < bytes.count, JSONCNumber.isDigit(bytes[index]) { index += 1 }
    }

    // MARK: Strings

    /// Reads a string at the opening quote; returns it decoded, and the range including quotes.
    private mutating func parseString() throws(CoreError) -> (String, Range<Int>) {
        let start = index
        index += 1
        var decoded: [UInt8] = []
        var segmentStart = index
        while true {
            guard index < bytes.count else {
                throw failure("unterminated string", at: start, hint: "close the string with a double quote")
            }
            let byte = bytes[index]
            if byte == JSONCByte.quote { break }
            if byte == JSONCByte.backslash {
                decoded.append(contentsOf: bytes[segmentStart..<index])
                try decodeEscape(into: &decoded, stringStart: start)
                segmentStart = index
                continue
            }
            if byte == JSONCByte.lineFeed || byte == JSONCByte.carriageReturn {
                throw failure(
                    "unterminated string (a string cannot span lines)", at: start,
                    hint: "close it with a double quote on the same line; write a line break inside a string as \\n")
            }
            if byte < 0x20 {
                throw failure(
                    "a raw control character inside a string", at: index,
                    hint: "write a tab as \\t and other control characters as \\u00XX")
            }
            index += 1
        }
        decoded.append(contentsOf: bytes[segmentStart..<index])
        index += 1
        return (String(decoding: decoded, as: UTF8.self), start..<index)
    }

    /// Decodes one escape at a backslash, appending its UTF-8 to `decoded`.
    private mutating func decodeEscape(into decoded: inout [UInt8], stringStart: Int) throws(CoreError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else {
            throw failure("unterminated string", at: stringStart, hint: "close the string with a double quote")
        }
        let simple: UInt8?
        switch bytes[index] {
        case JSONCByte.quote: simple = JSONCByte.quote
        case JSONCByte.backslash: simple = JSONCByte.backslash
        case JSONCByte.slash: simple = JSONCByte.slash
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = JSONCByte.lineFeed
        case UInt8(ascii: "r"): simple = JSONCByte.carriageReturn
        case UInt8(ascii: "t"): simple = JSONCByte.tab
        case UInt8(ascii: "u"): simple = nil
        default:
            throw failure(
                "invalid escape sequence in a string", at: escapeStart,
                hint: "a backslash starts an escape (\\n, \\t, \\\", \\\\, \\uXXXX); "
                    + "write a Windows path with doubled backslashes: C:\\\\ProgramData\\\\Qlik")
        }
        if let simple {
            decoded.append(simple)
            index += 1
            return
        }
        let unitHint = "a UTF-16 surrogate escape must come in a pair (\\uD83D\\uDE00); or write the character itself"
        let first = try hexUnit(escapeStart: escapeStart)
        var scalarValue = UInt32(first)
        if (0xD800...0xDBFF).contains(first) {
            let pairFollows = index + 1 < bytes.count && bytes[index] == JSONCByte.backslash
                && bytes[index + 1] == UInt8(ascii: "u")
            guard pairFollows else {
                throw failure("an unpaired UTF-16 surrogate escape in a string", at: escapeStart, hint: unitHint)
            }
            let lowStart = index
            index += 1
            let second = try hexUnit(escapeStart: lowStart)
            guard (0xDC00...0xDFFF).contains(second) else {
                throw failure("an unpaired UTF-16 surrogate escape in a string", at: escapeStart, hint: unitHint)
            }
            scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(first) {
            throw failure("an unpaired UTF-16 surrogate escape in a string", at: escapeStart, hint: unitHint)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw failure("an unpaired UTF-16 surrogate escape in a string", at: escapeStart, hint: unitHint)
        }
        decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// Reads the four hex digits after `\u` (index is at the `u`) and moves past them.
    private mutating func hexUnit(escapeStart: Int) throws(CoreError) -> UInt16 {
        var value: UInt16 = 0
        for offset in 1...4 {
            guard index + offset < bytes.count, let digit = Self.hexValue(bytes[index + offset]) else {
                throw failure(
                    "invalid \\u escape: four hex digits must follow \\u", at: escapeStart,
                    hint: "write a code unit as \\u00E9 (exactly four hex digits)")
            }
            value = value << 4 | UInt16(digit)
        }
        index += 5
        return value
    }

    // MARK: Objects and arrays

    private mutating func parseObject() throws(CoreError) -> JSONCNode {
        let open = index
        try enterContainer(at: open)
        index += 1
        var members: [JSONCMember] = []
        var commas: [Int?] = []
        while true {
            try skipTrivia()
            guard index < bytes.count else { throw unclosed("object", openedAt: open, closer: "}") }
            if bytes[index] == JSONCByte.closeBrace { break }
            guard bytes[index] == JSONCByte.quote else { throw keyExpected(afterComma: !members.isEmpty) }
            let (key, keyRange) = try parseString()
            try skipTrivia()
            guard index < bytes.count else { throw unclosed("object", openedAt: open, closer: "}") }
            guard bytes[index] == JSONCByte.colon else {
                throw failure(
                    "expected ':' after the key \"\(key)\"", at: index,
                    hint: "write a member as \"\(key)\": value")
            }
            index += 1
            try skipTrivia()
            let value = try parseValue(.memberValue(key: key))
            members.append(
                JSONCMember(
                    key: key, keyRange: keyRange, keyPosition: positions.position(of: keyRange.lowerBound),
                    value: value))
            try skipTrivia()
            guard index < bytes.count else { throw unclosed("object", openedAt: open, closer: "}") }
            if bytes[index] == JSONCByte.comma {
                commas.append(index)
                index += 1
                continue
            }
            guard bytes[index] == JSONCByte.closeBrace else {
                throw failure(
                    "expected ',' or '}' after the value of \"\(key)\"", at: index,
                    hint: "separate members with commas; is one missing at the end of the previous member?")
            }
            commas.append(nil)
            break
        }
        index += 1
        depth -= 1
        return JSONCNode(
            content: .object(members), range: open..<index, position: positions.position(of: open), commas: commas)
    }

    private mutating func parseArray() throws(CoreError) -> JSONCNode {
        let open = index
        try enterContainer(at: open)
        index += 1
        var elements: [JSONCNode] = []
        var commas: [Int?] = []
        while true {
            try skipTrivia()
            guard index < bytes.count else { throw unclosed("array", openedAt: open, closer: "]") }
            if bytes[index] == JSONCByte.closeBracket { break }
            if bytes[index] == JSONCByte.comma {
                throw failure("unexpected ',' — a value was expected", at: index, hint: "remove the extra comma")
            }
            elements.append(try parseValue(.arrayElement))
            try skipTrivia()
            guard index < bytes.count else { throw unclosed("array", openedAt: open, closer: "]") }
            if bytes[index] == JSONCByte.comma {
                commas.append(index)
                index += 1
                continue
            }
            guard bytes[index] == JSONCByte.closeBracket else {
                throw failure(
                    "expected ',' or ']' after an array element", at: index,
                    hint: "separate array elements with commas")
            }
            commas.append(nil)
            break
        }
        index += 1
        depth -= 1
        return JSONCNode(
            content: .array(elements), range: open..<index, position: positions.position(of: open), commas: commas)
    }

    private mutating func enterContainer(at offset: Int) throws(CoreError) {
        depth += 1
        if depth > Self.maxDepth {
            throw failure(
                "objects and arrays nested deeper than \(Self.maxDepth) levels", at: offset,
                hint: ".NET's JSON reader refuses more than \(Self.maxDepth) levels by default; flatten the file")
        }
    }

    // MARK: Comments and whitespace

    /// Skips JSON whitespace (space, tab, LF, CR) and comments.
    private mutating func skipTrivia() throws(CoreError) {
        while index < bytes.count {
            switch bytes[index] {
            case JSONCByte.space, JSONCByte.tab, JSONCByte.lineFeed, JSONCByte.carriageReturn:
                index += 1
            case JSONCByte.slash:
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                if next == JSONCByte.slash {
                    index += 2
                    while index < bytes.count, !UTF8LineLayout.isLineBreak(bytes[index]) {
                        index += 1
                    }
                } else if next == JSONCByte.star {
                    let start = index
                    index += 2
                    while index + 1 < bytes.count,
                        !(bytes[index] == JSONCByte.star && bytes[index + 1] == JSONCByte.slash)
                    {
                        index += 1
                    }
                    guard index + 1 < bytes.count else {
                        throw failure("unterminated block comment", at: start, hint: "close the comment with */")
                    }
                    index += 2
                } else {
                    throw failure(
                        "unexpected '/' — a comment starts with // or /*", at: index,
                        hint: "to put a / in a value, write it inside a string")
                }
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0:
                // Text pasted from a web page (like the vendor's manual) often brings these.
                throw failure(
                    "a non-breaking space (U+00A0) where only plain spaces are allowed", at: index,
                    hint: "replace it with an ordinary space")
            case 0xEF where bytes[index...].starts(with: [0xEF, 0xBB, 0xBF]):
                throw failure(
                    "a byte-order mark (U+FEFF) in the middle of the file", at: index,
                    hint: "remove it; two files were probably pasted together")
            default:
                return
            }
        }
    }

    // MARK: Errors

    private func failure(_ message: String, at offset: Int, hint: String) -> CoreError {
        CoreError(.parse, message, hint: hint, position: positions.position(of: offset))
    }

    private func unclosed(_ what: String, openedAt open: Int, closer: String) -> CoreError {
        let opened = positions.position(of: open)
        return failure(
            "unexpected end of input — the \(what) opened at \(opened) is not closed", at: index,
            hint: "add the missing '\(closer)' (the file may be cut off)")
    }

    private func keyExpected(afterComma: Bool) -> CoreError {
        let byte = bytes[index]
        if byte == JSONCByte.comma {
            return failure("unexpected ',' — a key was expected", at: index, hint: "remove the extra comma")
        }
        if byte == JSONCByte.apostrophe {
            return failure(
                "a key in single quotes", at: index, hint: "JSON keys use double quotes: \"Key\": value")
        }
        if Self.isWordByte(byte) {
            return failure(
                "a key without quotes", at: index, hint: "JSON keys are strings in double quotes: \"Key\": value")
        }
        let what = Self.describe(byte).map { "unexpected \($0)" } ?? "unexpected character"
        let expected = afterComma ? "a key in double quotes or '}' was expected" : "a key in double quotes was expected"
        return failure("\(what) — \(expected)", at: index, hint: "write a member as \"Key\": value")
    }

    private static func expected(_ expectation: Expectation) -> String {
        switch expectation {
        case .document: "a value was expected"
        case .memberValue: "a value was expected after ':'"
        case .arrayElement: "a value or ']' was expected"
        }
    }

    private static func valueHint(_ expectation: Expectation) -> String {
        switch expectation {
        case .memberValue(let key):
            "write the value of \"\(key)\": a string in double quotes, a number, true, false, null, "
                + "an object or an array"
        case .document, .arrayElement:
            "a value is a string in double quotes, a number, true, false, null, an object or an array"
        }
    }

    /// `'}'` for printable ASCII punctuation; nil for anything that might be part of a secret.
    private static func describe(_ byte: UInt8) -> String? {
        let printable = byte > 0x20 && byte < 0x7F && !isWordByte(byte)
        return printable ? "'\(Character(Unicode.Scalar(byte)))'" : nil
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || JSONCNumber.isDigit(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case JSONCByte.zero...JSONCByte.nine: byte - JSONCByte.zero
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: - Bytes the JSON grammar cares about

enum JSONCByte {
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let backslash = UInt8(ascii: "\\")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
}
