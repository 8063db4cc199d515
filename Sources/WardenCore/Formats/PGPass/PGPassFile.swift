// MARK: - The libpq password file

/// A libpq password file (`~/.pgpass`, `%APPDATA%\postgresql\pgpass.conf`): one
/// `hostname:port:database:username:password` per line, `\:` and `\\` escapes, a field of just
/// `*` matching anything, and `#` comment lines.
///
/// Lossless: unedited text renders byte for byte; removing entries removes exactly their lines
/// (content and terminator) and leaves every other byte alone.
///
/// Malformed lines are warnings, not errors. libpq reads the file line by line and a line with
/// too few fields simply never matches: it is skipped without complaint, and the connection goes
/// on. Throwing would make pgwarden refuse a file that libpq uses happily, and would stop the very
/// edit (removing a stale line) that cleans it up. So `parse` never fails; `warnings` lists each
/// such line with its position, for `audit` to report.
public struct PGPassFile: Sendable, Hashable {
    /// The entries (lines libpq can match), in file order.
    public let entries: [Entry]
    /// Lines libpq ignores or misreads, with where they are.
    public let warnings: [CoreError]

    /// The whole file, exactly.
    public let bytes: [UInt8]

    /// Reads `text`. Never throws: see the type's documentation for why.
    public init(parsing text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Reads raw file bytes (a password file need not be UTF-8). Never throws.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        (self.entries, self.warnings) = Self.read(bytes)
    }

    /// The text, byte for byte as parsed plus any edits.
    public func render() -> String {
        PlainTextBytes.string(bytes)
    }
}

// MARK: - Looking up a password

extension PGPassFile {
    /// The entry libpq would take its password from: the first line whose four fields match.
    ///
    /// As in libpq's `passwordFromFile`: an absent or empty `host`, or a Unix-socket path equal
    /// to `defaultSocketDirectory` (libpq's compiled-in `DEFAULT_PGSOCKET_DIR`: `/tmp` upstream,
    /// `/var/run/postgresql` on Debian), is looked up as `localhost`; an absent port as `5432`;
    /// fields are compared byte for byte (case matters) and `*` matches anything. libpq does not
    /// consult the file at all when `database` or `user` is empty, so neither does this.
    public func firstMatch(
        host: String?, port: Int?, database: String, user: String,
        defaultSocketDirectory: String = "/tmp"
    ) -> Entry? {
        guard !database.isEmpty, !user.isEmpty else { return nil }
        var lookupHost = host ?? ""
        if lookupHost.isEmpty || PlainTextBytes.sameBytes(lookupHost, defaultSocketDirectory) {
            lookupHost = "localhost"
        }
        let lookupPort = port.map(String.init) ?? "5432"
        return entries.first { entry in
            entry.host.matches(lookupHost) && entry.port.matches(lookupPort)
                && entry.database.matches(database) && entry.user.matches(user)
        }
    }
}

// MARK: - Editing

extension PGPassFile {
    /// Removes the lines of every entry `shouldRemove` selects; returns the removed entries.
    /// Every other byte of the file stays as it was.
    @discardableResult
    public mutating func removeEntries(where shouldRemove: (Entry) -> Bool) -> [Entry] {
        let removed = entries.filter(shouldRemove)
        guard !removed.isEmpty else { return [] }
        self = PGPassFile(bytes: PlainTextBytes.splicing(bytes, removed.map { ($0.lineRange, []) }))
        return removed
    }

    /// Replaces the password of the entry on `line`, escaping `:` and `\`; nothing else changes.
    public mutating func setPassword(_ password: String, forEntryOnLine line: Int) throws {
        guard let entry = entries.first(where: { $0.line == line }) else {
            throw CoreError(.notFound, "no password file entry on line \(line)",
                            hint: "list the entries to see which lines hold one")
        }
        let encoded = try Field.escape(password, what: "the password")
        self = PGPassFile(bytes: PlainTextBytes.splicing(bytes, entry.passwordRange, with: encoded))
    }

    /// Appends an entry as a new last line, in the file's line-ending style.
    public mutating func append(host: Field, port: Field, database: Field, user: Field, password: String) throws {
        let fields = try [host, port, database, user].map { try $0.written() } + [try Field.escape(password, what: "the password")]
        let lines = PlainTextBytes.lines(bytes)
        let terminator = PlainTextBytes.dominantTerminator(bytes, lines: lines)
        var text = bytes
        if let last = lines.last, !last.hasTerminator { text += terminator }
        text += Array(fields.joined(separator: [0x3A])) + terminator
        self = PGPassFile(bytes: text)
    }
}

// MARK: - Reading

extension PGPassFile {
    private static func read(_ bytes: [UInt8]) -> ([Entry], [CoreError]) {
        let locator = PlainTextBytes.Locator(bytes)
        var entries: [Entry] = []
        var warnings: [CoreError] = []
        if PlainTextBytes.byteOrderMarkLength(bytes) > 0 {
            warnings.append(CoreError(
                .parse, "the password file starts with a byte-order mark, which libpq reads as part of the first host name",
                hint: "save the file as UTF-8 without a byte-order mark",
                position: TextPosition(line: 1, column: 1)
            ))
        }
        for line in PlainTextBytes.lines(bytes) {
            // libpq strips every trailing CR and LF, skips lines starting with `#`, and tries
            // every other non-empty line; a blank-only line can never match, so is not worth a warning.
            var end = line.contentEnd
            while end > line.start, bytes[end - 1] == 0x0D { end -= 1 }
            let content = line.start..<end
            if content.isEmpty || bytes[content.lowerBound] == 0x23
                || bytes[content].allSatisfy(PlainTextBytes.isSpace) {
                continue
            }
            switch Entry.read(bytes, content, line: line) {
            case .entry(let entry, let ignoredFrom):
                entries.append(entry)
                if let ignoredFrom {
                    warnings.append(CoreError(
                        .parse, "line \(line.number) has more than five fields; libpq ignores everything after the password",
                        hint: "escape ':' inside a password as '\\:'",
                        position: locator.position(of: ignoredFrom)
                    ))
                }
            case .tooFewFields(let count):
                warnings.append(CoreError(
                    .parse, "line \(line.number) has \(count) of the 5 fields hostname:port:database:username:password; libpq ignores it",
                    hint: "complete or remove the line; use * for a field that should match anything",
                    position: locator.position(of: content.upperBound)
                ))
            }
        }
        return (entries, warnings)
    }
}
