import Yams

// MARK: - A YAML mapping that remembers where things are

/// A thin, typed view over a Yams mapping node that turns every problem into a
/// ``CoreError`` pointing at the exact line and column of the offending key or value.
struct YAMLMapping {
    let node: Node.Mapping
    let file: String

    /// The position of this mapping (its first key), for errors about the mapping as a whole.
    var position: TextPosition? { node.mark.map { TextPosition(line: $0.line, column: $0.column) } }

    /// Parses `text` and requires a mapping at the top.
    static func root(_ text: String, file: String) throws(CoreError) -> YAMLMapping {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLMapping.describe(error, text: text)
        } catch {
            throw CoreError(.parse, "not valid YAML", hint: "check indentation and quoting")
        }
        guard let composed else {
            throw CoreError(.invalid, "the inventory is empty", hint: "start from the file `pgwarden lab up` writes, or see README.md")
        }
        guard case .mapping(let mapping) = composed else {
            throw CoreError(.invalid, "the inventory must be a mapping of keys (site:, database_nodes:, …)", hint: "see README.md for the layout", position: composed.mark.map { TextPosition(line: $0.line, column: $0.column) })
        }
        return YAMLMapping(node: mapping, file: file)
    }

    private static func describe(_ error: YamlError, text: String) -> CoreError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams stops here (its message would quote the whole file, secrets included).
            return YAMLDuplicateKey.error(duplicates, first: TextPosition(line: context.mark.line, column: context.mark.column), in: text)
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return CoreError(.parse, "YAML syntax: \(problem)", hint: "check indentation, colons and quoting near here", position: TextPosition(line: mark.line, column: mark.column))
        case .composer(_, let problem, let mark, _):
            return CoreError(.parse, "YAML: \(problem)", hint: "check anchors and aliases near here", position: TextPosition(line: mark.line, column: mark.column))
        default:
            return CoreError(.parse, "not valid YAML", hint: "check the file's encoding (UTF-8) and syntax")
        }
    }

    // MARK: Keys

    private var pairs: [(key: Node, value: Node)] { node.map { ($0.key, $0.value) } }

    func allowOnly(_ allowed: Set<String>) throws(CoreError) {
        var seen: [String: TextPosition?] = [:]
        for (key, _) in pairs {
            let name = key.string ?? ""
            guard allowed.contains(name) else {
                let close = allowed.sorted().first { Self.isNear($0, name) }
                let hint = close.map { "did you mean '\($0)'?" } ?? "allowed here: \(allowed.sorted().joined(separator: ", "))"
                throw YAMLValue(node: key, file: file).error("unknown key '\(name)'", hint: hint)
            }
            if let first = seen[name] {
                let again = YAMLValue(node: key, file: file)
                throw again.error(YAMLDuplicateKey.message(name, first: first, again: again.position), hint: YAMLDuplicateKey.hint)
            }
            seen[name] = YAMLValue(node: key, file: file).position
        }
    }

    /// A small edit distance check, so a typo gets a "did you mean".
    private static func isNear(_ a: String, _ b: String) -> Bool {
        let a = Array(a), b = Array(b)
        guard abs(a.count - b.count) <= 2 else { return false }
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count] <= 2
    }

    func value(_ key: String) -> YAMLValue? {
        pairs.first { $0.key.string == key }.map { YAMLValue(node: $0.value, file: file) }
    }

    func error(_ message: String, hint: String? = nil) -> CoreError {
        CoreError(.invalid, message, hint: hint, file: file, position: position)
    }

    // MARK: Typed reads

    func string(_ key: String) throws(CoreError) -> String? {
        guard let value = value(key) else { return nil }
        return try value.scalarText(describing: key)
    }

    func requiredString(_ key: String) throws(CoreError) -> String {
        guard let text = try string(key) else {
            throw error("missing required key '\(key)'", hint: "add `\(key): …` here")
        }
        guard !text.isEmpty else {
            throw value(key)?.error("'\(key)' is empty", hint: "give it a value") ?? error("empty \(key)")
        }
        return text
    }

    func requiredInt(_ key: String) throws(CoreError) -> Int {
        let text = try requiredString(key)
        guard let number = Int(text) else {
            throw value(key)?.error("'\(key)' must be a whole number, not '\(text)'", hint: "e.g. \(key): 4432") ?? error("bad number")
        }
        return number
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(CoreError) -> E? where E.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let parsed = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw value(key)?.error("'\(key)' cannot be '\(text)'", hint: "use one of: \(allowed)") ?? error("bad value")
        }
        return parsed
    }

    func mapping(_ key: String) throws(CoreError) -> YAMLMapping? {
        guard let value = value(key) else { return nil }
        if case .scalar(let scalar) = value.node, scalar.string.isEmpty || scalar.string == "~" { return nil }
        guard case .mapping(let mapping) = value.node else {
            throw value.error("'\(key)' must be a mapping of keys", hint: "indent its entries below `\(key):`")
        }
        return YAMLMapping(node: mapping, file: file)
    }

    func sequence(_ key: String) throws(CoreError) -> [YAMLMapping]? {
        guard let value = value(key) else { return nil }
        guard case .sequence(let sequence) = value.node else {
            throw value.error("'\(key)' must be a list", hint: "write each item on its own line starting with `- `")
        }
        return try sequence.map { item throws(CoreError) in
            guard case .mapping(let mapping) = item else {
                throw YAMLValue(node: item, file: file).error("each item of '\(key)' must be a mapping", hint: "write `- name: …` with the item's keys indented below")
            }
            return YAMLMapping(node: mapping, file: file)
        }
    }

    func stringSequence(_ key: String) throws(CoreError) -> [YAMLValue]? {
        guard let value = value(key) else { return nil }
        guard case .sequence(let sequence) = value.node else {
            throw value.error("'\(key)' must be a list", hint: "e.g. \(key): [10.0.4.0/24]")
        }
        return try sequence.map { item throws(CoreError) in
            let value = YAMLValue(node: item, file: file)
            _ = try value.scalarText(describing: key)
            return value
        }
    }

    /// The mapping's entries as key → scalar value (for `secrets:` and `server_settings:`).
    func stringPairs() throws(CoreError) -> [(String, YAMLValue)] {
        try pairs.map { pair throws(CoreError) in
            let keyValue = YAMLValue(node: pair.key, file: file)
            let key = try keyValue.scalarText(describing: "key")
            let value = YAMLValue(node: pair.value, file: file)
            _ = try value.scalarText(describing: key)
            return (key, value)
        }
    }
}

// MARK: - One value, with its position

struct YAMLValue {
    let node: Node
    let file: String

    var text: String { node.string ?? "" }

    func scalarText(describing key: String) throws(CoreError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error("'\(key)' must be a single value, not a list or mapping", hint: "write `\(key): value` on one line")
        }
        return scalar.string
    }

    var position: TextPosition? { node.mark.map { TextPosition(line: $0.line, column: $0.column) } }

    func error(_ message: String, hint: String? = nil) -> CoreError {
        CoreError(.invalid, message, hint: hint, file: file, position: position)
    }
}
