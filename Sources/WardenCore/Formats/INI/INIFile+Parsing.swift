// MARK: - Parsing INI lines

extension INIFile {
    static func parseLines(_ bytes: [UInt8]) throws -> [Line] {
        let locator = PlainTextBytes.Locator(bytes)
        let byteOrderMark = PlainTextBytes.byteOrderMarkLength(bytes)
        return try PlainTextBytes.lines(bytes).map { span in
            // A byte-order mark is invisible: treat it as part of the first line's indentation.
            var start = span.start == 0 ? byteOrderMark : span.start
            while start < span.contentEnd, PlainTextBytes.isBlank(bytes[start]) { start += 1 }
            var end = span.contentEnd
            while end > start, PlainTextBytes.isSpace(bytes[end - 1]) { end -= 1 }
            return try parseLine(bytes, span: span, content: start..<end, locator: locator)
        }
    }

    /// Classifies one line; `content` excludes indentation and trailing blanks.
    private static func parseLine(
        _ bytes: [UInt8], span: PlainTextBytes.Line, content: Range<Int>, locator: PlainTextBytes.Locator
    ) throws -> Line {
        func line(_ kind: Line.Kind, name: Range<Int>? = nil, equals: Int? = nil, value: Range<Int>? = nil) -> Line {
            Line(number: span.number, kind: kind, span: span, indentEnd: content.lowerBound,
                 nameRange: name, equalsIndex: equals, valueRange: value)
        }
        func text(_ range: Range<Int>) -> String { PlainTextBytes.string(bytes[range]) }

        guard let first = content.first.map({ bytes[$0] }) else { return line(.blank) }
        switch first {
        case 0x3B, 0x23:  // `;` or `#`
            return line(.comment)
        case 0x5B:  // `[`
            return line(.section(name: try sectionName(bytes, content, locator: locator)))
        case 0x2D:  // `-`: a command-line parameter
            let equals = bytes[content].firstIndex(of: 0x3D)
            let nameEnd = equals ?? content.upperBound
            guard bytes[content.lowerBound..<nameEnd].contains(where: { $0 != 0x2D }) else {
                throw CoreError(.parse, "parameter line has no name after its dashes",
                                hint: "write parameters as --name or --name=value",
                                position: locator.position(of: content.lowerBound))
            }
            guard let equals else {
                return line(.parameter(name: text(content), value: nil), name: content)
            }
            let value = trimmed(bytes, (equals + 1)..<content.upperBound)
            let name = trimmed(bytes, content.lowerBound..<equals)
            return line(.parameter(name: text(name), value: text(value)), name: name, equals: equals, value: value)
        default:
            guard let equals = bytes[content].firstIndex(of: 0x3D) else {
                throw CoreError(.parse, "expected Key=Value, a --parameter, a [section] header or a comment",
                                hint: "comment the line out with ';' if it is a note",
                                position: locator.position(of: content.lowerBound))
            }
            let name = trimmed(bytes, content.lowerBound..<equals)
            guard !name.isEmpty else {
                throw CoreError(.parse, "missing key before '='",
                                hint: "write settings as Key=Value",
                                position: locator.position(of: equals))
            }
            let value = trimmed(bytes, (equals + 1)..<content.upperBound)
            return line(.setting(key: text(name), value: text(value)), name: name, equals: equals, value: value)
        }
    }

    /// The name inside `[…]`; after `]` only a `;` or `#` comment may follow.
    private static func sectionName(
        _ bytes: [UInt8], _ content: Range<Int>, locator: PlainTextBytes.Locator
    ) throws -> String {
        guard let close = bytes[content].firstIndex(of: 0x5D) else {
            throw CoreError(.parse, "section header has no closing ']'",
                            hint: "write section headers as [name]",
                            position: locator.position(of: content.lowerBound))
        }
        let name = trimmed(bytes, (content.lowerBound + 1)..<close)
        guard !name.isEmpty else {
            throw CoreError(.parse, "section header has an empty name",
                            hint: "write section headers as [name]",
                            position: locator.position(of: content.lowerBound))
        }
        var after = close + 1
        while after < content.upperBound, PlainTextBytes.isBlank(bytes[after]) { after += 1 }
        if after < content.upperBound, bytes[after] != 0x3B, bytes[after] != 0x23 {
            throw CoreError(.parse, "unexpected text after the section header",
                            hint: "put nothing but a ';' comment after ']'",
                            position: locator.position(of: after))
        }
        return PlainTextBytes.string(bytes[name])
    }

    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, PlainTextBytes.isBlank(bytes[start]) { start += 1 }
        while end > start, PlainTextBytes.isBlank(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    /// Groups lines into sections at each header.
    static func group(_ lines: [Line]) -> [Section] {
        var sections: [Section] = []
        var start = 0
        var name: String?
        var headerLine = 0
        func close(at end: Int) {
            let hasContent = lines[start..<end].contains { line in
                switch line.kind {
                case .setting, .parameter: return true
                default: return false
                }
            }
            if name != nil || hasContent {
                sections.append(Section(name: name, headerLine: headerLine, lineIndices: start..<end))
            }
        }
        for (index, line) in lines.enumerated() {
            if case .section(let sectionName) = line.kind {
                close(at: index)
                start = index
                name = sectionName
                headerLine = line.number
            }
        }
        close(at: lines.count)
        return sections
    }
}
