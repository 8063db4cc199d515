import WardenCore

// MARK: - Whom to connect to, as whom, and how

/// Everything needed to open a session. The password is held only in memory and is
/// never part of `description`.
public struct ConnectionTarget: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: Secret?
    public var database: String
    public var sslMode: SSLMode
    /// PEM file of the CA to trust, for verify-ca / verify-full.
    public var rootCertificatePath: String?
    /// Seconds before a connection attempt is given up.
    public var connectTimeout: Double
    /// The oldest and newest TLS versions to offer (nil: the library's defaults), so a
    /// login can speak TLS the way a given driver does.
    public var minimumTLSVersion: TLSVersion?
    public var maximumTLSVersion: TLSVersion?
    /// The address to connect to when it is not `host` (libpq's `hostaddr`): the session
    /// dials this address while SNI and verify-full still use `host` — a service's host name
    /// checked against the node's own address (the audit, the TLS proof). Nil means `host`.
    public var hostAddress: String?
    /// Server settings sent in the startup packet, in force from the session's first
    /// statement (see ``adminSessionSettings``).
    public var sessionSettings: [String: String] = [:]

    /// What every session pgwarden opens to change a site runs under:
    /// - `synchronous_commit = local`: a change is on the primary's disk when its COMMIT
    ///   returns (a site tuned to `off` would acknowledge verifiers a crash can lose, after
    ///   pgwarden switched pg_hba.conf to SCRAM), and never waits for a standby that is down
    ///   while pgwarden holds the site lock (Patroni does the same for its role changes);
    /// - `lock_timeout` and `statement_timeout`: a step blocked behind another session's
    ///   row lock fails (and rolls back) instead of holding the site for ever;
    /// - `application_name`: the DBA sees who is connected in `pg_stat_activity`.
    public static let adminSessionSettings: [String: String] = [
        "synchronous_commit": "local", "lock_timeout": "10s", "statement_timeout": "300s", "application_name": "pgwarden",
    ]

    public init(
        host: String, port: Int, user: String, password: Secret?, database: String = "postgres",
        sslMode: SSLMode = .prefer, rootCertificatePath: String? = nil, hostAddress: String? = nil, connectTimeout: Double = 5
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.rootCertificatePath = rootCertificatePath
        self.hostAddress = hostAddress
        self.connectTimeout = connectTimeout
    }

    /// `user@host:port/database (sslmode)` — never the password.
    public var description: String {
        let name = hostAddress.map { ", via \($0)" } ?? ""
        return "\(user)@\(host):\(port)/\(database) (sslmode=\(sslMode.rawValue)\(name))"
    }
}
