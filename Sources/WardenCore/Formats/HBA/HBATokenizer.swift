// MARK: - Lines, fields and tokens of pg_hba.conf

/// Reads `pg_hba.conf` bytes into logical lines, fields and tokens exactly as the
/// server's `tokenize_auth_file` / `next_token` do, while remembering where every token
/// sits in the original bytes so that an edit can splice at exact ranges.
///
/// The server's rules:
/// - A line whose text (after dropping trailing `\r`) ends with `\` continues on the next
///   line; the backslash and the line break vanish (no blank is inserted), even inside
///   quotes or a comment (PostgreSQL 14 and later).
/// - Blanks are space, tab and `\r`. An unquoted `#` ends the line.
/// - A field is a list of tokens joined by commas (`a,b` or `a, b`); a blank not
///   preceded by a comma ends the field.
/// - `"…"` quotes blanks, commas and `#`; `""` inside is a quote. A token counts as quoted
///   only if it starts with a quote (`"all"` is a name, `a"ll"` is the keyword `all`).
enum HBATokenizer {
    struct Token: Hashable {
        /// The token with quotes removed (`""` → `"`).
        var text: String
        /// Whether the token started with a double quote (it then loses any keyword meaning).
        var isQuoted: Bool
        /// Where it is in the file: its first byte to just past its last.
        var range: Range<Int>
    }

    typealias Field = [Token]

    /// One record's worth of text: one physical line, or several joined by backslashes.
    struct LogicalLine: Hashable {
        /// Indices of its physical lines in the file's physical line list.
        var physicalLines: Range<Int>
        var fields: [Field]
        /// Where an unquoted `#` starts a comment, in file offsets.
        var commentStart: Int?
    }

    /// An unterminated quote: the server would take the rest of the line as one token;
    /// we refuse, because such a line is never what its writer meant.
    struct UnterminatedQuote: Error {
        var offset: Int
    }

    static let continuation = UInt8(ascii: "\\")

    /// Groups physical lines into logical lines and tokenizes each.
    static func logicalLines(
        _ bytes: [UInt8], _ physical: [ServerConfigText.PhysicalLine]
    ) throws(UnterminatedQuote) -> [LogicalLine] {
        var result: [LogicalLine] = []
        var index = 0
        while index < physical.count {
            var text: [UInt8] = []
            var offsets: [Int] = []
            let first = index
            while index < physical.count {
                let line = physical[index]
                let end = ServerConfigText.endWithoutCarriageReturns(bytes, line)
                index += 1
                if end > line.start, bytes[end - 1] == continuation {
                    append(bytes, line.start..<(end - 1), to: &text, &offsets)
                    continue
                }
                append(bytes, line.start..<end, to: &text, &offsets)
                break
            }
            let (fields, comment) = try tokenize(text, offsets: offsets)
            result.append(LogicalLine(physicalLines: first..<index, fields: fields, commentStart: comment))
        }
        return result
    }

    private static func append(_ bytes: [UInt8], _ range: Range<Int>, to text: inout [UInt8], _ offsets: inout [Int]) {
        text += bytes[range]
        offsets += Array(range)
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    // MARK: Fields and tokens

    /// `text` is the logical line; `offsets[i]` is where its byte `i` is in the file.
    private static func tokenize(_ text: [UInt8], offsets: [Int]) throws(UnterminatedQuote) -> ([Field], Int?) {
        var fields: [Field] = []
        var index = 0
        var commentStart: Int?
        while index < text.count, commentStart == nil {
            var field: Field = []
            while true {
                let next = try nextToken(text, offsets: offsets, from: index)
                index = next.end
                if let comment = next.commentStart { commentStart = comment }
                guard let token = next.token else { break }
                field.append(token)
                guard next.endsWithComma else { break }
            }
            if !field.isEmpty { fields.append(field) }
        }
        return (fields, commentStart)
    }

    private struct NextToken {
        var token: Token?
        var end: Int
        var endsWithComma: Bool
        var commentStart: Int?
    }

    /// The server's `next_token`: skip blanks and commas, then read up to an unquoted
    /// blank, comma or `#`.
    private static func nextToken(_ text: [UInt8], offsets: [Int], from start: Int) throws(UnterminatedQuote) -> NextToken {
        let quote = UInt8(ascii: "\"")
        var index = start
        while index < text.count, isBlank(text[index]) || text[index] == UInt8(ascii: ",") { index += 1 }
        let tokenStart = index
        var buffer: [UInt8] = []
        var inQuote = false
        var wasQuote = false
        var sawQuote = false
        var initialQuote = false
        var openQuote = 0
        var endsWithComma = false
        var commentStart: Int?
        while index < text.count, inQuote || !isBlank(text[index]) {
            let byte = text[index]
            if byte == UInt8(ascii: "#"), !inQuote {
                commentStart = offsets[index]
                break
            }
            if byte == UInt8(ascii: ","), !inQuote {
                endsWithComma = true
                break
            }
            if byte != quote || wasQuote { buffer.append(byte) }
            wasQuote = inQuote && byte == quote ? !wasQuote : false
            if byte == quote {
                inQuote.toggle()
                sawQuote = true
                if buffer.isEmpty { initialQuote = true }
                if inQuote { openQuote = index }
            }
            index += 1
        }
        if inQuote { throw UnterminatedQuote(offset: offsets[openQuote]) }
        let tokenEnd = index
        let end = commentStart == nil ? tokenEnd : text.count
        guard sawQuote || !buffer.isEmpty, tokenEnd > tokenStart else {
            return NextToken(token: nil, end: end, endsWithComma: false, commentStart: commentStart)
        }
        let token = Token(
            text: ServerConfigText.string(buffer), isQuoted: initialQuote,
            range: offsets[tokenStart]..<(offsets[tokenEnd - 1] + 1))
        return NextToken(token: token, end: end, endsWithComma: endsWithComma, commentStart: commentStart)
    }
}
