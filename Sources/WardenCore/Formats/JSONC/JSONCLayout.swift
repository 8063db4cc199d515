// MARK: - How a document is laid out

/// Answers the questions an edit asks about the text around a node, so that what it writes
/// looks like what is already there: which line ending, how deep the indentation, which
/// indentation unit, how keys and colons are spaced, whether an object is one line or many.
struct JSONCLayout {
    let bytes: [UInt8]
    let root: JSONCNode
    let lines: UTF8LineLayout

    init(bytes: [UInt8], root: JSONCNode) {
        self.bytes = bytes
        self.root = root
        self.lines = UTF8LineLayout(bytes: bytes)
    }

    // MARK: Lines

    func lineStart(_ offset: Int) -> Int { lines.lineStart(offset) }
    func indentation(ofLineAt offset: Int) -> [UInt8] { lines.indentation(ofLineAt: offset) }
    func isFirstOnLine(_ offset: Int) -> Bool { lines.isFirstOnLine(offset) }
    func newline(near offset: Int) -> [UInt8] { lines.newline(near: offset) }
    func containsLineBreak(_ range: Range<Int>) -> Bool { lines.containsLineBreak(range) }
    func isBlank(_ range: Range<Int>) -> Bool { lines.isBlank(range) }
    func skipSpaces(from offset: Int) -> Int { lines.skipSpaces(from: offset) }

    /// Skips spaces, tabs and comments that stay on the current line; stops before a line break,
    /// before anything else, or before a block comment that runs onto another line.
    func skipSameLineTrivia(from offset: Int) -> Int {
        var index = skipSpaces(from: offset)
        while index + 1 < bytes.count, bytes[index] == JSONCByte.slash {
            if bytes[index + 1] == JSONCByte.slash {
                while index < bytes.count, !Self.isLineBreak(bytes[index]) { index += 1 }
                return index
            }
            guard bytes[index + 1] == JSONCByte.star else { return index }
            var end = index + 2
            while end + 1 < bytes.count, !(bytes[end] == JSONCByte.star && bytes[end + 1] == JSONCByte.slash) {
                if Self.isLineBreak(bytes[end]) { return index }
                end += 1
            }
            guard end + 1 < bytes.count else { return index }
            index = skipSpaces(from: end + 2)
        }
        return index
    }

    /// When only spaces and comments follow `offset` on its line: the offset after the line break
    /// (or the end of the text). Nil when something else follows.
    func endOfLineIfOnlyTrivia(after offset: Int) -> Int? {
        let index = skipSameLineTrivia(from: offset)
        return index == bytes.count ? index : lines.afterLineBreak(at: index)
    }

    // MARK: Containers

    /// A container is written one item per line when a line break separates its opening bracket
    /// from its first item. An empty one follows the document: multi-line documents expand it.
    func isMultiLine(_ container: JSONCNode) -> Bool {
        let open = container.range.lowerBound
        if container.itemCount > 0 {
            return containsLineBreak(open + 1..<container.itemStart(0))
        }
        return containsLineBreak(container.range) || containsLineBreak(root.range)
    }

    /// The indentation of the items of a multi-line `container`: that of its last item that
    /// starts a line, else its own line's indentation plus one unit.
    func itemIndentation(of container: JSONCNode) -> [UInt8] {
        for index in stride(from: container.itemCount - 1, through: 0, by: -1)
        where isFirstOnLine(container.itemStart(index)) {
            return indentation(ofLineAt: container.itemStart(index))
        }
        return indentation(ofLineAt: container.range.lowerBound) + indentUnit
    }

    /// One level of indentation, as the file writes it: the most common step between a container's
    /// line and its items' lines (two spaces when the file has no multi-line container).
    var indentUnit: [UInt8] {
        var counts: [[UInt8]: Int] = [:]
        var firstSeen: [[UInt8]] = []
        func visit(_ node: JSONCNode) {
            guard node.isContainer else { return }
            let outer = indentation(ofLineAt: node.range.lowerBound)
            for index in 0..<node.itemCount where isFirstOnLine(node.itemStart(index)) {
                let inner = indentation(ofLineAt: node.itemStart(index))
                if inner.count > outer.count, inner.starts(with: outer) {
                    let unit = Array(inner.dropFirst(outer.count))
                    if counts[unit] == nil { firstSeen.append(unit) }
                    counts[unit, default: 0] += 1
                }
            }
            switch node.content {
            case .object(let members): members.forEach { visit($0.value) }
            case .array(let elements): elements.forEach(visit)
            default: break
            }
        }
        visit(root)
        let best = firstSeen.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) }
        return best ?? [JSONCByte.space, JSONCByte.space]
    }

    /// The text between a key and its value (`": "`, `":"`, `" : "`), taken from the object's
    /// members, else from anywhere in the file; gaps holding comments or line breaks don't count.
    func colon(preferring container: JSONCNode) -> [UInt8] {
        func clean(_ members: [JSONCMember]) -> [UInt8]? {
            for member in members.reversed() {
                let gap = Array(bytes[member.keyRange.upperBound..<member.value.range.lowerBound])
                let colons = gap.filter { $0 == JSONCByte.colon }.count
                if colons == 1, gap.allSatisfy({ $0 == JSONCByte.colon || Self.isSpace($0) }) {
                    return gap
                }
            }
            return nil
        }
        if let members = container.members, let gap = clean(members) { return gap }
        var found: [UInt8]?
        func visit(_ node: JSONCNode) {
            guard found == nil else { return }
            switch node.content {
            case .object(let members):
                found = clean(members)
                members.forEach { visit($0.value) }
            case .array(let elements):
                elements.forEach(visit)
            default:
                break
            }
        }
        visit(root)
        return found ?? [JSONCByte.colon, JSONCByte.space]
    }

    /// For one-line containers: what follows a comma (`" "` or nothing) and what pads the
    /// brackets (`{ "a": 1 }` versus `{"a": 1}`).
    func inlineSpacing(of container: JSONCNode) -> (separator: [UInt8], padding: [UInt8]) {
        var separator: [UInt8] = [JSONCByte.space]
        var padding: [UInt8] = []
        let open = container.range.lowerBound
        if container.itemCount > 0 {
            let lead = Array(bytes[open + 1..<container.itemStart(0)])
            if lead.allSatisfy(Self.isSpace) { padding = lead }
        } else {
            let inner = Array(bytes[open + 1..<container.range.upperBound - 1])
            if !inner.isEmpty, inner.allSatisfy(Self.isSpace) { padding = [JSONCByte.space] }
        }
        if container.itemCount > 1, let comma = container.commas[0] {
            let gap = Array(bytes[comma + 1..<container.itemStart(1)])
            if gap.allSatisfy(Self.isSpace) { separator = gap }
        }
        return (separator, padding)
    }

    static func isLineBreak(_ byte: UInt8) -> Bool { UTF8LineLayout.isLineBreak(byte) }
    static func isSpace(_ byte: UInt8) -> Bool { UTF8LineLayout.isSpace(byte) }
}
