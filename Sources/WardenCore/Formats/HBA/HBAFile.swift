// MARK: - pg_hba.conf, losslessly

/// A `pg_hba.conf` read exactly as the server reads it (with the rules of PostgreSQL 16 and
/// later; `minimumServerVersion` says when an older server would read the file
/// differently), and edited without disturbing anything else.
///
/// The file is kept as its original bytes; lines point into them. Rendering gives back
/// those bytes, so an unchanged file is written back byte for byte. An edit splices new
/// text into the bytes of the lines it changes and reads the whole file again, so the
/// model never drifts from the text.
///
/// Like the server, a file with one bad record is refused as a whole: the server would
/// not load it either (it keeps the old rules on reload, and does not start).
public struct HBAFile: Sendable, Hashable {
    // MARK: Lines

    /// One logical line: a physical line, or several joined by trailing backslashes.
    public struct Line: Sendable, Hashable {
        /// The 1-based number of its first physical line (what `pg_hba_file_rules` reports).
        public let number: Int
        /// How many physical lines it spans (more than one with backslash continuations).
        public let physicalLineCount: Int
        /// Its text as in the file, continuations included, final line break excluded.
        public let text: String
        public let content: Content

        /// File offsets: all of its text, the start of each physical line, and tokens.
        let range: Range<Int>
        let physicalStarts: [Int]
        let fields: [HBATokenizer.Field]
        let commentStart: Int?
        /// Just past its line break (`range.upperBound` when the file ends without one).
        let end: Int
    }

    public enum Content: Sendable, Hashable {
        case blank
        case comment
        case rule(HBARule)
        case include(Inclusion)
    }

    /// A file the server reads as part of this one, reported rather than followed.
    public struct Inclusion: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// `include FILE`: records from FILE at this point (PostgreSQL 16 and later).
            case include
            /// `include_if_exists FILE`: the same, silently skipped when FILE is missing.
            case includeIfExists = "include_if_exists"
            /// `include_dir DIR`: every `*.conf` in DIR, in name order.
            case includeDir = "include_dir"
            /// `@FILE` inside a database or user column: names listed in FILE.
            case nameList = "@"
        }

        public let kind: Kind
        /// As written; a relative path is relative to this file's directory.
        public let path: String
        public let line: Int
    }

    /// A record and the line it is on.
    public struct NumberedRule: Sendable, Hashable {
        public let line: Int
        public let rule: HBARule
    }

    public internal(set) var lines: [Line]
    /// The whole file, exactly.
    public internal(set) var bytes: [UInt8]

    // MARK: Reading

    /// Reads `text`.
    /// - Throws: `CoreError` (`.parse`, or `.unsupported` for an `@file` address) at the
    ///   line and column of the first record the server would reject, with a hint.
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
    /// keeps it, but the server does not: it reads the mark as part of the first line, so
    /// a first line that is a record makes the whole file invalid. Worth reporting.
    public var hasByteOrderMark: Bool { ServerConfigText.hasByteOrderMark(bytes) }

    // MARK: Queries

    /// Every record, in file order (the order the server tries them in).
    public var rules: [NumberedRule] {
        lines.compactMap { line in
            if case .rule(let rule) = line.content { return NumberedRule(line: line.number, rule: rule) }
            return nil
        }
    }

    /// The record on line `number`, if that line is one.
    public func rule(atLine number: Int) -> HBARule? {
        guard let line = lines.first(where: { $0.number == number }), case .rule(let rule) = line.content else {
            return nil
        }
        return rule
    }

    /// `include`, `include_if_exists` and `include_dir` directives, in file order.
    public var inclusionDirectives: [Inclusion] {
        lines.compactMap { line in
            if case .include(let inclusion) = line.content { return inclusion }
            return nil
        }
    }

    /// Every file the server would read for this one: directives and `@file` name lists.
    public var inclusions: [Inclusion] {
        lines.flatMap { line -> [Inclusion] in
            switch line.content {
            case .include(let inclusion):
                return [inclusion]
            case .rule(let rule):
                let databaseFiles = rule.databases.compactMap { entry -> String? in
                    if case .file(let path) = entry { return path }
                    return nil
                }
                let userFiles = rule.users.compactMap { entry -> String? in
                    if case .file(let path) = entry { return path }
                    return nil
                }
                return (databaseFiles + userFiles).map { Inclusion(kind: .nameList, path: $0, line: line.number) }
            case .blank, .comment:
                return []
            }
        }
    }

    /// The oldest PostgreSQL major version that reads this file as pgwarden does: 16 for
    /// include directives or `/regex` names, 14 for backslash continuations, 12 for
    /// `hostgssenc`/`hostnogssenc`, 18 for `oauth`; nil when any supported version does.
    ///
    /// Older servers read such files differently (a continued line as two, a regex as a
    /// name) or refuse them, so a planner compares this with the server's version.
    public var minimumServerVersion: Int? {
        var version: Int?
        func need(_ major: Int) { version = max(version ?? 0, major) }
        for line in lines {
            if line.physicalLineCount > 1 { need(14) }
            switch line.content {
            case .include: need(16)
            case .rule(let rule):
                if [.hostgssenc, .hostnogssenc].contains(rule.connectionType) { need(12) }
                if rule.method == .oauth { need(18) }
                let regexDatabase = rule.databases.contains { if case .regex = $0 { true } else { false } }
                let regexUser = rule.users.contains { if case .regex = $0 { true } else { false } }
                if regexDatabase || regexUser { need(16) }
            case .blank, .comment: break
            }
        }
        return version
    }
}

// MARK: - Parsing lines

extension HBAFile {
    static let directiveKinds: [Inclusion.Kind] = [.include, .includeIfExists, .includeDir]

    static func parseLines(_ bytes: [UInt8]) throws(CoreError) -> [Line] {
        let start = ServerConfigText.hasByteOrderMark(bytes) ? ServerConfigText.byteOrderMark.count : 0
        let physical = ServerConfigText.physicalLines(bytes, from: start)
        func position(_ offset: Int) -> TextPosition {
            var low = 0
            var high = physical.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if physical[middle].start <= offset { low = middle } else { high = middle - 1 }
            }
            let lineStart = physical.isEmpty ? start : physical[low].start
            return TextPosition(line: low + 1, column: ServerConfigText.column(of: offset, lineStart: lineStart, in: bytes))
        }
        let logical: [HBATokenizer.LogicalLine]
        do {
            logical = try HBATokenizer.logicalLines(bytes, physical)
        } catch {
            throw CoreError(
                .parse, "unterminated quoted string",
                hint: "Close the double quote on the same line; write \"\" for a quote inside it.",
                position: position(error.offset))
        }
        var lines: [Line] = []
        for entry in logical {
            let first = physical[entry.physicalLines.lowerBound]
            let last = physical[entry.physicalLines.upperBound - 1]
            let range = first.start..<ServerConfigText.textEnd(bytes, last)
            let content = try Self.content(of: entry, range: range, position: position)
            lines.append(Line(
                number: entry.physicalLines.lowerBound + 1,
                physicalLineCount: entry.physicalLines.count,
                text: ServerConfigText.string(bytes[range]),
                content: content,
                range: range,
                physicalStarts: entry.physicalLines.map { physical[$0].start },
                fields: entry.fields,
                commentStart: entry.commentStart,
                end: last.end))
        }
        return lines
    }

    private static func content(
        of entry: HBATokenizer.LogicalLine, range: Range<Int>, position: @escaping (Int) -> TextPosition
    ) throws(CoreError) -> Content {
        let fields = entry.fields
        guard let firstToken = fields.first?.first else {
            return entry.commentStart == nil ? .blank : .comment
        }
        let number = entry.physicalLines.lowerBound + 1
        if fields.count == 2, let kind = directiveKinds.first(where: { $0.rawValue == firstToken.text }) {
            guard fields[1].count == 1, let path = fields[1].first else {
                throw CoreError(
                    .parse, "\"\(kind.rawValue)\" takes exactly one file name",
                    hint: "Write one path per directive, e.g. include_dir conf.d.",
                    position: position(fields[1][1].range.lowerBound))
            }
            return .include(Inclusion(kind: kind, path: path.text, line: number))
        }
        let lineEnd = fields.last?.last?.range.upperBound ?? range.upperBound
        let reader = HBARuleReader(fields: fields, lineEnd: lineEnd, position: position)
        return .rule(try reader.read())
    }
}
