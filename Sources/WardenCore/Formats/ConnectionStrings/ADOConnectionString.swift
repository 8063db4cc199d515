// MARK: - ADO.NET connection strings (Devart dotConnect, Npgsql)

/// An ADO.NET connection string as Devart dotConnect for PostgreSQL and Npgsql read it:
/// `User ID=qliksenserepository;Ssl Mode=Require;Host='db.example.com';Port='4432';…`.
///
/// Lossless: `render()` of an unedited value returns the original text byte for byte, and an
/// edit changes only the bytes of the value it edits (plus, when a key is added, one new
/// `Key=Value;` written in the string's own style). This matters because the string lives in a
/// user's config file and a diff must show only what pgwarden meant to change.
///
/// Syntax (the ADO.NET rules both drivers follow): pairs separated by `;`, whitespace around
/// keys and values ignored, `;;` and a trailing `;` tolerated, `==` inside a key is a literal
/// `=`, values may be single- or double-quoted with the quote doubled inside (`'it''s'`), and an
/// unquoted value runs to the next `;`. Keys ignore case and have synonyms (see `Key`).
///
/// Duplicate keys: both drivers let the last one win, so `value(for:)` returns the last, and
/// `set`/`remove` act on every occurrence so the result cannot depend on which one a driver
/// honours. `validate()` reports duplicates (Devart refuses them).
public struct ADOConnectionString: Sendable, Hashable {
    /// One `Key=Value` pair as written.
    public struct Pair: Sendable, Hashable {
        /// The key as written (with `==` read as `=`, surrounding blanks removed).
        public let name: String
        /// The setting the key means.
        public let key: Key
        /// The value with its quotes removed and doubled quotes undone.
        public let value: String
        /// The quote the value is written in, if any.
        public let quote: Quote?
        /// Where the key starts.
        public let position: TextPosition

        /// Where the key starts (byte offset in the text).
        let keyStart: Int
        /// Where the key ends (before blanks and `=`).
        let keyEnd: Int
        /// The value token as written, quotes included (empty range for `Key=`).
        let valueRange: Range<Int>
        /// Offset just past this pair's `;`, if it has one.
        let terminatorEnd: Int?
    }

    /// The quote a value is written in.
    public enum Quote: UInt8, Sendable, Hashable {
        case single = 0x27
        case double = 0x22
    }

    /// The pairs in the order they are written.
    public let pairs: [Pair]

    /// The original text's bytes (after any edits).
    let bytes: [UInt8]

    init(bytes: [UInt8], pairs: [Pair]) {
        self.bytes = bytes
        self.pairs = pairs
    }

    /// Parses `text`; throws a `.parse` error with the position of the problem.
    public init(parsing text: String) throws {
        self = try Self.parse(Array(text.utf8))
    }

    /// The text, byte for byte as parsed plus any edits.
    public func render() -> String {
        PlainTextBytes.string(bytes)
    }
}

// MARK: - Reading

extension ADOConnectionString {
    /// The value of `key` (the last occurrence, as the drivers read it), or nil if absent.
    public func value(for key: Key) -> String? {
        pairs.last(where: { $0.key == key })?.value
    }

    /// Problems the drivers would refuse although the syntax is fine: a key given twice.
    /// Devart rejects duplicates outright; Npgsql silently takes the last one.
    public func validate() -> [CoreError] {
        var seen: Set<Key> = []
        var problems: [CoreError] = []
        for pair in pairs {
            if seen.contains(pair.key) {
                problems.append(CoreError(
                    .invalid,
                    "connection string key '\(pair.key.canonicalName)' is given more than once",
                    hint: "keep one '\(pair.key.canonicalName)'; Devart refuses duplicates and Npgsql uses the last",
                    position: pair.position
                ))
            }
            seen.insert(pair.key)
        }
        return problems
    }
}

// MARK: - Editing

extension ADOConnectionString {
    /// Sets `key` to `value`.
    ///
    /// An existing pair keeps its key spelling and, when the new value allows, its quoting;
    /// otherwise the value is quoted only when it has to be (`;`, quotes, `=`, leading or
    /// trailing blanks, control characters). An absent key is appended as `Key=Value` in the
    /// string's own style (separator spacing, `=` spacing, trailing `;`, preferred quote).
    public mutating func set(_ key: Key, to value: String) throws {
        guard !value.utf8.contains(0) else {
            throw CoreError(.invalid, "the value for '\(key.canonicalName)' contains a NUL character",
                            hint: "connection strings cannot hold NUL characters")
        }
        let style = Style(of: self)
        let matches = pairs.filter { $0.key == key }
        var edited: [UInt8]
        if matches.isEmpty {
            edited = appending(key: key, value: value, style: style)
        } else {
            edited = PlainTextBytes.splicing(bytes, matches.map { pair in
                (pair.valueRange, Self.encode(value, keeping: pair.quote, preferred: style.preferredQuote))
            })
        }
        self = try Self.reparsed(edited)
    }

    /// Removes every pair of `key`, with its `;` and the blanks that separated it, so the
    /// rest of the string is unchanged. Returns whether anything was removed.
    @discardableResult
    public mutating func remove(_ key: Key) throws -> Bool {
        let removed = pairs.map { $0.key == key }
        var ranges: [Range<Int>] = []
        for (index, pair) in pairs.enumerated() where removed[index] {
            if index + 1 < pairs.count {
                // Up to the next pair's key: its own `;` and the separator go with it.
                ranges.append(pair.keyStart..<pairs[index + 1].keyStart)
            } else if let end = pair.terminatorEnd {
                ranges.append(pair.keyStart..<end)
            } else if let kept = pairs.indices.last(where: { $0 < index && !removed[$0] }),
                      let previousEnd = pairs[kept].terminatorEnd {
                // Last pair without `;`: take the previous `;` and separator instead, so a
                // string without a trailing `;` keeps having none.
                ranges.append((previousEnd - 1)..<pair.valueRange.upperBound)
            } else {
                ranges.append(pair.keyStart..<pair.valueRange.upperBound)
            }
        }
        guard !ranges.isEmpty else { return false }
        let merged = Self.merging(ranges)
        self = try Self.reparsed(PlainTextBytes.splicing(bytes, merged.map { ($0, []) }))
        return true
    }

    private func appending(key: Key, value: String, style: Style) -> [UInt8] {
        let pairText = Self.encodeKey(key.name) + style.equals
            + Self.encode(value, keeping: nil, preferred: style.preferredQuote)
        guard let last = pairs.last else {
            return bytes + pairText + [0x3B]
        }
        if let end = last.terminatorEnd {
            return PlainTextBytes.splicing(bytes, end..<end, with: style.separator + pairText + [0x3B])
        }
        let end = last.valueRange.upperBound
        return PlainTextBytes.splicing(bytes, end..<end, with: [0x3B] + style.separator + pairText)
    }

    /// Re-reads edited bytes; edits only ever produce valid text, so a failure here is a bug
    /// in the editor, reported rather than hidden.
    static func reparsed(_ bytes: [UInt8]) throws -> ADOConnectionString {
        do {
            return try parse(bytes)
        } catch var error as CoreError {
            error.message = "internal error: an edit produced an unreadable connection string (\(error.message))"
            throw error
        }
    }

    static func merging(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}

// MARK: - Writing values in the string's own style

extension ADOConnectionString {
    /// How an existing string writes its pairs, so an added pair looks like the others.
    struct Style {
        /// The bytes between a key and its value, e.g. `=` or ` = `.
        var equals: [UInt8] = [0x3D]
        /// The blanks written after a `;` before the next key.
        var separator: [UInt8] = []
        /// The quote used when a value must be quoted.
        var preferredQuote: Quote = .double

        init(of string: ADOConnectionString) {
            let bytes = string.bytes
            if let first = string.pairs.first {
                let between = Array(bytes[first.keyEnd..<first.valueRange.lowerBound])
                if between.allSatisfy({ $0 == 0x3D || PlainTextBytes.isBlank($0) }) { equals = between }
            }
            for (index, pair) in string.pairs.enumerated().dropLast() {
                guard let end = pair.terminatorEnd else { continue }
                let gap = Array(bytes[end..<string.pairs[index + 1].keyStart])
                if gap.allSatisfy(PlainTextBytes.isBlank) { separator = gap; break }
            }
            let singles = string.pairs.filter { $0.quote == .single }.count
            let doubles = string.pairs.filter { $0.quote == .double }.count
            if singles > doubles { preferredQuote = .single }
        }
    }

    /// A key as written: `=` doubled, as the ADO.NET rules require.
    static func encodeKey(_ name: String) -> [UInt8] {
        var result: [UInt8] = []
        for byte in name.utf8 {
            result.append(byte)
            if byte == 0x3D { result.append(0x3D) }
        }
        return result
    }

    /// A value as written. `keeping` is the value's current quote (kept when possible);
    /// `preferred` is the quote to use when an unquoted value must become quoted.
    static func encode(_ value: String, keeping current: Quote?, preferred: Quote) -> [UInt8] {
        let bytes = Array(value.utf8)
        let hasSingle = bytes.contains(Quote.single.rawValue)
        let hasDouble = bytes.contains(Quote.double.rawValue)
        let quote: Quote
        if let current {
            quote = Self.usableQuote(current, hasSingle: hasSingle, hasDouble: hasDouble)
        } else if needsQuotes(bytes) {
            quote = Self.usableQuote(preferred, hasSingle: hasSingle, hasDouble: hasDouble)
        } else {
            return bytes
        }
        var result: [UInt8] = [quote.rawValue]
        for byte in bytes {
            result.append(byte)
            if byte == quote.rawValue { result.append(byte) }
        }
        result.append(quote.rawValue)
        return result
    }

    /// `wanted` unless the value contains it and not the other quote: a quote that does not
    /// occur inside needs no doubling, which Devart (no escapes at all) also reads.
    private static func usableQuote(_ wanted: Quote, hasSingle: Bool, hasDouble: Bool) -> Quote {
        switch wanted {
        case .single: return hasSingle && !hasDouble ? .double : .single
        case .double: return hasDouble && !hasSingle ? .single : .double
        }
    }

    /// Whether an unquoted value would be read differently than meant.
    static func needsQuotes(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if PlainTextBytes.isSpace(first) || PlainTextBytes.isSpace(last) { return true }
        return bytes.contains { byte in
            byte == 0x3B || byte == 0x3D || byte == Quote.single.rawValue || byte == Quote.double.rawValue
                || byte < 0x20 || byte == 0x7F
        }
    }
}
