// MARK: - The keyword/value form

extension LibpqConnectionString {
    /// One `keyword=value` of the keyword/value form, with where its pieces are.
    struct KeywordValuePair: Sendable, Hashable {
        var keyword: String
        /// Unquoted and unescaped.
        var value: String
        /// Whether the value is written in single quotes.
        var isQuoted: Bool
        var keywordStart: Int
        var keywordEnd: Int
        /// The value token as written (quotes included; empty range for an empty value).
        var valueRange: Range<Int>
    }
}

// MARK: Parsing

extension LibpqConnectionString.KeywordValuePair {
    /// libpq's `conninfo_parse`: blanks separate settings; a keyword runs to `=` or a blank
    /// (blanks may precede the `=`); blanks after `=` are skipped; an unquoted value runs to the
    /// next blank; a value starting with `'` runs to the closing `'`; `\` escapes the next byte
    /// in both.
    static func parse(_ bytes: [UInt8]) throws -> [Self] {
        let locator = PlainTextBytes.Locator(bytes)
        var pairs: [Self] = []
        var index = PlainTextBytes.byteOrderMarkLength(bytes)
        while index < bytes.count {
            if PlainTextBytes.isSpace(bytes[index]) {
                index += 1
                continue
            }
            let keywordStart = index
            while index < bytes.count, bytes[index] != 0x3D, !PlainTextBytes.isSpace(bytes[index]) { index += 1 }
            let keywordEnd = index
            while index < bytes.count, PlainTextBytes.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == 0x3D else {
                throw CoreError(
                    .parse, "missing \"=\" after a keyword in the connection string",
                    hint: "write every setting as keyword=value; quote values with blanks in single quotes",
                    position: locator.position(of: index)
                )
            }
            guard keywordEnd > keywordStart else {
                throw CoreError(
                    .parse, "missing keyword before \"=\" in the connection string",
                    hint: "write every setting as keyword=value",
                    position: locator.position(of: index)
                )
            }
            index += 1
            while index < bytes.count, PlainTextBytes.isSpace(bytes[index]) { index += 1 }

            let valueStart = index
            var value: [UInt8] = []
            let isQuoted = index < bytes.count && bytes[index] == 0x27
            if isQuoted {
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw CoreError(
                            .parse, "unterminated quoted string in the connection string",
                            hint: "close the value with a single quote; write a quote inside as \\'",
                            position: locator.position(of: valueStart)
                        )
                    }
                    let byte = bytes[index]
                    if byte == 0x5C {
                        index += 1
                        if index < bytes.count { value.append(bytes[index]); index += 1 }
                        continue
                    }
                    index += 1
                    if byte == 0x27 { break }
                    value.append(byte)
                }
            } else {
                while index < bytes.count, !PlainTextBytes.isSpace(bytes[index]) {
                    if bytes[index] == 0x5C {
                        index += 1
                        if index < bytes.count { value.append(bytes[index]); index += 1 }
                    } else {
                        value.append(bytes[index])
                        index += 1
                    }
                }
            }
            pairs.append(Self(
                keyword: PlainTextBytes.string(bytes[keywordStart..<keywordEnd]),
                value: PlainTextBytes.string(value),
                isQuoted: isQuoted,
                keywordStart: keywordStart, keywordEnd: keywordEnd,
                valueRange: valueStart..<index
            ))
        }
        return pairs
    }
}

// MARK: Editing

extension LibpqConnectionString.KeywordValuePair {
    static func setting(_ keyword: String, to value: String, in bytes: [UInt8], pairs: [Self]) -> [UInt8] {
        let matches = pairs.filter { PlainTextBytes.sameBytes($0.keyword, keyword) }
        if !matches.isEmpty {
            return PlainTextBytes.splicing(bytes, matches.map { ($0.valueRange, encode(value, quoted: $0.isQuoted)) })
        }
        var equals: [UInt8] = [0x3D]
        var separator: [UInt8] = [0x20]
        if let first = pairs.first {
            equals = Array(bytes[first.keywordEnd..<first.valueRange.lowerBound])
        }
        if pairs.count > 1 {
            separator = Array(bytes[pairs[0].valueRange.upperBound..<pairs[1].keywordStart])
        }
        let setting = Array(keyword.utf8) + equals + encode(value, quoted: false)
        guard let last = pairs.last else {
            return bytes + setting
        }
        let end = last.valueRange.upperBound
        return PlainTextBytes.splicing(bytes, end..<end, with: separator + setting)
    }

    static func removing(_ keyword: String, from bytes: [UInt8], pairs: [Self]) -> [UInt8]? {
        let removed = pairs.map { PlainTextBytes.sameBytes($0.keyword, keyword) }
        var ranges: [Range<Int>] = []
        for (index, pair) in pairs.enumerated() where removed[index] {
            if index + 1 < pairs.count {
                ranges.append(pair.keywordStart..<pairs[index + 1].keywordStart)
            } else if let kept = pairs.indices.last(where: { $0 < index && !removed[$0] }) {
                // The last setting: take the blanks before it instead of after it.
                ranges.append(pairs[kept].valueRange.upperBound..<pair.valueRange.upperBound)
            } else {
                ranges.append(pair.keywordStart..<pair.valueRange.upperBound)
            }
        }
        guard !ranges.isEmpty else { return nil }
        return PlainTextBytes.splicing(bytes, ADOConnectionString.merging(ranges).map { ($0, []) })
    }

    /// A value as libpq reads it back: bare when it can be, otherwise in single quotes with
    /// `\` and `'` escaped. `quoted` keeps an existing quoted value quoted.
    static func encode(_ value: String, quoted: Bool) -> [UInt8] {
        let bytes = Array(value.utf8)
        let needsQuotes = bytes.isEmpty || bytes.contains { PlainTextBytes.isSpace($0) || $0 == 0x27 || $0 == 0x5C }
        guard quoted || needsQuotes else { return bytes }
        var result: [UInt8] = [0x27]
        for byte in bytes {
            if byte == 0x27 || byte == 0x5C { result.append(0x5C) }
            result.append(byte)
        }
        result.append(0x27)
        return result
    }
}
