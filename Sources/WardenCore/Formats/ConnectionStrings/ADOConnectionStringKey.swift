// MARK: - Keys and their synonyms

extension ADOConnectionString {
    /// A connection-string key, compared the way Devart dotConnect and Npgsql compare them.
    ///
    /// Both drivers ignore case and accept several spellings of one setting (`User ID`,
    /// `UserID`, `Username`, `UID`…), and both accept a property's display name as well as its
    /// name without spaces (`SSL Mode`, `SslMode`). So a key is identified by its spelling
    /// lowercased with spaces removed, looked up in a synonym table: every spelling of a known
    /// setting is the same `Key`, and an unknown key is itself.
    ///
    /// `name` is how the key is written when pgwarden has to add it: the canonical spelling for
    /// a known key (`Key.sslMode.name == "SSL Mode"`), or the caller's spelling otherwise
    /// (`Key("Ssl Mode").name == "Ssl Mode"`, so a caller can match a file's house style).
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        /// How the key is spelled when written.
        public let name: String
        /// The identity: lowercased, spaces removed, synonyms resolved.
        let identity: String

        /// The key that `spelling` means (synonyms resolved, case and spaces ignored).
        public init(_ spelling: String) {
            let folded = Self.fold(spelling)
            if let canonical = Self.canonicalBySynonym[folded] {
                self.identity = canonical.identity
            } else {
                self.identity = folded
            }
            self.name = Self.trimmed(spelling)
        }

        private init(canonical name: String, identity: String) {
            self.name = name
            self.identity = identity
        }

        /// Whether the key is one of the settings pgwarden knows (and maps synonyms for).
        public var isKnown: Bool { Self.canonicalBySynonym[identity] != nil }

        /// The canonical spelling of a known key; the key's own spelling otherwise.
        public var canonicalName: String { Self.canonicalBySynonym[identity]?.name ?? name }

        public var description: String { canonicalName }

        public static func == (lhs: Key, rhs: Key) -> Bool { lhs.identity == rhs.identity }
        public func hash(into hasher: inout Hasher) { hasher.combine(identity) }
    }
}

// MARK: - The known settings

extension ADOConnectionString.Key {
    public static let userID = known("User ID")
    public static let password = known("Password")
    public static let host = known("Host")
    public static let port = known("Port")
    public static let database = known("Database")
    public static let sslMode = known("SSL Mode")
    /// Devart only: the TLS version offered (`1.0`, `1.1`, `1.2`).
    public static let sslTLSProtocol = known("SSL TLS Protocol")
    /// Devart `Target Session` and Npgsql `Target Session Attributes` (values differ per driver).
    public static let targetSession = known("Target Session")
    /// Devart `SSL CA Cert`, Npgsql `Root Certificate`.
    public static let rootCertificate = known("Root Certificate")
    /// Devart `SSL Cert`, Npgsql `SSL Certificate` (formerly `Client Certificate`).
    public static let sslCertificate = known("SSL Certificate")
    /// Devart and Npgsql `SSL Key` (Npgsql formerly `Client Certificate Key`).
    public static let sslKey = known("SSL Key")
    public static let pooling = known("Pooling")
    public static let minPoolSize = known("Min Pool Size")
    public static let maxPoolSize = known("Max Pool Size")
    public static let connectionLifetime = known("Connection Lifetime")
    public static let unicode = known("Unicode")
    /// The connect timeout: `Timeout` (Npgsql), `Connection Timeout` (Devart).
    public static let timeout = known("Timeout")

    /// Every known setting with all spellings the two drivers accept (folded: lowercase, no
    /// spaces). Sources: Npgsql's connection-string parameter page and builder aliases, and
    /// Devart's PgSqlConnection.ConnectionString page.
    private static let synonymTable: [(canonical: String, synonyms: [String])] = [
        ("User ID", ["userid", "username", "uid", "user"]),
        ("Password", ["password", "pwd", "psw"]),
        ("Host", ["host", "server", "datasource"]),
        ("Port", ["port"]),
        ("Database", ["database", "initialcatalog", "db"]),
        ("SSL Mode", ["sslmode"]),
        ("SSL TLS Protocol", ["ssltlsprotocol"]),
        ("Target Session", ["targetsession", "targetsessionattributes"]),
        ("Root Certificate", ["rootcertificate", "sslcacert", "sslcacertificate"]),
        ("SSL Certificate", ["sslcertificate", "sslcert", "clientcertificate"]),
        ("SSL Key", ["sslkey", "clientcertificatekey"]),
        ("Pooling", ["pooling"]),
        ("Min Pool Size", ["minpoolsize", "minimumpoolsize"]),
        ("Max Pool Size", ["maxpoolsize", "maximumpoolsize"]),
        ("Connection Lifetime", ["connectionlifetime"]),
        ("Unicode", ["unicode"]),
        ("Timeout", ["timeout", "connectiontimeout", "connecttimeout"]),
    ]

    fileprivate static let canonicalBySynonym: [String: ADOConnectionString.Key] = {
        var table: [String: ADOConnectionString.Key] = [:]
        for (canonical, synonyms) in synonymTable {
            let key = ADOConnectionString.Key(canonical: canonical, identity: fold(canonical))
            for synonym in synonyms { table[synonym] = key }
            table[fold(canonical)] = key
        }
        return table
    }()

    private static func known(_ canonical: String) -> ADOConnectionString.Key {
        ADOConnectionString.Key(canonical: canonical, identity: fold(canonical))
    }

    /// The spelling without leading and trailing blanks.
    static func trimmed(_ spelling: String) -> String {
        let bytes = Array(spelling.utf8)
        var start = 0
        var end = bytes.count
        while start < end, PlainTextBytes.isSpace(bytes[start]) { start += 1 }
        while end > start, PlainTextBytes.isSpace(bytes[end - 1]) { end -= 1 }
        return PlainTextBytes.string(bytes[start..<end])
    }

    /// Lowercase (ASCII), with spaces and tabs removed.
    static func fold(_ spelling: String) -> String {
        PlainTextBytes.string(PlainTextBytes.asciiLowercased(spelling).filter { !PlainTextBytes.isSpace($0) })
    }
}
