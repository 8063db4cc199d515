import WardenCore

// MARK: - The one error type of WardenPostgres

/// A failure talking to PostgreSQL, classified so the user gets the right hint:
/// a refused connection, a wrong password and a missing pg_hba entry need different fixes.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// Nothing listens at host:port.
        case refused
        case timeout
        /// The password (or verifier) did not match: SQLSTATE 28P01.
        case badPassword = "bad-password"
        /// pg_hba.conf has no line for this connection: SQLSTATE 28000.
        case noHBAEntry = "no-hba-entry"
        /// The client required TLS and the server does not offer it.
        case tlsUnavailable = "tls-unavailable"
        /// The TLS handshake or certificate check failed.
        case tls
        /// The server answered with another error (SQLSTATE in `sqlState`).
        case server
        /// Anything else on the wire.
        case connection
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    public var sqlState: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.sqlState = sqlState
    }

    public var description: String { message }
}
