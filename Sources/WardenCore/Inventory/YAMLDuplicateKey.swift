// MARK: - A key written twice in one YAML mapping

/// Where a repeated key is, for an error that names both places.
///
/// Most YAML readers keep one of the two values without a word, so a second `port:` added
/// further down silently wins or loses; pgwarden refuses the file instead. Yams reports only
/// the first occurrence, so the repeat is found in the text: keys of one block mapping all
/// start in the same column, and the mapping ends at the first line that starts further left.
enum YAMLDuplicateKey {
    static let hint = "keep one of them: YAML readers silently use only one of the two values"

    static func message(_ key: String, first: TextPosition?, again: TextPosition?) -> String {
        switch (first, again) {
        case (let first?, let again?): "key '\(key)' appears twice in the same mapping: first at \(first), again at \(again)"
        case (let first?, nil): "key '\(key)' appears more than once in the mapping whose first '\(key)' is at \(first)"
        default: "key '\(key)' appears twice in the same mapping"
        }
    }

    /// The error for Yams' duplicate-key failure: positioned at the repeat when it is found
    /// (else at the first), naming both, and any other repeated keys of the same mapping.
    static func error(_ keys: [String], first: TextPosition, in text: String) -> CoreError {
        let key = keys.first ?? ""
        let again = repeatedKey(key, after: first, in: text)
        var hint = Self.hint
        if keys.count > 1 { hint += "; also repeated in this mapping: " + keys.dropFirst().map { "'\($0)'" }.joined(separator: ", ") }
        return CoreError(.parse, message(key, first: first, again: again), hint: hint, position: again ?? first)
    }

    /// The next line after `first` that starts `key:` in `first`'s column, before the
    /// mapping ends (a line starting further left, or a document marker). Nil for keys of a
    /// flow mapping (`{a: 1, a: 2}`), which this does not follow.
    static func repeatedKey(_ key: String, after first: TextPosition, in text: String) -> TextPosition? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let scalars = Array(lines[index].unicodeScalars)
            let indent = scalars.prefix { $0 == " " }.count
            let rest = String(String.UnicodeScalarView(scalars[indent...]))
            let content = rest.trimmingSuffix("\r")
            if content.isEmpty || content.hasPrefix("#") { continue }
            let column = indent + 1
            if column < first.column { return nil }
            if column == 1, content.hasPrefix("---") || content.hasPrefix("...") { return nil }
            if column == first.column, startsWithKey(content, key) { return TextPosition(line: index + 1, column: column) }
        }
        return nil
    }

    /// Whether `line` starts with `key` (plain, 'single' or "double" quoted) and a colon
    /// that ends the key (followed by a space or the end of the line).
    private static func startsWithKey(_ line: String, _ key: String) -> Bool {
        for written in [key, "'\(key)'", "\"\(key)\""] where line.hasPrefix(written) {
            let after = line.dropFirst(written.count).drop(while: { $0 == " " })
            guard after.first == ":" else { continue }
            let next = after.dropFirst().first
            if next == nil || next == " " || next == "\t" { return true }
        }
        return false
    }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
