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
