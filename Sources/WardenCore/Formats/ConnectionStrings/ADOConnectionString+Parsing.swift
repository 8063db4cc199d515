// MARK: - Parsing ADO.NET connection strings

extension ADOConnectionString {
    /// Reads `bytes` by the ADO.NET rules, remembering where every key and value token is so
    /// edits can splice at exact offsets.
    static func parse(_ bytes: [UInt8]) throws -> ADOConnectionString {
        var reader = PairReader(bytes: bytes)
        var pairs: [Pair] = []
        while let pair = try reader.nextPair() {
            pairs.append(pair)
        }
        return ADOConnectionString(bytes: bytes, pairs: pairs)
    }

    /// A cursor over the bytes that reads one pair at a time.
    private struct PairReader {
        let bytes: [UInt8]
        let locator: PlainTextBytes.Locator
        var index: Int

        init(bytes: [UInt8]) {
            self.bytes = bytes
            self.locator = PlainTextBytes.Locator(bytes)
            self.index = PlainTextBytes.byteOrderMarkLength(bytes)
        }

        private static let semicolon: UInt8 = 0x3B
        private static let equals: UInt8 = 0x3D

        mutating func nextPair() throws -> Pair? {
            // Blanks and empty `;;` segments between pairs are tolerated.
            while index < bytes.count, PlainTextBytes.isSpace(bytes[index]) || bytes[index] == Self.semicolon {
                index += 1
            }
            guard index < bytes.count else { return nil }

            let keyStart = index
            let (name, keyEnd) = try readKey()
            index += 1  // past `=`
            skipSpaces()
            let valueStart = index
            let value: String
            let quote: Quote?
            if index < bytes.count, let opening = Quote(rawValue: bytes[index]) {
                quote = opening
                value = try readQuotedValue(opening, keyName: name)
            } else {
                quote = nil
                value = readUnquotedValue()
            }
            let valueEnd = quote == nil ? trimmedEnd(from: valueStart, to: index) : index
            if quote != nil {
                skipSpaces()
                if index < bytes.count, bytes[index] != Self.semicolon {
                    throw CoreError(
                        .parse, "unexpected text after the quoted value of '\(name)'",
                        hint: "end the value with its closing quote followed by ';'; double a quote inside a value ('it''s')",
                        position: locator.position(of: index)
                    )
                }
            }
            var terminatorEnd: Int?
            if index < bytes.count, bytes[index] == Self.semicolon {
                index += 1
                terminatorEnd = index
            }
            return Pair(
                name: name, key: Key(name), value: value, quote: quote,
                position: locator.position(of: keyStart),
                keyStart: keyStart, keyEnd: keyEnd,
                valueRange: valueStart..<valueEnd, terminatorEnd: terminatorEnd
            )
        }

        /// Reads a key up to its `=` (a doubled `==` is part of the key) and leaves `index` on
        /// the `=`. Returns the key's name and where its last non-blank byte ends.
        private mutating func readKey() throws -> (String, Int) {
            let start = index
            var name: [UInt8] = []
            while true {
                guard index < bytes.count, bytes[index] != Self.semicolon else {
                    // No `=` before the end of the pair: point where it was expected.
                    throw CoreError(
                        .parse, "missing '=' after a connection string key",
                        hint: "write every setting as Key=Value; separate settings with ';'",
                        position: locator.position(of: index)
                    )
                }
                if bytes[index] == Self.equals {
                    if index + 1 < bytes.count, bytes[index + 1] == Self.equals {
                        name.append(Self.equals)
                        index += 2
                        continue
                    }
                    break
                }
                name.append(bytes[index])
                index += 1
            }
            var end = index
            while end > start, PlainTextBytes.isSpace(bytes[end - 1]) { end -= 1 }
            while let last = name.last, PlainTextBytes.isSpace(last) { name.removeLast() }
            guard !name.isEmpty else {
                throw CoreError(
                    .parse, "missing key before '=' in connection string",
                    hint: "write every setting as Key=Value",
                    position: locator.position(of: index)
                )
            }
            return (PlainTextBytes.string(name), end)
        }

        /// Reads `'…'` or `"…"` with the quote doubled inside; leaves `index` past the closing quote.
        private mutating func readQuotedValue(_ quote: Quote, keyName: String) throws -> String {
            let opening = index
            index += 1
            var value: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw CoreError(
                        .parse, "the quoted value of '\(keyName)' has no closing quote",
                        hint: "close the value with the quote it opened with; double a quote inside a value",
                        position: locator.position(of: opening)
                    )
                }
                if bytes[index] == quote.rawValue {
                    if index + 1 < bytes.count, bytes[index + 1] == quote.rawValue {
                        value.append(quote.rawValue)
                        index += 2
                        continue
                    }
                    index += 1
                    return PlainTextBytes.string(value)
                }
                value.append(bytes[index])
                index += 1
            }
        }

        /// Reads up to the next `;` (or the end); surrounding blanks are not part of the value.
        private mutating func readUnquotedValue() -> String {
            let start = index
            while index < bytes.count, bytes[index] != Self.semicolon { index += 1 }
            return PlainTextBytes.string(bytes[start..<trimmedEnd(from: start, to: index)])
        }

        private func trimmedEnd(from start: Int, to end: Int) -> Int {
            var result = end
            while result > start, PlainTextBytes.isSpace(bytes[result - 1]) { result -= 1 }
            return result
        }

        private mutating func skipSpaces() {
            while index < bytes.count, PlainTextBytes.isSpace(bytes[index]) { index += 1 }
        }
    }
}
