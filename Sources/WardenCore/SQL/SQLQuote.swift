// MARK: - Quoting identifiers and literals, in one audited place

/// Quoting for the statements PostgresNIO cannot bind parameters into.
///
/// PostgresNIO speaks only the extended protocol, and utility statements (`ALTER SYSTEM`,
/// `ALTER ROLE … PASSWORD`, `CREATE DATABASE`) take no bind parameters, so their values must
/// be spelled into the SQL text. Every such value goes through this type and nowhere else.
///
/// Rules, as libpq's `PQescapeLiteral`/`PQescapeIdentifier` apply them:
/// - a NUL byte can never appear in a PostgreSQL string: refused;
/// - identifiers are always double-quoted with `"` doubled, so case and keywords survive;
/// - literals use `'…'` with `'` doubled; when a backslash is present the `E'…'` form with
///   backslashes doubled, so the result means the same whatever
///   `standard_conforming_strings` is set to.
public enum SQLQuote {
    /// PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server,
    /// which could make two different names collide, so they are refused here.
    public static let maximumIdentifierBytes = 63

    /// `"name"` with embedded `"` doubled.
    public static func identifier(_ name: String) throws(CoreError) -> String {
        try refuseNUL(name, what: "identifier")
        guard !name.isEmpty else {
            throw CoreError(.invalid, "an SQL identifier cannot be empty", hint: "name the role, database or setting")
        }
        guard name.utf8.count <= maximumIdentifierBytes else {
            throw CoreError(.invalid, "identifier is \(name.utf8.count) bytes; PostgreSQL keeps only \(maximumIdentifierBytes)", hint: "use a shorter name")
        }
        return "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// `'text'`, or ` E'text'` when `text` holds a backslash.
    public static func literal(_ text: String) throws(CoreError) -> String {
        try refuseNUL(text, what: "string")
        let doubledQuotes = text.replacingAll("'", with: "''")
        if text.contains("\\") {
            return "E'" + doubledQuotes.replacingAll("\\", with: "\\\\") + "'"
        }
        return "'" + doubledQuotes + "'"
    }

    /// The same, for bytes that must first be valid UTF-8 (the server encoding of our sites).
    public static func literal(bytes: [UInt8]) throws(CoreError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CoreError(.invalid, "the value is not valid UTF-8", hint: "PostgreSQL databases of this site use UTF-8; re-encode the value")
        }
        return try literal(text)
    }

    private static func refuseNUL(_ text: String, what: String) throws(CoreError) {
        if text.utf8.contains(0) {
            throw CoreError(.invalid, "the \(what) contains a NUL byte, which PostgreSQL cannot store", hint: "remove the NUL character")
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` (compared on Unicode scalars, not graphemes).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if Character(scalar) == target { result += replacement } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }
}
