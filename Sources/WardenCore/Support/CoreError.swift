// MARK: - Where in a text something is

/// A 1-based line and column in a text file, as an editor shows it.
///
/// Columns count Unicode scalars from the start of the line, so a position
/// printed in an error lines up with what the user sees in their editor.
public struct TextPosition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

// MARK: - The one error type of WardenCore

/// Every error WardenCore throws: what went wrong, where (when it is about a file),
/// and a hint that tells the user what to do about it.
///
/// Rendered as `FILE:LINE:COL: message` so editors and CI logs can jump to it; the CLI
/// prints it behind `error: ` and the hint on the next line behind `hint: `.
/// Messages never contain secrets: callers redact before they build one.
public struct CoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What sort of failure this is; the CLI maps kinds to exit codes.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A file or value could not be parsed (bad syntax).
        case parse
        /// It parsed, but it is not acceptable (unknown key, bad value, broken reference).
        case invalid
        /// A cryptographic operation failed (wrong key, tampered sealed value).
        case crypto
        /// Asked for something this version or format cannot do.
        case unsupported
        /// Something that must exist was not found (entry, key, role, node).
        case notFound
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// The file the problem is in, as the user named it (may be nil for values).
    public var file: String?
    public var position: TextPosition?

    public init(
        _ kind: Kind,
        _ message: String,
        hint: String? = nil,
        file: String? = nil,
        position: TextPosition? = nil
    ) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.file = file
        self.position = position
    }

    /// A copy that names `file`, for parsers that do not know their file name.
    public func inFile(_ file: String) -> CoreError {
        var copy = self
        copy.file = file
        return copy
    }

    /// `FILE:LINE:COL: message` (parts that are unknown are left out).
    public var description: String {
        var prefix = ""
        if let file { prefix += file + ":" }
        if let position { prefix += "\(position.line):\(position.column):" }
        return prefix.isEmpty ? message : prefix + " " + message
    }
}
