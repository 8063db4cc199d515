// MARK: - Writing a record

extension HBARule {
    /// The record's columns as text, for laying out in a file: type, databases, users,
    /// the address (with its separate mask, if any; nil for `local`), and the method with
    /// its options.
    struct Columns {
        var type: String
        var databases: String
        var users: String
        var address: String?
        var methodAndOptions: String
    }

    var layoutColumns: Columns {
        Columns(
            type: connectionType.rawValue,
            databases: databases.map(\.token).joined(separator: ","),
            users: users.map(\.token).joined(separator: ","),
            address: address?.token,
            methodAndOptions: ([method.rawValue] + options.map(\.token)).joined(separator: " "))
    }

    var columns: [String] {
        let layout = layoutColumns
        return [layout.type, layout.databases, layout.users] + (layout.address.map { [$0] } ?? []) + [layout.methodAndOptions]
    }

    /// `text` in double quotes (`"` doubled) when the tokenizer would otherwise split it,
    /// drop it, or read it as one of `keywords`.
    static func quotedIfNeeded(_ text: String, keywords: Set<String>) -> String {
        let special: Set<UInt8> = [
            UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ","),
            UInt8(ascii: "#"), UInt8(ascii: "\""), UInt8(ascii: "\\"),
        ]
        let needsQuotes = text.isEmpty || keywords.contains(text) || text.hasPrefix("+") || text.hasPrefix("@")
            || text.utf8.contains(where: special.contains)
        guard needsQuotes else { return text }
        return "\"" + text.replacingQuotes() + "\""
    }
}

extension HBARule.Database {
    static let keywords: Set<String> = ["all", "sameuser", "samerole", "samegroup", "replication"]

    var token: String {
        switch self {
        case .all: "all"
        case .sameUser: "sameuser"
        case .sameRole: "samerole"
        case .replication: "replication"
        case .name(let name): HBARule.quotedIfNeeded(name, keywords: Self.keywords)
        case .regex(let pattern): HBARule.quotedIfNeeded("/" + pattern, keywords: [])
        case .file(let path): "@" + HBARule.quotedIfNeeded(path, keywords: [])
        }
    }
}

extension HBARule.User {
    static let keywords: Set<String> = ["all"]

    var token: String {
        switch self {
        case .all: "all"
        case .name(let name): HBARule.quotedIfNeeded(name, keywords: Self.keywords)
        case .member(let group): "+" + HBARule.quotedIfNeeded(group, keywords: [])
        case .regex(let pattern): HBARule.quotedIfNeeded("/" + pattern, keywords: [])
        case .file(let path): "@" + HBARule.quotedIfNeeded(path, keywords: [])
        }
    }
}

extension HBARule.Address {
    static let keywords: Set<String> = ["all", "samehost", "samenet"]

    var token: String {
        switch self {
        case .all, .sameHost, .sameNet, .range: description
        case .hostName(let name): HBARule.quotedIfNeeded(name, keywords: Self.keywords)
        }
    }
}

extension HBARule.Option {
    var token: String {
        name + "=" + HBARule.quotedIfNeeded(value, keywords: [])
    }
}

private extension String {
    /// `"` doubled, as inside a double-quoted pg_hba.conf token.
    func replacingQuotes() -> String {
        var result = ""
        for scalar in unicodeScalars {
            if scalar == "\"" { result += "\"\"" } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }
}
