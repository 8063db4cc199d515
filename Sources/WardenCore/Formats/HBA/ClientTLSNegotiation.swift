// MARK: - Which transports a driver tries, in which order

/// How a client driver decides between TLS and plaintext, as the server's `pg_hba.conf`
/// sees it: the transport of its first connection and, when that connection fails before
/// authentication completes, of its one retry.
///
/// Why it matters: `hostssl`/`hostnossl` lines pick by transport, so the line a service
/// reaches depends on its driver's order. libpq's `prefer` (and no sslmode) sends an
/// SSLRequest first and, on *any* error before AuthenticationOk (no entry, `reject`, a
/// refused password), connects again without TLS; `allow` is the reverse (`fe-connect.c`,
/// PQconnectPoll). A login can therefore match two lines and leave two log entries.
///
/// libpq is proven on a real server by the differential test (HBADifferentialTests). The
/// other drivers cannot run on this machine; their behaviour is modelled from their
/// documentation and carries `modelledFrom`, which findings repeat as "modelled, not proven".
public struct ClientTLSNegotiation: Sendable, Hashable {
    /// The transports tried in order; the second only when the first fails. Empty: the
    /// driver gives up before any pg_hba line is consulted (TLS required, server has none).
    public var transports: [HBATransport]
    /// Nil when proven (libpq); otherwise the documentation the model follows.
    public var modelledFrom: String?

    public init(transports: [HBATransport], modelledFrom: String? = nil) {
        self.transports = transports
        self.modelledFrom = modelledFrom
    }

    // MARK: Per driver

    /// What `driver` does with `sslMode` (nil: the driver's default) against a server whose
    /// `ssl` setting is `serverSSL`.
    public static func of(driver: ServiceDriver, sslMode: SSLMode?, serverSSL: Bool) -> ClientTLSNegotiation {
        switch driver {
        case .libpq:
            return libpqStyle(sslMode ?? .prefer, serverSSL: serverSSL, modelledFrom: nil)
        case .npgsql:
            // Npgsql documents libpq's modes (Npgsql.SslMode: Allow "prefer non-SSL", Prefer
            // "prefer SSL") with Prefer as the default; the retry after a failed first
            // attempt is modelled on libpq's, not read from Npgsql's source.
            return libpqStyle(sslMode ?? .prefer, serverSSL: serverSSL,
                              modelledFrom: "Npgsql documentation (SslMode; default Prefer; retry as libpq)")
        case .devart:
            // dotConnect for PostgreSQL, SslMode enumeration: Disable is the default; Prefer
            // "tries first an SSL connection, then if that fails, a regular non-SSL one";
            // Allow the reverse; Require tries only SSL.
            return libpqStyle(sslMode ?? .disable, serverSSL: serverSSL,
                              modelledFrom: "Devart dotConnect for PostgreSQL documentation (SslMode; default Disable)")
        case .nodePostgres, .nodeTLS:
            // node-postgres: `ssl` false (the default) connects in plaintext; any TLS setting
            // (pg-connection-string maps every sslmode but disable to it) requires TLS, with
            // no second attempt.
            let source = "node-postgres documentation (ssl option; default off, no fallback)"
            guard let sslMode, sslMode != .disable else { return ClientTLSNegotiation(transports: [.tcpPlain], modelledFrom: source) }
            return ClientTLSNegotiation(transports: serverSSL ? [.tcpSSL] : [], modelledFrom: source)
        }
    }

    /// libpq's order for `mode` (`fe-connect.c`): disable plaintext only; allow plaintext,
    /// then TLS; prefer TLS, then plaintext; require and stricter TLS only. A server without
    /// TLS answers the SSLRequest with `N`: prefer goes on in plaintext, require gives up.
    static func libpqStyle(_ mode: SSLMode, serverSSL: Bool, modelledFrom: String?) -> ClientTLSNegotiation {
        let transports: [HBATransport]
        switch mode {
        case .disable: transports = [.tcpPlain]
        case .allow: transports = serverSSL ? [.tcpPlain, .tcpSSL] : [.tcpPlain]
        case .prefer: transports = serverSSL ? [.tcpSSL, .tcpPlain] : [.tcpPlain]
        case .require, .verifyCA, .verifyFull: transports = serverSSL ? [.tcpSSL] : []
        }
        return ClientTLSNegotiation(transports: transports, modelledFrom: modelledFrom)
    }
}
