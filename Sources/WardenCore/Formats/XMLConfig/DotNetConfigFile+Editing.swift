// MARK: - Editing connection strings in place

extension DotNetConfigFile {
    /// Replaces the connection string of the entry named `name` (case-insensitively, as .NET
    /// matches names). Only the bytes between the attribute's quotes change; the new value is
    /// escaped for that attribute's quote character. Setting the current value changes nothing.
    public mutating func setConnectionString(name: String, value: String) throws(CoreError) {
        let section = try writableSection()
        guard let entry = entry(named: name) else {
            let names = section.entries.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw CoreError(
                .notFound, "no connection string named \"\(name)\" in <connectionStrings>",
                hint: names.isEmpty ? "the section has no entries; add one instead" : "the section has \(names)",
                position: section.position)
        }
        if entry.connectionString.unicodeScalars.elementsEqual(value.unicodeScalars) { return }
        try XMLAttributeText.checkRepresentable(value, what: "the new connection string for \"\(entry.name)\"")
        guard let attribute = elements[entry.element].attribute("connectionString") else {
            throw CoreError(.invalid, "internal error: the entry \"\(entry.name)\" lost its connectionString attribute")
        }
        try apply(attribute.valueRange, XMLAttributeText.encode(value, quote: attribute.quote))
    }

    /// Adds `<add name="…" connectionString="…" providerName="…" />` after the section's last
    /// item, on its own line, in the items' indentation, quote character and line ending.
    /// An empty or self-closing section is opened up to hold it.
    public mutating func addConnectionString(
        name: String, value: String, providerName: String? = nil
    ) throws(CoreError) {
        let section = try writableSection()
        guard !name.isEmpty else {
            throw CoreError(.invalid, "a connection string needs a non-empty name")
        }
        if let existing = entry(named: name) {
            throw CoreError(
                .invalid, "<connectionStrings> already has an entry named \"\(existing.name)\"",
                hint: "set its connection string instead of adding a second one", position: existing.position)
        }
        try XMLAttributeText.checkRepresentable(name, what: "the new entry's name")
        try XMLAttributeText.checkRepresentable(value, what: "the new connection string for \"\(name)\"")
        try XMLAttributeText.checkRepresentable(providerName ?? "", what: "the new entry's providerName")

        let lines = UTF8LineLayout(bytes: bytes)
        let tag = newAddTag(name: name, value: value, providerName: providerName, section: section)
        let sectionElement = elements[section.element]

        if let lastItem = section.itemElements.last.map({ elements[$0] }) {
            let indent = lines.isFirstOnLine(lastItem.startTag.lowerBound)
                ? lines.indentation(ofLineAt: lastItem.startTag.lowerBound)
                : lines.indentation(ofLineAt: sectionElement.startTag.lowerBound) + indentUnit(lines)
            let at = insertionPoint(after: lastItem.end, lines: lines)
            try apply(at..<at, lines.newline(near: lastItem.end) + indent + tag)
            return
        }

        let sectionIndent = lines.indentation(ofLineAt: sectionElement.startTag.lowerBound)
        let childIndent = sectionIndent + indentUnit(lines)
        let newline = lines.newline(near: sectionElement.startTag.lowerBound)
        guard let endTag = sectionElement.endTag else {
            // <connectionStrings /> becomes an open/close pair around the new line.
            let opened = Array(">".utf8) + newline + childIndent + tag + newline + sectionIndent
                + Array("</\(sectionElement.name)>".utf8)
            try apply(sectionElement.attributesEnd..<sectionElement.startTag.upperBound, opened)
            return
        }
        if lines.isFirstOnLine(endTag.lowerBound) {
            let at = lines.lineStart(endTag.lowerBound)
            try apply(at..<at, childIndent + tag + newline)
        } else {
            try apply(endTag.lowerBound..<endTag.lowerBound, newline + childIndent + tag + newline + sectionIndent)
        }
    }

    // MARK: Helpers

    /// The section, when this file really holds its entries.
    private func writableSection() throws(CoreError) -> ConnectionStrings {
        guard let section = connectionStrings else {
            throw CoreError(
                .notFound, "the file has no <connectionStrings> section",
                hint: "add <connectionStrings> under <configuration> first")
        }
        if let source = section.configSource {
            throw CoreError(
                .unsupported, "<connectionStrings> takes its entries from configSource=\"\(source)\"",
                hint: "edit that file instead", position: section.position)
        }
        if section.isEncrypted {
            let provider = section.protectionProvider.map { " with \($0)" } ?? ""
            throw CoreError(
                .unsupported, "the <connectionStrings> section is encrypted\(provider)",
                hint: "decrypt it first (the vendor's Connection String Editor, or aspnet_regiis -pdf), then edit",
                position: section.position)
        }
        return section
    }

    /// `<add name="…" connectionString="…" providerName="…" />` in the style of the last `<add>`.
    private func newAddTag(name: String, value: String, providerName: String?, section: ConnectionStrings) -> [UInt8] {
        let model = section.itemElements.reversed().map { elements[$0] }.first { $0.name == "add" }
        let quote = model?.attribute("connectionString")?.quote ?? UInt8(ascii: "\"")
        let closing = model.flatMap { $0.isSelfClosing ? Array(bytes[$0.attributesEnd..<$0.startTag.upperBound]) : nil }
            ?? Array(" />".utf8)
        func attribute(_ attributeName: String, _ attributeValue: String) -> [UInt8] {
            Array(" \(attributeName)=".utf8) + [quote] + XMLAttributeText.encode(attributeValue, quote: quote) + [quote]
        }
        var tag = Array("<add".utf8) + attribute("name", name) + attribute("connectionString", value)
        if let providerName { tag += attribute("providerName", providerName) }
        return tag + closing
    }

    /// After `offset` and any spaces and comments that end on the same line, when a line break
    /// follows them; else `offset` itself.
    private func insertionPoint(after offset: Int, lines: UTF8LineLayout) -> Int {
        var index = lines.skipSpaces(from: offset)
        while bytes[index...].starts(with: "<!--".utf8) {
            var end = index + 4
            while end + 3 <= bytes.count, !bytes[end..<end + 3].elementsEqual("-->".utf8) {
                if UTF8LineLayout.isLineBreak(bytes[end]) { return offset }
                end += 1
            }
            guard end + 3 <= bytes.count else { return offset }
            index = lines.skipSpaces(from: end + 3)
        }
        return index == bytes.count || UTF8LineLayout.isLineBreak(bytes[index]) ? index : offset
    }

    /// One level of indentation: the most common step from an element's line to its children's.
    private func indentUnit(_ lines: UTF8LineLayout) -> [UInt8] {
        var counts: [[UInt8]: Int] = [:]
        var firstSeen: [[UInt8]] = []
        for element in elements {
            guard let parent = element.parent.map({ elements[$0] }),
                lines.isFirstOnLine(element.startTag.lowerBound), lines.isFirstOnLine(parent.startTag.lowerBound)
            else { continue }
            let inner = lines.indentation(ofLineAt: element.startTag.lowerBound)
            let outer = lines.indentation(ofLineAt: parent.startTag.lowerBound)
            guard inner.count > outer.count, inner.starts(with: outer) else { continue }
            let unit = Array(inner.dropFirst(outer.count))
            if counts[unit] == nil { firstSeen.append(unit) }
            counts[unit, default: 0] += 1
        }
        return firstSeen.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) } ?? Array("  ".utf8)
    }

    /// Replaces `range` with `text` and parses the result, so the model always describes the text.
    private mutating func apply(_ range: Range<Int>, _ text: [UInt8]) throws(CoreError) {
        var edited = bytes
        edited.replaceSubrange(range, with: text)
        do {
            self = try DotNetConfigFile(bytes: edited)
        } catch {
            throw CoreError(
                .invalid, "internal error: the edit would make the file unreadable, so nothing was changed",
                hint: "please report this together with the file's layout (not its secrets)")
        }
    }
}
