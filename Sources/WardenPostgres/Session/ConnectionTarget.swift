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
    /// The name TLS uses — SNI and verify-full's host-name check — when it is not `host`:
    /// a service's host name while the connection goes to the node's own address (an audit
    /// checking, from here, what that service would see). Nil means `host`.
    public var serverName: String?
    /// Seconds before a connection attempt is given up.
    public var connectTimeout: Double

    public init(
        host: String, port: Int, user: String, password: Secret?, database: String = "postgres",
        sslMode: SSLMode = .prefer, rootCertificatePath: String? = nil, serverName: String? = nil, connectTimeout: Double = 5
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.rootCertificatePath = rootCertificatePath
        self.serverName = serverName
        self.connectTimeout = connectTimeout
    }

    /// The name TLS checks the certificate against: `serverName`, else `host`.
    public var tlsName: String { serverName ?? host }

    /// `user@host:port/database (sslmode)` — never the password.
    public var description: String {
        let name = serverName.map { ", as \($0)" } ?? ""
        return "\(user)@\(host):\(port)/\(database) (sslmode=\(sslMode.rawValue)\(name))"
    }
}
