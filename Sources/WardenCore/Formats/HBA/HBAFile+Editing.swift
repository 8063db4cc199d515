// MARK: - Editing pg_hba.conf

extension HBAFile {
    /// Where `insert` puts a new record.
    public enum InsertionPoint: Sendable, Hashable {
        /// Before the first record (or directive), so it is tried first. Not at line 1: the
        /// header comment stays the header.
        case top
        /// After the last line of the file, so it is tried last.
        case end
        /// Before the line with this number (the first physical line of a logical line).
        case before(line: Int)
        /// After the line with this number, and after all its continuation lines.
        case after(line: Int)
    }

    /// The marker line `disableRule` writes above a rule it comments out.
    public static let disabledMarker = "# pgwarden: disabled"

    // MARK: Edits

    /// Inserts `rule` as a new line, laid out in the file's own columns and ending the way
    /// the neighbouring line ends.
    /// - Throws: `.invalid` when the rule cannot be written so the server reads it back
    ///   unchanged (for example `peer` on a host line); `.notFound` for a line number that
    ///   does not start a line.
    public mutating func insert(_ rule: HBARule, at point: InsertionPoint) throws(CoreError) {
        let rule = try Self.validated(rule)
        let text = HBAColumnLayout.learned(from: self).render(rule)
        let offset: Int
        let ending: [UInt8]
        var separatorFirst = false
        switch point {
        case .top:
            if let first = lines.first(where: { $0.isRecord }) {
                (offset, ending) = (first.range.lowerBound, lineEnding(of: first))
            } else {
                (offset, ending, separatorFirst) = endOfFile()
            }
        case .end:
            (offset, ending, separatorFirst) = endOfFile()
        case .before(let number):
            let line = try line(number)
            (offset, ending) = (line.range.lowerBound, lineEnding(of: line))
        case .after(let number):
            let line = try line(number)
            if line.end > line.range.upperBound {
                (offset, ending) = (line.end, lineEnding(of: line))
            } else {
                (offset, ending, separatorFirst) = endOfFile()
            }
        }
        var edited = bytes
        edited.insert(contentsOf: separatorFirst ? ending + text : text + ending, at: offset)
        try commit(edited, expecting: rule, ruleCount: rules.count + 1)
    }

    /// Replaces the record (or include directive) on line `number`, with all its
    /// continuation lines, by `rule` laid out in the file's columns. The line break after
    /// it stays as it was.
    public mutating func replaceRule(atLine number: Int, with rule: HBARule) throws(CoreError) {
        let rule = try Self.validated(rule)
        let line = try recordLine(number)
        var edited = bytes
        edited.replaceSubrange(line.range, with: HBAColumnLayout.learned(from: self).render(rule))
        try commit(edited, expecting: rule, ruleCount: rules.count + (line.isRule ? 0 : 1))
    }

    /// Changes the method of the record on line `number`, and its options when `options`
    /// is given (nil keeps them). Only those bytes change; a trailing comment keeps its
    /// column.
    public mutating func setMethod(
        _ method: HBARule.Method, options: [HBARule.Option]? = nil, forRuleAtLine number: Int
    ) throws(CoreError) {
        let line = try recordLine(number)
        guard case .rule(var rule) = line.content, let methodIndex = line.methodFieldIndex,
              let methodToken = line.fields[methodIndex].first
        else {
            throw CoreError(.notFound, "line \(number) of pg_hba.conf is not a record", hint: "Give the line number of a rule.")
        }
        rule.method = method
        if let options { rule.options = options }
        rule = try Self.validated(rule)
        var replaced = methodToken.range
        var replacement = [method.rawValue]
        if let options {
            let lastOption = line.fields.dropFirst(methodIndex + 1).last?.last
            replaced = methodToken.range.lowerBound..<(lastOption?.range.upperBound ?? methodToken.range.upperBound)
            replacement += options.map(\.token)
        }
        let text = Array(replacement.joined(separator: " ").utf8)
        var edited = bytes
        let (range, spliced) = keepingCommentColumn(line: line, replacing: replaced, with: text)
        edited.replaceSubrange(range, with: spliced)
        try commit(edited, expecting: rule, ruleCount: rules.count)
    }

    /// Comments out the record (or include directive) on line `number`: `# ` before each of
    /// its physical lines, under a marker line `# pgwarden: disabled[: reason]` that says
    /// who did it and why. The server then skips it; the text stays for whoever undoes this.
    /// - Parameter reason: one line of text (line breaks become spaces).
    public mutating func disableRule(atLine number: Int, reason: String? = nil) throws(CoreError) {
        let line = try recordLine(number)
        let ending = lineEnding(of: line)
        var marker = Self.disabledMarker
        if let reason {
            let flat = String(String.UnicodeScalarView(reason.unicodeScalars.map { $0.value < 0x20 || $0 == "\u{7F}" ? " " : $0 }))
            var trimmed = Substring(flat)
            while let last = trimmed.last, last == " " || last == "\\" { trimmed = trimmed.dropLast() }
            if !trimmed.isEmpty { marker += ": " + String(trimmed) }
        }
        var edited = bytes
        for start in line.physicalStarts.reversed() {
            edited.insert(contentsOf: Array("# ".utf8), at: start)
        }
        edited.insert(contentsOf: Array(marker.utf8) + ending, at: line.range.lowerBound)
        let reparsed = try Self.reparsed(edited)
        guard reparsed.rules.count == rules.count - (line.isRule ? 1 : 0) else {
            throw CoreError(.invalid, "commenting out line \(number) would change other records", hint: "Edit the file by hand.")
        }
        self = reparsed
    }

    // MARK: Helpers

    /// The logical line numbered `number`.
    private func line(_ number: Int) throws(CoreError) -> Line {
        guard let line = lines.first(where: { $0.number == number }) else {
            throw CoreError(
                .notFound, "pg_hba.conf has no line \(number)",
                hint: "Line numbers count physical lines from 1; a continued line is numbered by its first line.")
        }
        return line
    }

    private func recordLine(_ number: Int) throws(CoreError) -> Line {
        let line = try line(number)
        guard line.isRecord else {
            throw CoreError(.notFound, "line \(number) of pg_hba.conf is not a record", hint: "Give the line number of a rule.")
        }
        return line
    }

    private func lineEnding(of line: Line) -> [UInt8] {
        line.end > line.range.upperBound ? Array(bytes[line.range.upperBound..<line.end])
            : ServerConfigText.dominantLineEnding(bytes)
    }

    /// Where to append, and whether a line break must come first (the file does not end
    /// with one).
    private func endOfFile() -> (Int, [UInt8], Bool) {
        let ending = ServerConfigText.dominantLineEnding(bytes)
        let needsBreak = !(bytes.isEmpty || bytes.last == ServerConfigText.newline || bytes == ServerConfigText.byteOrderMark)
        return (bytes.count, ending, needsBreak)
    }

    /// Splices `text` over `range`; when a comment follows on the same physical line and the
    /// width changed, rewrites the blank run before it so it stays in its column.
    private func keepingCommentColumn(line: Line, replacing range: Range<Int>, with text: [UInt8]) -> (Range<Int>, [UInt8]) {
        guard let comment = line.commentStart, comment >= range.upperBound,
              bytes[range.upperBound..<comment].allSatisfy({ $0 == ServerConfigText.space || $0 == ServerConfigText.tab })
        else { return (range, text) }
        let lineStart = line.physicalStarts.last { $0 <= range.lowerBound } ?? line.range.lowerBound
        let startColumn = ServerConfigText.displayColumn(of: range.lowerBound, lineStart: lineStart, in: bytes)
        let oldEnd = ServerConfigText.advance(startColumn, over: bytes[range])
        let newEnd = ServerConfigText.advance(startColumn, over: text)
        guard oldEnd != newEnd else { return (range, text) }
        let commentColumn = ServerConfigText.displayColumn(of: comment, lineStart: lineStart, in: bytes)
        let gap = bytes[range.upperBound..<comment]
        let padding = ServerConfigText.padding(from: newEnd, to: commentColumn, useTabs: gap.contains(ServerConfigText.tab))
        return (range.lowerBound..<comment, text + padding)
    }

    /// Re-reads the edited bytes and checks the edit did what it meant: `rule` is there and
    /// the number of records is as expected (a neighbouring line ending in a backslash
    /// could otherwise swallow the new text).
    private mutating func commit(_ edited: [UInt8], expecting rule: HBARule, ruleCount: Int) throws(CoreError) {
        let reparsed = try Self.reparsed(edited)
        guard reparsed.rules.count == ruleCount, reparsed.rules.contains(where: { $0.rule == rule }) else {
            throw CoreError(
                .invalid, "the edit would merge with a neighbouring line",
                hint: "A line ending in a backslash continues onto the next; remove that backslash first.")
        }
        self = reparsed
    }

    private static func reparsed(_ edited: [UInt8]) throws(CoreError) -> HBAFile {
        do {
            return try HBAFile(bytes: edited)
        } catch {
            throw CoreError(.invalid, "the edit would make pg_hba.conf invalid: \(error.message)", hint: error.hint)
        }
    }

    /// `rule`, after checking that its text reads back as the same rule with the server's
    /// rules (which also rejects combinations such as `peer` on a host line).
    static func validated(_ rule: HBARule) throws(CoreError) -> HBARule {
        let reread: HBARule
        do {
            reread = try HBARule(parsing: rule.text)
        } catch {
            throw CoreError(.invalid, "the rule is not valid: \(error.message)", hint: error.hint)
        }
        guard reread == rule else {
            throw CoreError(
                .invalid, "the rule cannot be written so that the server reads it back unchanged",
                hint: "A name starting with / reads as a regular expression; local rules have no address, others need one.")
        }
        return rule
    }
}

// MARK: - Line facts used by edits

extension HBAFile.Line {
    var isRule: Bool {
        if case .rule = content { return true }
        return false
    }

    /// A record or an include directive: a line the server acts on.
    var isRecord: Bool {
        switch content {
        case .rule, .include: true
        case .blank, .comment: false
        }
    }

    /// Which field holds the method: after type, database, user, and for host records the
    /// address (and its separate mask when the address has no prefix length).
    var methodFieldIndex: Int? {
        guard case .rule(let rule) = content else { return nil }
        guard let address = rule.address else { return 3 }
        if case .range = address, let token = fields[3].first, !token.text.contains("/") { return 5 }
        return 4
    }
}
