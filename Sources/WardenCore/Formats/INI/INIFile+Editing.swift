// MARK: - Editing INI files

extension INIFile {
    /// Sets `key` in `section` to `value`: every existing assignment is edited in place;
    /// otherwise a `Key=Value` line is added after the section's last setting or parameter.
    /// Throws `.notFound` when the section does not exist.
    public mutating func setValue(_ value: String, of key: String, in section: String) throws {
        let encoded = try Self.lineSafe(value, what: "the value of '\(key)'")
        let wanted = PlainTextBytes.asciiLowercased(key)
        let matches = lines(in: section).filter { line in
            if case .setting(let name, _) = line.kind { return PlainTextBytes.asciiLowercased(name) == wanted }
            return false
        }
        if !matches.isEmpty {
            try replace(matches.compactMap { $0.valueRange.map { ($0, encoded) } })
            return
        }
        let target = try lastPart(of: section)
        let separator = keySeparator(in: target)
        try insertLine(Array(key.utf8) + separator + encoded, into: target)
    }

    /// Sets parameter `name` (`--ssl` or `ssl`) in `section`. `value` nil makes it a bare flag
    /// (`--secure`). An existing parameter is edited in place; otherwise a line is added after
    /// the section's last setting or parameter. Throws `.notFound` when the section does not exist.
    public mutating func setParameter(_ name: String, to value: String?, in section: String) throws {
        let wanted = Self.parameterName(name)
        let encoded = try value.map { try Self.lineSafe($0, what: "the value of '\(wanted)'") }
        let matches = parameterLines(wanted, in: section)
        if !matches.isEmpty {
            try replace(matches.compactMap { line -> (Range<Int>, [UInt8])? in
                switch (line.equalsIndex, line.valueRange, encoded) {
                case (_, let range?, let encoded?):
                    return (range, encoded)  // --name=old → --name=new
                case (let equals?, let range?, nil):
                    return (equals..<range.upperBound, [])  // --name=old → --name
                case (nil, _, let encoded?):
                    let end = line.nameRange?.upperBound ?? line.span.contentEnd
                    return (end..<end, [0x3D] + encoded)  // --name → --name=new
                default:
                    return nil  // already a bare flag
                }
            })
            return
        }
        let target = try lastPart(of: section)
        try insertLine(Array(wanted.utf8) + (encoded.map { [0x3D] + $0 } ?? []), into: target)
    }

    /// Removes every `key` line in `section`; returns whether anything was removed.
    @discardableResult
    public mutating func removeValue(of key: String, in section: String) throws -> Bool {
        let wanted = PlainTextBytes.asciiLowercased(key)
        return try removeLines(lines(in: section).filter { line in
            if case .setting(let name, _) = line.kind { return PlainTextBytes.asciiLowercased(name) == wanted }
            return false
        })
    }

    /// Removes every `name` parameter line in `section`; returns whether anything was removed.
    @discardableResult
    public mutating func removeParameter(_ name: String, in section: String) throws -> Bool {
        try removeLines(parameterLines(Self.parameterName(name), in: section))
    }
}

// MARK: - Pieces

extension INIFile {
    private func parameterLines(_ name: String, in section: String) -> [Line] {
        lines(in: section).filter { line in
            if case .parameter(let found, _) = line.kind { return PlainTextBytes.sameBytes(found, name) }
            return false
        }
    }

    private func lastPart(of section: String) throws -> Section {
        guard let part = sections(named: section).last else {
            throw CoreError(.notFound, "no section [\(section)] in the file",
                            hint: "check the section name; pgwarden does not create sections")
        }
        return part
    }

    /// Inserts `content` as a new line after the section's last setting or parameter (or after
    /// its header), with that line's indentation and line ending. Comments at a section's end
    /// usually introduce the next section, so the new line goes before them.
    private mutating func insertLine(_ content: [UInt8], into section: Section) throws {
        let sectionLines = lines[section.lineIndices]
        let anchor = sectionLines.last { line in
            switch line.kind {
            case .setting, .parameter: return true
            default: return false
            }
        } ?? sectionLines.first
        guard let anchor else {
            throw CoreError(.notFound, "the section has no line to add after",
                            hint: "add the setting by hand under the section header")
        }
        let indent = Array(bytes[anchor.span.start..<anchor.indentEnd].drop(while: { !PlainTextBytes.isBlank($0) }))
        var terminator = PlainTextBytes.terminator(of: anchor.span, in: bytes)
        if terminator.isEmpty {
            // The anchor is the last line and has no newline: end it with the file's style, and
            // leave the new last line without one, as the file had.
            terminator = PlainTextBytes.dominantTerminator(bytes, lines: lines.map(\.span))
            let end = anchor.span.end
            try replace([(end..<end, terminator + indent + content)])
        } else {
            let end = anchor.span.end
            try replace([(end..<end, indent + content + terminator)])
        }
    }

    private mutating func removeLines(_ doomed: [Line]) throws -> Bool {
        guard !doomed.isEmpty else { return false }
        try replace(doomed.map { ($0.span.whole, []) })
        return true
    }

    private mutating func replace(_ edits: [(Range<Int>, [UInt8])]) throws {
        let edited = PlainTextBytes.splicing(bytes, edits.map { (range: $0.0, replacement: $0.1) })
        do {
            self = try INIFile(bytes: edited)
        } catch var error as CoreError {
            error.message = "internal error: an edit produced an unreadable INI file (\(error.message))"
            throw error
        }
    }

    /// The bytes between key and value in the section's settings (`=` or ` = `).
    private func keySeparator(in section: Section) -> [UInt8] {
        for line in lines[section.lineIndices] {
            if case .setting = line.kind, let name = line.nameRange, let value = line.valueRange, !value.isEmpty {
                return Array(bytes[name.upperBound..<value.lowerBound])
            }
        }
        return [0x3D]
    }

    /// A value must stay on its line and keep its surrounding blanks out (they are not part of
    /// a value when read back).
    private static func lineSafe(_ value: String, what: String) throws -> [UInt8] {
        let bytes = Array(value.utf8)
        guard !bytes.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
            throw CoreError(.invalid, "\(what) contains a line break or NUL, which an INI line cannot hold",
                            hint: "remove line breaks and NUL characters from the value")
        }
        if let first = bytes.first, let last = bytes.last, PlainTextBytes.isBlank(first) || PlainTextBytes.isBlank(last) {
            throw CoreError(.invalid, "\(what) starts or ends with blanks, which an INI file drops when read back",
                            hint: "trim the value")
        }
        return bytes
    }
}
