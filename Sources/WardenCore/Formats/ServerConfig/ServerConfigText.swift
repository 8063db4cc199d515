// MARK: - Bytes of a server configuration file

/// The byte-level facts both server file editors (`postgresql.conf`, `pg_hba.conf`) need:
/// where physical lines start and end, which columns an editor shows, which line ending
/// the file uses, and how to pad to a column.
///
/// Both files are read by PostgreSQL byte by byte (flex for `postgresql.conf`, `fgets` for
/// `pg_hba.conf`), so we scan `[UInt8]` too: a Swift `Character` would fold `"\r\n"` into
/// one grapheme and hide the exact bytes we must give back.
enum ServerConfigText {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")

    /// Columns jump to the next multiple of this at a tab, as in PostgreSQL's own samples.
    static let tabWidth = 8

    // MARK: Physical lines

    /// One physical line: `start..<newline` is its text, `newline..<end` its terminator
    /// (`"\n"`, or empty on a last line without one; a `"\r"` before the `"\n"` belongs to
    /// the text, because PostgreSQL treats it as blank space).
    struct PhysicalLine: Hashable {
        var start: Int
        var newline: Int
        var end: Int

        var hasTerminator: Bool { end > newline }
    }

    /// Splits `bytes[from...]` at every `"\n"`. An empty tail after the last newline is not a line.
    static func physicalLines(_ bytes: [UInt8], from start: Int) -> [PhysicalLine] {
        var lines: [PhysicalLine] = []
        var lineStart = start
        var index = start
        while index < bytes.count {
            if bytes[index] == newline {
                lines.append(PhysicalLine(start: lineStart, newline: index, end: index + 1))
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < bytes.count {
            lines.append(PhysicalLine(start: lineStart, newline: bytes.count, end: bytes.count))
        }
        return lines
    }

    /// Where the text of a line ends without its terminator: a `"\r\n"` counts as one.
    static func textEnd(_ bytes: [UInt8], _ line: PhysicalLine) -> Int {
        line.hasTerminator && line.newline > line.start && bytes[line.newline - 1] == carriageReturn
            ? line.newline - 1 : line.newline
    }

    /// Where the text of a line ends once trailing `"\r"`s are dropped (`pg_strip_crlf`).
    static func endWithoutCarriageReturns(_ bytes: [UInt8], _ line: PhysicalLine) -> Int {
        var end = line.newline
        while end > line.start, bytes[end - 1] == carriageReturn { end -= 1 }
        return end
    }

    /// Whether the file starts with a UTF-8 byte order mark.
    static func hasByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: byteOrderMark)
    }

    // MARK: Columns

    /// The 1-based column of `offset` as an editor shows it: Unicode scalars since `lineStart`
    /// (UTF-8 continuation bytes do not count).
    static func column(of offset: Int, lineStart: Int, in bytes: [UInt8]) -> Int {
        var column = 1
        var index = lineStart
        while index < offset, index < bytes.count {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return column
    }

    /// The 0-based display column of `offset`, with tabs expanded to `tabWidth` stops.
    static func displayColumn(of offset: Int, lineStart: Int, in bytes: [UInt8]) -> Int {
        advance(0, over: bytes[lineStart..<max(lineStart, min(offset, bytes.count))])
    }

    /// The display column reached by writing `text` from display column `column`.
    static func advance(_ column: Int, over text: some Collection<UInt8>) -> Int {
        var column = column
        for byte in text {
            if byte == tab {
                column = (column / tabWidth + 1) * tabWidth
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return column
    }

    /// Blank space that moves from display column `from` to `target`: tabs first when the
    /// file aligns with tabs, then spaces. Never empty: at least one separator is written
    /// even when `target` cannot be reached (the text before it is too long).
    static func padding(from: Int, to target: Int, useTabs: Bool) -> [UInt8] {
        var result: [UInt8] = []
        var column = from
        if useTabs {
            while (column / tabWidth + 1) * tabWidth <= target {
                result.append(tab)
                column = (column / tabWidth + 1) * tabWidth
            }
        }
        while column < target {
            result.append(space)
            column += 1
        }
        if result.isEmpty { result.append(useTabs ? tab : space) }
        return result
    }

    // MARK: Line endings

    /// The terminator most lines use: `"\r\n"` when most newlines follow a `"\r"`, else `"\n"`.
    static func dominantLineEnding(_ bytes: [UInt8]) -> [UInt8] {
        var crlf = 0
        var lf = 0
        for (index, byte) in bytes.enumerated() where byte == newline {
            if index > 0, bytes[index - 1] == carriageReturn { crlf += 1 } else { lf += 1 }
        }
        return crlf > lf ? [carriageReturn, newline] : [newline]
    }

    /// The terminator of `line` as written (`"\r\n"` or `"\n"`), or the file's dominant one
    /// when the line has none (the last line of a file without a final newline).
    static func lineEnding(of line: PhysicalLine, in bytes: [UInt8]) -> [UInt8] {
        guard line.hasTerminator else { return dominantLineEnding(bytes) }
        if line.newline > line.start, bytes[line.newline - 1] == carriageReturn {
            return [carriageReturn, newline]
        }
        return [newline]
    }

    /// Decodes bytes for display; invalid UTF-8 becomes U+FFFD (only ever used for reports,
    /// never for writing back).
    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
