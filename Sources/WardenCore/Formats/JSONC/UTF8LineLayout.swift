// MARK: - Lines of a UTF-8 text, for edits that must look hand-written

/// Line questions every lossless editor asks before it inserts text: where does this line
/// start, how is it indented, is this the first thing on it, which line ending does the file use.
///
/// Shared by the JSON-with-comments and .NET XML config editors. Works on bytes: a CR LF is two
/// bytes here, as in the file (in a Swift `String` it would be one `Character`).
struct UTF8LineLayout: Sendable {
    let bytes: [UInt8]

    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    /// Offset of the first byte of the line holding `offset` (after a BOM on line 1).
    func lineStart(_ offset: Int) -> Int {
        let floor = UTF8PositionTable.bomLength(bytes)
        var index = offset
        while index > floor, !Self.isLineBreak(bytes[index - 1]) { index -= 1 }
        return max(index, floor)
    }

    /// The spaces and tabs that start the line holding `offset`.
    func indentation(ofLineAt offset: Int) -> [UInt8] {
        let start = lineStart(offset)
        return Array(bytes[start..<skipSpaces(from: start)])
    }

    /// True when only spaces and tabs come before `offset` on its line.
    func isFirstOnLine(_ offset: Int) -> Bool {
        bytes[lineStart(offset)..<offset].allSatisfy(Self.isSpace)
    }

    /// The line ending to write near `offset`: the one that ends its line, else the file's
    /// first, else LF.
    func newline(near offset: Int) -> [UInt8] {
        lineEnding(from: offset) ?? lineEnding(from: 0) ?? [Self.lineFeed]
    }

    private func lineEnding(from offset: Int) -> [UInt8]? {
        var index = offset
        while index < bytes.count {
            if bytes[index] == Self.lineFeed { return [Self.lineFeed] }
            if bytes[index] == Self.carriageReturn {
                let crlf = index + 1 < bytes.count && bytes[index + 1] == Self.lineFeed
                return crlf ? [Self.carriageReturn, Self.lineFeed] : [Self.carriageReturn]
            }
            index += 1
        }
        return nil
    }

    /// The offset after the spaces and tabs at `offset`.
    func skipSpaces(from offset: Int) -> Int {
        var index = offset
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// When `offset` is at a line break: the offset after it (CR LF counts as one).
    func afterLineBreak(at offset: Int) -> Int? {
        guard offset < bytes.count else { return nil }
        if bytes[offset] == Self.carriageReturn {
            return offset + 1 < bytes.count && bytes[offset + 1] == Self.lineFeed ? offset + 2 : offset + 1
        }
        return bytes[offset] == Self.lineFeed ? offset + 1 : nil
    }

    func containsLineBreak(_ range: Range<Int>) -> Bool {
        bytes[range].contains(where: Self.isLineBreak)
    }

    /// True when `range` holds only spaces, tabs and line breaks.
    func isBlank(_ range: Range<Int>) -> Bool {
        bytes[range].allSatisfy { Self.isSpace($0) || Self.isLineBreak($0) }
    }

    static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == lineFeed || byte == carriageReturn
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }
}
