// MARK: - From byte offsets to what an editor shows

/// Turns a byte offset in UTF-8 text into a 1-based line and column.
///
/// The editors (JSON-with-comments, .NET XML config) work on exact byte offsets so they can
/// splice edits into the original text; errors and entries, however, must point where the user
/// looks. Lines end at LF, CR LF or a lone CR; columns count Unicode scalars, and a byte-order
/// mark at the start of the file is not a column (editors do not show it).
struct UTF8PositionTable: Sendable {
    private let bytes: [UInt8]
    /// Offset of the first byte of every line; `lineStarts[0]` skips a leading BOM.
    private let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [UTF8PositionTable.bomLength(bytes)]
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                starts.append(index + 1)
            case UInt8(ascii: "\r"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                starts.append(index + 1)
            default:
                break
            }
            index += 1
        }
        self.lineStarts = starts
    }

    /// Three bytes when `bytes` starts with the UTF-8 byte-order mark, else zero.
    static func bomLength(_ bytes: [UInt8]) -> Int {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The line and column of the byte at `offset` (an offset at the end of the text is allowed).
    func position(of offset: Int) -> TextPosition {
        let clamped = max(0, min(offset, bytes.count))
        // Binary search for the last line that starts at or before `clamped`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
        }
        let start = min(lineStarts[low], clamped)
        var column = 1
        var index = start
        while index < clamped {
            // Count scalars, not bytes: skip UTF-8 continuation bytes (10xxxxxx).
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return TextPosition(line: low + 1, column: column)
    }
}
