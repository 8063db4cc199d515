// MARK: - postgresql.conf, losslessly

/// A `postgresql.conf` (or `postgresql.auto.conf`, or an included file) read exactly as
/// the server reads it, and edited without disturbing anything else.
///
/// The file is kept as its original bytes; lines point into them. Rendering gives back
/// those bytes, so an unchanged file is written back byte for byte (BOM, CRLF, tabs,
/// comments, a missing final newline). An edit splices new text into the bytes of the
/// one line it changes, then the whole file is read again, so the model can never drift
/// from the text.
///
/// What the server would do with the file is modelled, not guessed: tokens follow its
/// scanner (see `PostgresConfLexer`), names are case-insensitive, and a later line for
/// the same parameter overrides an earlier one. `include`, `include_if_exists` and
/// `include_dir` are reported, not followed: reading other files is the caller's I/O.
public struct PostgresConfFile: Sendable, Hashable {
    // MARK: Lines

    /// One physical line: its 1-based number, its text (without the line terminator) and
    /// what the server makes of it.
    public struct Line: Sendable, Hashable {
        public let number: Int
        public let text: String
        public let content: Content
        /// The line's bytes within the file, terminator (`\n` or `\r\n`) excluded; internal for edits.
        let range: Range<Int>
        /// The value token's bytes (settings and directives) and the comment's start, if any.
        let valueRange: Range<Int>?
        let commentStart: Int?
    }

    public enum Content: Sendable, Hashable {
        case blank
        case comment
        /// A comment that is itself a setting line, such as the sample file's `#ssl = off`:
        /// it documents the default and sets nothing.
        case commentedOutSetting(Setting)
        case setting(Setting)
        case include(Include)
    }

    /// One `name = value` line.
    public struct Setting: Sendable, Hashable {
        /// The name as spelled in the file (the server compares names case-insensitively).
        public let name: String
        /// The value the server sees: quotes removed and escapes resolved. Units stay as
        /// spelled (`128MB`, `5min`).
        public let value: String
        /// The value token exactly as written, quotes included.
        public let spelledValue: String
        public let isQuoted: Bool
        /// The 1-based line it is on.
        public let line: Int
    }

    /// An `include`, `include_if_exists` or `include_dir` directive.
    public struct Include: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case include
            case includeIfExists = "include_if_exists"
            case includeDir = "include_dir"
        }

        public let kind: Kind
        /// The path as the server reads it; a relative one is relative to this file's directory.
        public let path: String
        public let line: Int
    }

    public internal(set) var lines: [Line]
    /// The whole file, exactly.
    public internal(set) var bytes: [UInt8]

    // MARK: Reading

    /// Reads `text`.
    /// - Throws: `CoreError` `.parse` at the line and column of the first line the server
    ///   would reject (unterminated quote, missing value, bad name, extra text).
    public init(parsing text: String) throws(CoreError) {
        try self.init(bytes: Array(text.utf8))
    }

    /// Reads raw file bytes; use this when the file may not be valid UTF-8.
    public init(bytes: [UInt8]) throws(CoreError) {
        self.bytes = bytes
        self.lines = try Self.parseLines(bytes)
    }

    /// The file exactly as it is now, as text (use `bytes` for a file that is not UTF-8).
    public func render() -> String {
        ServerConfigText.string(bytes)
    }

    /// Whether the file starts with a UTF-8 byte order mark. pgwarden reads past it and
    /// keeps it, but the server does not skip one: it reads the mark as part of the first
    /// line and refuses the file if that line is a setting. Worth reporting.
    public var hasByteOrderMark: Bool { ServerConfigText.hasByteOrderMark(bytes) }

    // MARK: What the file sets

    /// The settings in effect from this file: for each parameter the last line that sets
    /// it, in the order of those lines.
    ///
    /// An `include` after a setting may override it from another file; see `includes`.
    public var settings: [Setting] {
        var lastIndex: [String: Int] = [:]
        let active = activeSettings
        for (index, setting) in active.enumerated() {
            lastIndex[Self.normalizedName(setting.name)] = index
        }
        return lastIndex.values.sorted().map { active[$0] }
    }

    /// The setting in effect for `name` (any case), or nil when no active line sets it.
    public func setting(_ name: String) -> Setting? {
        let key = Self.normalizedName(name)
        return activeSettings.last { Self.normalizedName($0.name) == key }
    }

    /// The commented-out line for `name` (like `#ssl = off`), which documents the default.
    public func commentedOutSetting(_ name: String) -> Setting? {
        let key = Self.normalizedName(name)
        for line in lines {
            if case .commentedOutSetting(let setting) = line.content, Self.normalizedName(setting.name) == key {
                return setting
            }
        }
        return nil
    }

    /// Every include directive, in file order.
    public var includes: [Include] {
        lines.compactMap { line in
            if case .include(let include) = line.content { return include }
            return nil
        }
    }

    var activeSettings: [Setting] {
        lines.compactMap { line in
            if case .setting(let setting) = line.content { return setting }
            return nil
        }
    }

    /// Parameter names compare case-insensitively in ASCII, as `guc_name_compare` does.
    static func normalizedName(_ name: String) -> String {
        String(decoding: name.utf8.map { byte in
            byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
        }, as: UTF8.self)
    }
}

// MARK: - Parsing lines

extension PostgresConfFile {
    static func parseLines(_ bytes: [UInt8]) throws(CoreError) -> [Line] {
        let start = ServerConfigText.hasByteOrderMark(bytes) ? ServerConfigText.byteOrderMark.count : 0
        var lines: [Line] = []
        for (index, physical) in ServerConfigText.physicalLines(bytes, from: start).enumerated() {
            lines.append(try parseLine(bytes, physical, number: index + 1))
        }
        return lines
    }

    private static func parseLine(
        _ bytes: [UInt8], _ physical: ServerConfigText.PhysicalLine, number: Int
    ) throws(CoreError) -> Line {
        let range = physical.start..<ServerConfigText.textEnd(bytes, physical)
        let text = ServerConfigText.string(bytes[range])
        let (tokens, commentStart) = PostgresConfLexer.tokens(in: bytes, from: physical.start, to: physical.newline)
        func line(_ content: Content, value: Range<Int>? = nil) -> Line {
            Line(number: number, text: text, content: content, range: range, valueRange: value, commentStart: commentStart)
        }
        guard !tokens.isEmpty else {
            guard let commentStart else { return line(.blank) }
            if let setting = commentedOutSetting(bytes, afterHash: commentStart + 1, end: physical.newline, number: number) {
                return line(.commentedOutSetting(setting))
            }
            return line(.comment)
        }
        let parsed = try settingLine(bytes, tokens, lineStart: range.lowerBound, number: number)
        if let kind = Include.Kind.allCases.first(where: { $0.rawValue == normalizedName(parsed.name) }) {
            return line(.include(Include(kind: kind, path: parsed.value, line: number)), value: parsed.valueRange)
        }
        return line(.setting(parsed.setting), value: parsed.valueRange)
    }

    /// A comment whose text after `#` is a complete `name = value` line. The `=` is required
    /// so that prose such as `# see below` is not taken for a setting.
    private static func commentedOutSetting(_ bytes: [UInt8], afterHash start: Int, end: Int, number: Int) -> Setting? {
        let (tokens, _) = PostgresConfLexer.tokens(in: bytes, from: start, to: end)
        guard tokens.count >= 3, tokens[1].kind == .equals,
              let parsed = try? settingLine(bytes, tokens, lineStart: start, number: number)
        else { return nil }
        return parsed.setting
    }

    /// The server's grammar for a non-empty line: a name, an optional `=`, one value, end of line.
    private static func settingLine(
        _ bytes: [UInt8], _ tokens: [PostgresConfLexer.Token], lineStart: Int, number: Int
    ) throws(CoreError) -> (setting: Setting, name: String, value: String, valueRange: Range<Int>) {
        func position(_ offset: Int) -> TextPosition {
            TextPosition(line: number, column: ServerConfigText.column(of: offset, lineStart: lineStart, in: bytes))
        }
        let nameToken = tokens[0]
        guard nameToken.kind == .identifier || nameToken.kind == .qualifiedIdentifier else {
            throw CoreError(
                .parse, "expected a parameter name",
                hint: "A setting line is `name = value`; names are letters, digits and underscores, with at most one dot (extension.setting).",
                position: position(nameToken.range.lowerBound))
        }
        let name = ServerConfigText.string(bytes[nameToken.range])
        var valueIndex = 1
        if tokens.count > 1, tokens[1].kind == .equals { valueIndex = 2 }
        guard valueIndex < tokens.count else {
            throw CoreError(
                .parse, "missing value for parameter \"\(name)\"",
                hint: "Write `\(name) = value`; quote text values: `\(name) = 'text'`.",
                position: position(tokens[valueIndex - 1].range.upperBound))
        }
        let valueToken = tokens[valueIndex]
        switch valueToken.kind {
        case .identifier, .string, .integer, .real, .unquotedString:
            break
        case .error where bytes[valueToken.range.lowerBound] == UInt8(ascii: "'"):
            throw CoreError(
                .parse, "unterminated quoted string in the value of parameter \"\(name)\"",
                hint: "Close the value with a single quote on the same line; write '' for a quote inside it.",
                position: position(valueToken.range.lowerBound))
        case .qualifiedIdentifier, .equals, .error:
            throw CoreError(
                .parse, "the value of parameter \"\(name)\" must be quoted",
                hint: "Only numbers and simple words may be written bare; write `\(name) = '…'`.",
                position: position(valueToken.range.lowerBound))
        }
        if valueIndex + 1 < tokens.count {
            let extra = tokens[valueIndex + 1]
            throw CoreError(
                .parse, "unexpected text after the value of parameter \"\(name)\"",
                hint: "One setting per line; quote a value that contains spaces or commas, and start comments with #.",
                position: position(extra.range.lowerBound))
        }
        let spelled = bytes[valueToken.range]
        let isQuoted = valueToken.kind == .string
        let value = isQuoted ? PostgresConfQuoting.unquoted(spelled) : ServerConfigText.string(spelled)
        let setting = Setting(
            name: name, value: value, spelledValue: ServerConfigText.string(spelled), isQuoted: isQuoted, line: number)
        return (setting, name, value, valueToken.range)
    }
}
