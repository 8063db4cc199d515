// MARK: - Entries and fields

extension PGPassFile {
    /// One line libpq can match: four match fields and a password.
    public struct Entry: Sendable, Hashable {
        /// 1-based line number.
        public let line: Int
        public let host: Field
        public let port: Field
        public let database: Field
        public let user: Field
        /// Unescaped, up to the next unescaped `:` (libpq ignores anything after it).
        public let password: String
        /// Where the line starts.
        public let position: TextPosition

        /// The whole line, terminator included.
        let lineRange: Range<Int>
        /// The password as written.
        let passwordRange: Range<Int>
    }

    /// One of the four match fields.
    public enum Field: Sendable, Hashable {
        /// A field of just `*`: matches any value.
        case any
        /// Matches exactly this value (byte for byte).
        case exactly(String)

        /// Whether libpq would take this field to match `value`.
        public func matches(_ value: String) -> Bool {
            switch self {
            case .any: return true
            case .exactly(let text): return PlainTextBytes.sameBytes(text, value)
            }
        }

        /// The field as written in the file: `*`, or the value with `\`, `:` and a lone `*` escaped.
        func written() throws -> [UInt8] {
            switch self {
            case .any: return [0x2A]
            case .exactly(let text):
                let escaped = try Self.escape(text, what: "a match field")
                return escaped == [0x2A] ? [0x5C, 0x2A] : escaped
            }
        }

        static func escape(_ text: String, what: String) throws -> [UInt8] {
            var result: [UInt8] = []
            for byte in text.utf8 {
                guard byte != 0x0A, byte != 0x0D else {
                    throw CoreError(.invalid, "\(what) contains a line break, which a password file cannot hold",
                                    hint: "remove line breaks from the value")
                }
                if byte == 0x3A || byte == 0x5C { result.append(0x5C) }
                result.append(byte)
            }
            return result
        }
    }
}

// MARK: - Reading one line

extension PGPassFile.Entry {
    enum ReadResult {
        /// An entry; `ignoredFrom` is where text after the password starts, if there is any.
        case entry(PGPassFile.Entry, ignoredFrom: Int?)
        case tooFewFields(Int)
    }

    /// Splits `content` into fields the way libpq's `pwdfMatchesString` walks them: `\` makes
    /// the next byte literal, an unescaped `:` ends a field, and only a field that is exactly
    /// `*` is a wildcard (`\*` is a literal star).
    static func read(_ bytes: [UInt8], _ content: Range<Int>, line: PlainTextBytes.Line) -> ReadResult {
        var fields: [PGPassFile.Field] = []
        var index = content.lowerBound
        while fields.count < 4 {
            let fieldStart = index
            var value: [UInt8] = []
            var escaped = false
            while index < content.upperBound, bytes[index] != 0x3A {
                if bytes[index] == 0x5C, index + 1 < content.upperBound {
                    index += 1
                    escaped = true
                }
                value.append(bytes[index])
                index += 1
            }
            guard index < content.upperBound else {
                return .tooFewFields(fields.count + 1)
            }
            let isWildcard = !escaped && index - fieldStart == 1 && bytes[fieldStart] == 0x2A
            fields.append(isWildcard ? .any : .exactly(PlainTextBytes.string(value)))
            index += 1  // past `:`
        }
        // The password: up to the next unescaped `:` or the end of the line.
        let passwordStart = index
        var password: [UInt8] = []
        while index < content.upperBound, bytes[index] != 0x3A {
            if bytes[index] == 0x5C, index + 1 < content.upperBound { index += 1 }
            password.append(bytes[index])
            index += 1
        }
        let entry = PGPassFile.Entry(
            line: line.number, host: fields[0], port: fields[1], database: fields[2], user: fields[3],
            password: PlainTextBytes.string(password),
            position: TextPosition(line: line.number, column: 1),
            lineRange: line.whole, passwordRange: passwordStart..<index
        )
        return .entry(entry, ignoredFrom: index < content.upperBound ? index : nil)
    }
}
