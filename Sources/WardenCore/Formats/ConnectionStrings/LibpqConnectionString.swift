// MARK: - libpq connection strings

/// A libpq connection string in either of its two forms:
/// - keyword/value: `host=db1,db2 port=4432 dbname=QSR password='it\'s x'`
/// - URI: `postgresql://user:pass@db1:4432,db2:4432/QSR?sslmode=verify-full`
///
/// Lossless like every pgwarden editor: unedited text renders byte for byte, an edit changes
/// only the bytes of what it edits, and a URI stays a URI (a host edit rewrites only the
/// authority's host list; values are percent-encoded where they must be).
///
/// Parsing follows libpq's own parser (`conninfo_parse`, `conninfo_uri_parse_options` in
/// `fe-connect.c`), including its quirks: a later keyword overrides an earlier one, and in
/// keyword/value form `host= port=5` gives host the value `port=5`. Unknown keywords are kept
/// (so a broken file can be repaired) and reported by `validate()`, because libpq refuses them.
public struct LibpqConnectionString: Sendable, Hashable {
    /// Which of libpq's two syntaxes the string uses.
    public enum Form: String, Sendable, Hashable {
        case keywordValue = "keyword-value"
        case uri
    }

    /// One setting as libpq would see it.
    public struct Parameter: Sendable, Hashable {
        public let keyword: String
        /// The value, unquoted, unescaped and percent-decoded. For a URI's hosts and ports
        /// this is libpq's comma-joined list (`db1,db2`, `4432,` for a host without a port).
        public let value: String
        /// Where the setting is written.
        public let position: TextPosition
    }

    let bytes: [UInt8]
    let body: Body

    enum Body: Sendable, Hashable {
        case keywordValue([KeywordValuePair])
        case uri(URIParts)
    }

    init(bytes: [UInt8], body: Body) {
        self.bytes = bytes
        self.body = body
    }

    /// Parses `text`, choosing the form as libpq does: URI when it starts with `postgresql://`
    /// or `postgres://`, keyword/value otherwise. Throws `.parse` errors with positions.
    public init(parsing text: String) throws {
        self = try Self.parse(Array(text.utf8))
    }

    static func parse(_ bytes: [UInt8]) throws -> LibpqConnectionString {
        let start = PlainTextBytes.byteOrderMarkLength(bytes)
        if URIParts.prefixLength(bytes, from: start) != nil {
            return LibpqConnectionString(bytes: bytes, body: .uri(try URIParts.parse(bytes)))
        }
        return LibpqConnectionString(bytes: bytes, body: .keywordValue(try KeywordValuePair.parse(bytes)))
    }

    public var form: Form {
        switch body {
        case .keywordValue: return .keywordValue
        case .uri: return .uri
        }
    }

    /// The text, byte for byte as parsed plus any edits.
    public func render() -> String {
        PlainTextBytes.string(bytes)
    }
}

// MARK: - Reading

extension LibpqConnectionString {
    /// The settings in the order written (for a URI: user, password, host, port, dbname,
    /// then the query parameters). A keyword may appear more than once; the last one counts.
    public var parameters: [Parameter] {
        let locator = PlainTextBytes.Locator(bytes)
        return settings.map { Parameter(keyword: $0.keyword, value: $0.value, position: locator.position(of: $0.offset)) }
    }

    /// The value libpq would use for `keyword` (the last occurrence), or nil if absent.
    public func value(for keyword: String) -> String? {
        settings.last(where: { PlainTextBytes.sameBytes($0.keyword, keyword) })?.value
    }

    /// The settings with the byte offset where each is written.
    var settings: [(keyword: String, value: String, offset: Int)] {
        switch body {
        case .keywordValue(let pairs):
            return pairs.map { ($0.keyword, $0.value, $0.keywordStart) }
        case .uri(let parts):
            return parts.settings
        }
    }

    /// The hosts with their ports, from `host` and `port` (keyword/value) or the authority.
    public func hosts() throws -> [ConnectionHostList.Host] {
        if case .uri(let parts) = body, !parts.hasQueryParameter("host"), !parts.hasQueryParameter("port") {
            return parts.hosts.map { ConnectionHostList.Host(name: $0.name, port: $0.portNumber) }
        }
        return try ConnectionHostList.split(hosts: value(for: "host") ?? "", ports: value(for: "port"))
    }

    /// What libpq would refuse although the syntax is fine: unknown keywords (libpq: "invalid
    /// connection option") and ports that are not numbers from 1 to 65535.
    public func validate() -> [CoreError] {
        var problems: [CoreError] = []
        let inURI = form == .uri
        for parameter in parameters {
            if !Self.isKnown(parameter.keyword, value: parameter.value, inURI: inURI) {
                problems.append(CoreError(
                    .invalid, "invalid connection option \"\(parameter.keyword)\"",
                    hint: "libpq refuses unknown keywords; check the spelling against the libpq parameter list",
                    position: parameter.position
                ))
            }
            if parameter.keyword == "port" {
                let entries = ConnectionHostList.splitOnCommas(Array(parameter.value.utf8))
                for entry in entries where !entry.isEmpty && ConnectionHostList.parsePortNumber(entry) == nil {
                    problems.append(CoreError(
                        .invalid, "invalid port \"\(PlainTextBytes.string(entry))\"",
                        hint: "a port is a number from 1 to 65535; list one per host, separated by commas",
                        position: parameter.position
                    ))
                }
            }
        }
        return problems
    }
}

// MARK: - Editing

extension LibpqConnectionString {
    /// Sets `keyword` to `value`: every occurrence is edited in place (keeping its quoting in
    /// keyword/value form, or its place in a URI); an absent keyword is appended in the
    /// string's own style. Throws `.invalid` for a keyword libpq does not know.
    public mutating func set(_ keyword: String, to value: String) throws {
        guard Self.isKnown(keyword, value: value, inURI: form == .uri) else {
            throw CoreError(.invalid, "invalid connection option \"\(keyword)\"",
                            hint: "libpq refuses unknown keywords; check the spelling against the libpq parameter list")
        }
        guard !value.utf8.contains(0) else {
            throw CoreError(.invalid, "the value for \"\(keyword)\" contains a NUL character",
                            hint: "connection parameters cannot contain NUL characters")
        }
        let edited: [UInt8]
        switch body {
        case .keywordValue(let pairs):
            edited = KeywordValuePair.setting(keyword, to: value, in: bytes, pairs: pairs)
        case .uri(let parts):
            edited = try parts.setting(keyword, to: value, in: bytes)
        }
        self = try Self.reparsed(edited)
    }

    /// Removes every occurrence of `keyword` (with the blanks or separator that went with it).
    /// Returns whether anything was removed.
    @discardableResult
    public mutating func remove(_ keyword: String) throws -> Bool {
        let edited: [UInt8]?
        switch body {
        case .keywordValue(let pairs):
            edited = KeywordValuePair.removing(keyword, from: bytes, pairs: pairs)
        case .uri(let parts):
            edited = parts.removing(keyword, from: bytes)
        }
        guard let edited else { return false }
        self = try Self.reparsed(edited)
        return true
    }

    /// Replaces the host list. A URI gets a rewritten authority (each host with its own port);
    /// keyword/value form gets `host=` and, when any host has a port, `port=`. When no host has
    /// a port, a single shared `port=` is kept and a per-host list (which could no longer line
    /// up) is removed.
    public mutating func setHosts(_ hosts: [ConnectionHostList.Host]) throws {
        if case .uri(let parts) = body, !parts.hasQueryParameter("host"), !parts.hasQueryParameter("port") {
            self = try Self.reparsed(parts.replacingHosts(
                hosts.map { ($0.name, $0.port.map(String.init)) }, in: bytes))
            return
        }
        let (names, ports) = ConnectionHostList.joinSeparately(hosts)
        try set("host", to: names)
        if let ports {
            try set("port", to: ports)
        } else if let current = value(for: "port"), current.utf8.contains(0x2C) {
            try remove("port")
        }
    }

    /// Re-reads edited bytes; edits only produce valid text, so a failure is a bug, reported.
    static func reparsed(_ bytes: [UInt8]) throws -> LibpqConnectionString {
        do {
            return try parse(bytes)
        } catch var error as CoreError {
            error.message = "internal error: an edit produced an unreadable connection string (\(error.message))"
            throw error
        }
    }
}
