import WardenCore

// MARK: - verify-full from here, as a service would make it

/// Makes one ``VerifyFullRequest``: a TLS connection to the node's *address* (so it works
/// before DNS knows the name, and in labs on loopback) with the service's host name as
/// server name — SNI and host-name check — and NIOSSL's full verification against the CA
/// file the service would trust; then a login as the service's role with the password the
/// inventory has for it. Without such a password the handshake is the result (the server
/// only asks for a password after TLS is up, so being asked proves the handshake passed).
///
/// Only reads: a login creates nothing, and the session is closed at once.
public struct VerifyFullCheck: Sendable {
    public var access: SiteAccess
    /// Seconds before the connection attempt is given up.
    public var timeoutSeconds: Double

    public init(access: SiteAccess, timeoutSeconds: Double = 5) {
        self.access = access
        self.timeoutSeconds = timeoutSeconds
    }

    public func run(_ request: VerifyFullRequest, on node: DatabaseNode) async -> VerifyFullHandshake {
        guard let trustRoot = request.trustRoot else { return .inconclusive(reason: request.trustRootSource) }
        let user = request.user ?? access.inventory.superuser
        let password = request.user.flatMap { try? access.password(for: $0) }
        let target = ConnectionTarget(
            host: request.hostName, port: node.port, user: user, password: password, database: request.database ?? "postgres",
            sslMode: .verifyFull, rootCertificatePath: trustRoot, hostAddress: node.host, connectTimeout: timeoutSeconds)
        do {
            let session = try await PostgresSession.connect(target)
            await session.close()
            return .verified(login: "logged in as \(user)")
        } catch {
            switch error.kind {
            case .tls:
                return .rejection(error.message, hostName: request.hostName)
            case .tlsUnavailable:
                return .rejected(reason: "\(node.host):\(node.port) does not offer TLS")
            case .badPassword, .noHBAEntry, .server:
                // The server spoke PostgreSQL after the handshake: TLS passed.
                let login = password == nil ? "handshake only (no password for \(user) in the inventory)" : "login refused: \(error.message)"
                return .verified(login: login)
            case .refused, .timeout, .connection:
                return .inconclusive(reason: error.message)
            }
        }
    }
}
