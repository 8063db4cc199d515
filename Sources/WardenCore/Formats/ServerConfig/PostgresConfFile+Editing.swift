// MARK: - Editing postgresql.conf

extension PostgresConfFile {
    /// Sets parameter `name` to `value`.
    ///
    /// When an active line sets the parameter, the last one (the one in effect) is edited in
    /// place: only its value changes; its trailing comment stays, and stays in its column
    /// when the value's width changes. The value keeps its quoting style: a bare value stays
    /// bare when the new one can be bare (`port = 5432` → `port = 4432`), otherwise it is
    /// single-quoted with `''` for quotes.
    ///
    /// Otherwise a new `name = 'value'` line is appended at the end of the file. A
    /// commented-out default such as `#ssl = off` is deliberately left alone rather than
    /// uncommented and edited: that comment is the record of what the default was, and
    /// editing it would hide it from the next reader.
    ///
    /// - Throws: `.invalid` for a name the server would not read as a parameter name, an
    ///   include directive's name, or a value containing a NUL character.
    public mutating func set(_ name: String, to value: String) throws(CoreError) {
        let key = try Self.validatedName(name)
        if Include.Kind.allCases.contains(where: { $0.rawValue == key }) {
            throw CoreError(
                .invalid, "\"\(name)\" is an include directive, not a parameter",
                hint: "Include directives are edited as lines of their own, not set as values.")
        }
        if value.unicodeScalars.contains("\0") {
            throw CoreError(
                .invalid, "the value for parameter \"\(name)\" contains a NUL character",
                hint: "postgresql.conf values cannot contain NUL.")
        }
        let target = lines.last { line in
            if case .setting(let setting) = line.content { return Self.normalizedName(setting.name) == key }
            return false
        }
        if let target, case .setting(let setting) = target.content, let valueRange = target.valueRange {
            let spelled = setting.isQuoted || !PostgresConfQuoting.canBeWrittenBare(value)
                ? PostgresConfQuoting.quoted(value) : value
            try replaceValue(of: target, range: valueRange, with: Array(spelled.utf8))
        } else {
            try appendLine(Array("\(name) = \(PostgresConfQuoting.quoted(value))".utf8))
        }
    }

    /// Comments out (`#` at the start of the line) every active line that sets `name`, so
    /// the parameter falls back to its default or to an included file. The lines stay in
    /// the file, readable, for whoever undoes this.
    ///
    /// - Returns: how many lines were commented out (0 when none set it).
    @discardableResult
    public mutating func remove(_ name: String) throws(CoreError) -> Int {
        let key = try Self.validatedName(name)
        let targets = lines.filter { line in
            if case .setting(let setting) = line.content { return Self.normalizedName(setting.name) == key }
            return false
        }
        guard !targets.isEmpty else { return 0 }
        var edited = bytes
        for line in targets.reversed() {
            edited.insert(UInt8(ascii: "#"), at: line.range.lowerBound)
        }
        try replaceBytes(with: edited)
        return targets.count
    }

    // MARK: Splicing

    /// Replaces the value token; when a comment follows and the value's display width
    /// changes, rewrites the blank run before the comment so the comment keeps its column.
    private mutating func replaceValue(of line: Line, range: Range<Int>, with newValue: [UInt8]) throws(CoreError) {
        let lineStart = line.range.lowerBound
        let valueColumn = ServerConfigText.displayColumn(of: range.lowerBound, lineStart: lineStart, in: bytes)
        let oldEnd = ServerConfigText.advance(valueColumn, over: bytes[range])
        let newEnd = ServerConfigText.advance(valueColumn, over: newValue)
        var replaced = range
        var replacement = newValue
        if let comment = line.commentStart, newEnd != oldEnd {
            let gap = bytes[range.upperBound..<comment]
            let commentColumn = ServerConfigText.displayColumn(of: comment, lineStart: lineStart, in: bytes)
            replacement += ServerConfigText.padding(
                from: newEnd, to: commentColumn, useTabs: gap.contains(ServerConfigText.tab))
            replaced = range.lowerBound..<comment
        }
        var edited = bytes
        edited.replaceSubrange(replaced, with: replacement)
        try replaceBytes(with: edited)
    }

    /// Appends `text` as a new last line, ending it the way the file ends its lines. A
    /// last line without a newline gets one first.
    private mutating func appendLine(_ text: [UInt8]) throws(CoreError) {
        let ending = ServerConfigText.dominantLineEnding(bytes)
        var edited = bytes
        if let last = edited.last, last != ServerConfigText.newline, edited != ServerConfigText.byteOrderMark {
            edited += ending
        }
        edited += text + ending
        try replaceBytes(with: edited)
    }

    private mutating func replaceBytes(with edited: [UInt8]) throws(CoreError) {
        let reparsed = try Self.parseLines(edited)
        bytes = edited
        lines = reparsed
    }

    /// The lowercased name, when the server would read `name` as a parameter name.
    static func validatedName(_ name: String) throws(CoreError) -> String {
        let bytes = Array(name.utf8)
        let (tokens, comment) = PostgresConfLexer.tokens(in: bytes, from: 0, to: bytes.count)
        guard comment == nil, tokens.count == 1, let token = tokens.first, token.range == 0..<bytes.count,
              token.kind == .identifier || token.kind == .qualifiedIdentifier
        else {
            throw CoreError(
                .invalid, "\"\(name)\" is not a valid parameter name",
                hint: "Parameter names are letters, digits and underscores, with at most one dot (extension.setting).")
        }
        return normalizedName(name)
    }
}
