// MARK: - Byte-level text helpers for the lossless editors

/// What the connection-string, pgpass and INI editors share: they all work on the exact
/// UTF-8 bytes of the original text, never on `Character`s.
///
/// Why bytes: in Swift `"\r\n"` is one `Character`, so splitting a `String` on `"\n"` silently
/// misses CRLF lines, and `String` comparison uses canonical equivalence. Every delimiter these
/// formats care about is ASCII, so scanning bytes is both exact and simple, and an edit can
/// splice new bytes into the original at exact offsets without touching anything else.
enum PlainTextBytes {
    /// The UTF-8 byte-order mark some Windows editors put at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// How many bytes of a leading byte-order mark `bytes` has (0 or 3).
    static func byteOrderMarkLength(_ bytes: [UInt8]) -> Int {
        bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
    }

    /// Decodes bytes that came from a `String` (or were spliced from one at ASCII boundaries).
    static func string<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }

    /// C's `isspace` in the "C" locale: what libpq and most config readers skip.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// A space or a tab: the only blanks inside one line.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// `bytes` with `range` replaced by `replacement`.
    static func splicing(_ bytes: [UInt8], _ range: Range<Int>, with replacement: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy.replaceSubrange(range, with: replacement)
        return copy
    }

    /// `bytes` with several non-overlapping `edits` applied; later offsets are applied first so
    /// that earlier offsets stay valid.
    static func splicing(_ bytes: [UInt8], _ edits: [(range: Range<Int>, replacement: [UInt8])]) -> [UInt8] {
        var copy = bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            copy.replaceSubrange(edit.range, with: edit.replacement)
        }
        return copy
    }

    /// Byte-exact equality of two strings (no canonical equivalence).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// ASCII-only lowercase of a string's bytes, for case-insensitive names.
    static func asciiLowercased(_ text: String) -> [UInt8] {
        text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
    }
}

// MARK: - Lines

extension PlainTextBytes {
    /// One line of a text: its content and the terminator after it (`\n`, `\r\n`, or none
    /// for a last line without a final newline).
    struct Line: Sendable, Hashable {
        /// 1-based line number.
        var number: Int
        /// Offset of the first byte of the line.
        var start: Int
        /// Offset just past the content (before `\r\n` or `\n`).
        var contentEnd: Int
        /// Offset just past the terminator (the next line's start).
        var end: Int

        var content: Range<Int> { start..<contentEnd }
        var whole: Range<Int> { start..<end }
        var hasTerminator: Bool { end > contentEnd }
    }

    /// Splits `bytes` into lines on `\n`; a `\r` directly before the `\n` belongs to the
    /// terminator. An empty text has no lines; `"a\n"` has one.
    static func lines(_ bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                let contentEnd = (index > start && bytes[index - 1] == 0x0D) ? index - 1 : index
                result.append(Line(number: result.count + 1, start: start, contentEnd: contentEnd, end: index + 1))
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count {
            result.append(Line(number: result.count + 1, start: start, contentEnd: bytes.count, end: bytes.count))
        }
        return result
    }

    /// The terminator bytes of `line` (empty for a last line without one).
    static func terminator(of line: Line, in bytes: [UInt8]) -> [UInt8] {
        Array(bytes[line.contentEnd..<line.end])
    }

    /// The terminator most lines of `bytes` use, `\n` when there is none.
    static func dominantTerminator(_ bytes: [UInt8], lines: [Line]) -> [UInt8] {
        var crlf = 0
        var lf = 0
        for line in lines where line.hasTerminator {
            if line.end - line.contentEnd == 2 { crlf += 1 } else { lf += 1 }
        }
        return crlf > lf ? [0x0D, 0x0A] : [0x0A]
    }
}

// MARK: - Positions

extension PlainTextBytes {
    /// Maps byte offsets to the 1-based line and column an editor shows.
    ///
    /// Columns count Unicode scalars (UTF-8 lead bytes) from the start of the line, as
    /// `TextPosition` promises; a byte-order mark at the very start is invisible in editors,
    /// so it is not counted.
    struct Locator: Sendable {
        private let bytes: [UInt8]
        private let lineStarts: [Int]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var starts = [0]
            for (offset, byte) in bytes.enumerated() where byte == 0x0A {
                starts.append(offset + 1)
            }
            self.lineStarts = starts
        }

        func position(of offset: Int) -> TextPosition {
            let clamped = max(0, min(offset, bytes.count))
            // Last line start that is <= clamped.
            var low = 0
            var high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
            }
            var start = lineStarts[low]
            if low == 0 { start = min(PlainTextBytes.byteOrderMarkLength(bytes), clamped) }
            var column = 1
            for byte in bytes[start..<clamped] where byte & 0xC0 != 0x80 {
                column += 1
            }
            return TextPosition(line: low + 1, column: column)
        }
    }
}
