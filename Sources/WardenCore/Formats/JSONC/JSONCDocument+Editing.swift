// MARK: - Editing in place

extension JSONCDocument {
    /// Sets the value at `path`.
    ///
    /// An existing value is replaced (only its bytes change; a value equal to the current one
    /// changes nothing). A missing last key is added to its object as a new last member, written
    /// like its siblings: same indentation, comma placement, line ending and colon spacing; a
    /// one-line object stays one line. Missing intermediate objects are *not* created, so a typo
    /// in a path fails loudly instead of writing settings nobody reads.
    public mutating func set(_ value: JSONCValue, at path: JSONCPath) throws(CoreError) {
        if let existing = node(at: path) {
            try apply(replacing(existing, at: path, with: value))
            return
        }
        guard let parentPath = path.parent, case .key(let key)? = path.components.last,
            let parent = node(at: parentPath), let members = parent.members
        else {
            _ = try resolve(path)  // throws the precise reason
            return
        }
        if let clash = members.last(where: { $0.key.lowercased() == key.lowercased() }) {
            throw CoreError(
                .invalid, "the object at \(parentPath) already has the key \"\(clash.key)\", which differs from "
                    + "\"\(key)\" only in letter case",
                hint: ".NET configuration treats keys case-insensitively; use the existing spelling",
                position: clash.keyPosition)
        }
        try apply(inserting(key, value, into: parent))
    }

    /// Removes the member or array element at `path`, with its comma, and its whole line when
    /// it had a line to itself. A key that occurs more than once is removed everywhere, so that
    /// no earlier duplicate silently takes effect.
    public mutating func remove(at path: JSONCPath) throws(CoreError) {
        guard let parentPath = path.parent, let last = path.components.last else {
            throw CoreError(.invalid, "cannot remove the root of the document", hint: "give the path of a member")
        }
        _ = try resolve(path)
        switch last {
        case .index(let index):
            let parent = try resolve(parentPath)
            try apply(removing(item: index, of: parent))
        case .key(let key):
            while let parent = node(at: parentPath), let members = parent.members,
                let index = members.lastIndex(where: { JSONCValue.sameKey($0.key, key) })
            {
                try apply(removing(item: index, of: parent))
            }
        }
    }

    // MARK: Splicing

    /// New bytes for a range of the original text.
    struct Splice {
        var range: Range<Int>
        var text: [UInt8]
    }

    /// Applies splices (non-overlapping; at equal offsets the one listed first ends up last)
    /// and parses the result, so the tree always describes the text.
    private mutating func apply(_ splices: [Splice]) throws(CoreError) {
        guard !splices.isEmpty else { return }
        var edited = bytes
        let ordered = splices.enumerated().sorted {
            $0.element.range.lowerBound != $1.element.range.lowerBound
                ? $0.element.range.lowerBound > $1.element.range.lowerBound : $0.offset < $1.offset
        }
        for (_, splice) in ordered {
            edited.replaceSubrange(splice.range, with: splice.text)
        }
        do {
            self = try JSONCDocument(bytes: edited)
        } catch {
            throw CoreError(
                .invalid, "internal error: the edit would make the file unreadable, so nothing was changed",
                hint: "please report this together with the file's layout (not its secrets)")
        }
    }

    // MARK: Replacing

    private func replacing(_ node: JSONCNode, at path: JSONCPath, with value: JSONCValue) -> [Splice] {
        let layout = JSONCLayout(bytes: bytes, root: root)
        let text: [UInt8]
        switch value {
        case .object, .array:
            // A container keeps its own layout; a scalar turning into one takes its parent's.
            let model = node.isContainer ? node : (path.parent.flatMap { self.node(at: $0) } ?? root)
            let writer = JSONCWriter(style: style(of: model, layout: layout))
            text = writer.render(value, indent: layout.indentation(ofLineAt: node.range.lowerBound))
        default:
            text = JSONCWriter.scalar(value)
            if Self.sameScalar(node.value, value) { return [] }
        }
        if bytes[node.range].elementsEqual(text) { return [] }
        return [Splice(range: node.range, text: text)]
    }

    /// Equal as a reader sees them: strings scalar for scalar (not Swift's canonical
    /// equivalence), numbers by spelling.
    private static func sameScalar(_ left: JSONCValue, _ right: JSONCValue) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)): JSONCValue.sameKey(a, b)
        case (.number(let a), .number(let b)): a.spelling == b.spelling
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// The style new text inside `container` should follow.
    private func style(of container: JSONCNode, layout: JSONCLayout) -> JSONCWriter.Style {
        let multiLine = layout.isMultiLine(container)
        let own = layout.indentation(ofLineAt: container.range.lowerBound)
        let items = layout.itemIndentation(of: container)
        var unit = layout.indentUnit
        if multiLine, items.count > own.count, items.starts(with: own) {
            unit = Array(items.dropFirst(own.count))
        }
        let spacing = layout.inlineSpacing(of: container)
        return JSONCWriter.Style(
            multiLine: multiLine, unit: unit, newline: layout.newline(near: container.range.lowerBound),
            colon: layout.colon(preferring: container), separator: spacing.separator, padding: spacing.padding,
            trailingCommas: container.commas.last.map { $0 != nil } ?? false)
    }

    // MARK: Inserting

    private func inserting(_ key: String, _ value: JSONCValue, into object: JSONCNode) -> [Splice] {
        let layout = JSONCLayout(bytes: bytes, root: root)
        let style = style(of: object, layout: layout)
        let writer = JSONCWriter(style: style)
        let open = object.range.lowerBound
        let ownIndent = layout.indentation(ofLineAt: open)
        let comma = [JSONCByte.comma]

        guard let members = object.members, let lastIndex = members.indices.last else {
            return insertingIntoEmpty(
                key, value, object: object, layout: layout, writer: writer, ownIndent: ownIndent)
        }
        let last = members[lastIndex]
        let valueEnd = last.value.range.upperBound
        let trailingComma = object.commas[lastIndex]

        guard style.multiLine else {
            let member = writer.member(key, value, indent: ownIndent)
            if let trailingComma {
                return [Splice(range: trailingComma + 1..<trailingComma + 1, text: style.separator + member + comma)]
            }
            return [Splice(range: valueEnd..<valueEnd, text: comma + style.separator + member)]
        }

        let indent = layout.itemIndentation(of: object)
        let member = writer.member(key, value, indent: indent)
        // After the last member and any comment on its line; before a '}' that shares its line.
        func insertionPoint(after anchor: Int) -> Int {
            let end = layout.skipSameLineTrivia(from: anchor)
            let atLineEnd = end == bytes.count || JSONCLayout.isLineBreak(bytes[end])
            return atLineEnd ? end : anchor
        }

        // Comma-first layout ("  , \"b\": 2"): the new member gets its comma in front too.
        if trailingComma == nil, lastIndex > 0, let previousComma = object.commas[lastIndex - 1],
            layout.isFirstOnLine(previousComma)
        {
            let gap = Array(bytes[previousComma + 1..<last.keyRange.lowerBound])
            let at = insertionPoint(after: valueEnd)
            let lead = layout.indentation(ofLineAt: previousComma) + comma
                + (gap.allSatisfy(JSONCLayout.isSpace) ? gap : [JSONCByte.space])
            return [Splice(range: at..<at, text: style.newline + lead + member)]
        }

        let at = insertionPoint(after: trailingComma.map { $0 + 1 } ?? valueEnd)
        let line = style.newline + indent + member + (trailingComma == nil ? [] : comma)
        var splices = [Splice(range: at..<at, text: line)]
        if trailingComma == nil {
            splices.append(Splice(range: valueEnd..<valueEnd, text: comma))
        }
        return splices
    }

    private func insertingIntoEmpty(
        _ key: String, _ value: JSONCValue, object: JSONCNode, layout: JSONCLayout, writer: JSONCWriter,
        ownIndent: [UInt8]
    ) -> [Splice] {
        let style = writer.style
        let open = object.range.lowerBound
        let close = object.range.upperBound - 1
        let inner = open + 1..<close
        guard style.multiLine else {
            let member = writer.member(key, value, indent: ownIndent)
            if layout.isBlank(inner) {
                return [Splice(range: inner, text: style.padding + member + style.padding)]
            }
            return [Splice(range: close..<close, text: [JSONCByte.space] + member + [JSONCByte.space])]
        }
        let indent = ownIndent + style.unit
        let member = writer.member(key, value, indent: indent)
        if layout.isBlank(inner) {
            return [Splice(range: inner, text: style.newline + indent + member + style.newline + ownIndent)]
        }
        // Only comments inside: keep them, add the member on its own line before the '}'.
        if layout.isFirstOnLine(close) {
            let at = layout.lineStart(close)
            return [Splice(range: at..<at, text: indent + member + style.newline)]
        }
        return [Splice(range: close..<close, text: style.newline + indent + member + style.newline + ownIndent)]
    }

    // MARK: Removing

    /// The splices that take item `index` out of `container` together with its comma.
    private func removing(item index: Int, of container: JSONCNode) -> [Splice] {
        let layout = JSONCLayout(bytes: bytes, root: root)
        let start = container.itemStart(index)
        let comma = container.commas[index]
        let end = comma.map { $0 + 1 } ?? container.itemEnd(index)
        let previousComma = index > 0 ? container.commas[index - 1] : nil

        // The item has its line(s) to itself: take the lines, comments on them included.
        if layout.isFirstOnLine(start), let lineEnd = layout.endOfLineIfOnlyTrivia(after: end) {
            var splices = [Splice(range: layout.lineStart(start)..<lineEnd, text: [])]
            if comma == nil, let previousComma {
                // It was last: the comma before it now ends the object, unless trailing commas are the style.
                splices.append(Splice(range: previousComma..<previousComma + 1, text: []))
            }
            return splices
        }
        if comma != nil {
            return [Splice(range: start..<layout.skipSpaces(from: end), text: [])]
        }
        if let previousComma {
            if layout.isBlank(previousComma + 1..<start) {
                var range = previousComma..<end
                if layout.isFirstOnLine(previousComma), let lineEnd = layout.endOfLineIfOnlyTrivia(after: end) {
                    range = layout.lineStart(previousComma)..<lineEnd
                }
                return [Splice(range: range, text: [])]
            }
            return [Splice(range: previousComma..<previousComma + 1, text: []), Splice(range: start..<end, text: [])]
        }
        return [Splice(range: start..<layout.skipSpaces(from: end), text: [])]
    }
}
