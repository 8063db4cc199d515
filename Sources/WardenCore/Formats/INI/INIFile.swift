// MARK: - INI files as the ServiceDispatcher writes them

/// An INI file in the shape of the ServiceDispatcher's `services.conf`:
///
/// ```
/// [resource-distribution]
/// Identity=Qlik.resource-distribution
/// ExePath=Node\node.exe
///
/// [resource-distribution.parameters]
/// --secure
/// --log-path=${LogPath}
/// --ssl=369098752
/// ```
///
/// Lines are `[section]` headers, `Key=Value` settings, parameter lines starting with `-`
/// (`--flag` or `--name=value`, passed to the service's command line), `;` or `#` comments, and
/// blank lines. The file comes from Windows, so CRLF is expected (and mixed endings are kept).
///
/// Lossless: unedited text renders byte for byte; an edit changes only the value it edits, and
/// an added line is written in its section's indentation and line-ending style.
///
/// Names: section names and keys ignore ASCII case, as Windows' INI functions do; parameter
/// names are command-line flags and are compared exactly. A section name given more than once
/// is one section in several parts: lookups see all parts (the last assignment wins) and edits
/// change every occurrence.
public struct INIFile: Sendable, Hashable {
    /// The lines in file order.
    public let lines: [Line]
    /// The sections in file order; lines before the first header form a section named nil,
    /// listed only when it holds a setting or parameter.
    public let sections: [Section]

    let bytes: [UInt8]

    /// Parses `text`; throws a `.parse` error (with line and column) for a line that is none
    /// of the shapes above, such as `[unterminated`.
    public init(parsing text: String) throws {
        try self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        self.lines = try Self.parseLines(bytes)
        self.sections = Self.group(lines)
    }

    /// The text, byte for byte as parsed plus any edits.
    public func render() -> String {
        PlainTextBytes.string(bytes)
    }
}

// MARK: - Lines and sections

extension INIFile {
    /// One line of the file.
    public struct Line: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case blank
            case comment
            case section(name: String)
            case setting(key: String, value: String)
            /// `--name` (value nil) or `--name=value`.
            case parameter(name: String, value: String?)
        }

        /// 1-based line number.
        public let number: Int
        public let kind: Kind

        /// Where the line's bytes are.
        let span: PlainTextBytes.Line
        /// Where the line's content starts after its indentation.
        let indentEnd: Int
        /// The name (key, parameter name) as written.
        let nameRange: Range<Int>?
        /// The `=` of a setting or valued parameter.
        let equalsIndex: Int?
        /// The value as written, without surrounding blanks.
        let valueRange: Range<Int>?
    }

    /// A `[section]` and the lines up to the next header.
    public struct Section: Sendable, Hashable {
        /// The name inside the brackets, blanks trimmed; nil for lines before the first header.
        public let name: String?
        /// The line number of the header (0 for the unnamed leading section).
        public let headerLine: Int
        /// Indices into `lines` of the header (if any) and the lines that follow it.
        let lineIndices: Range<Int>
    }

    /// One `--name[=value]` parameter line.
    public struct Parameter: Sendable, Hashable {
        public let name: String
        public let value: String?
        public let line: Int
        /// Where the value starts in the file (nil for a bare `--flag`), so a value that
        /// does not read points at itself rather than at the start of the file.
        public var valuePosition: TextPosition? = nil
    }
}

// MARK: - Reading values

extension INIFile {
    /// The value of `key` in `section` (the last assignment, if given more than once).
    public func value(of key: String, in section: String) -> String? {
        let wanted = PlainTextBytes.asciiLowercased(key)
        var result: String?
        for line in lines(in: section) {
            if case .setting(let name, let value) = line.kind, PlainTextBytes.asciiLowercased(name) == wanted {
                result = value
            }
        }
        return result
    }

    /// The parameter `name` (`--ssl`, or `ssl` for short) in `section`, if present.
    public func parameter(_ name: String, in section: String) -> Parameter? {
        let wanted = Self.parameterName(name)
        var result: Parameter?
        for line in lines(in: section) {
            if case .parameter(let found, let value) = line.kind, PlainTextBytes.sameBytes(found, wanted) {
                result = Parameter(name: found, value: value, line: line.number,
                                   valuePosition: line.valueRange.map { PlainTextBytes.Locator(bytes).position(of: $0.lowerBound) })
            }
        }
        return result
    }

    /// Every line of every part of `section`, header included.
    func lines(in section: String) -> [Line] {
        sections(named: section).flatMap { lines[$0.lineIndices] }
    }

    func sections(named name: String) -> [Section] {
        let wanted = PlainTextBytes.asciiLowercased(name)
        return sections.filter { section in
            section.name.map { PlainTextBytes.asciiLowercased($0) == wanted } ?? false
        }
    }

    /// Parameters are written with their dashes; a bare name gets `--`.
    static func parameterName(_ name: String) -> String {
        name.utf8.first == 0x2D ? name : "--" + name
    }
}
