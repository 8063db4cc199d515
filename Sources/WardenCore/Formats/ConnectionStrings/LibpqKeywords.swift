// MARK: - The keywords libpq accepts

extension LibpqConnectionString {
    /// Every connection keyword libpq accepts (PostgreSQL 11 through 18), from the
    /// `PQconninfoOptions` table in `fe-connect.c` and the libpq parameter key word list.
    ///
    /// libpq rejects any other keyword ("invalid connection option"), so `validate()` reports
    /// them. The list is the union over versions: a keyword a particular libpq is too old for
    /// is a version question for the planner, not a syntax error here.
    static let knownKeywords: Set<String> = [
        // Basics
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service",
        "connect_timeout", "client_encoding", "options", "application_name",
        "fallback_application_name", "replication",
        // TCP
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
        "tcp_user_timeout",
        // TLS
        "sslmode", "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslcertmode",
        "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "sslkeylogfile",
        "ssl_min_protocol_version", "ssl_max_protocol_version",
        // Authentication
        "channel_binding", "requirepeer", "require_auth", "gssencmode", "krbsrvname", "gsslib",
        "gssdelegation", "scram_client_key", "scram_server_key",
        "oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope",
        // Protocol and multi-host
        "min_protocol_version", "max_protocol_version",
        "target_session_attrs", "load_balance_hosts",
        // Old spelling libpq still maps to sslmode.
        "requiressl",
    ]

    /// Whether libpq accepts `keyword` in the given form. In a URI libpq also accepts the
    /// JDBC-style `ssl=true` (and only with the value `true`), which it reads as `sslmode=require`.
    static func isKnown(_ keyword: String, value: String, inURI: Bool) -> Bool {
        if knownKeywords.contains(keyword) { return true }
        return inURI && keyword == "ssl" && PlainTextBytes.sameBytes(value, "true")
    }
}
