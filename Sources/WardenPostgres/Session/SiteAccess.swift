import WardenCore
import WardenHost

// MARK: - Sessions to the nodes of an inventory

/// Opens sessions to an inventory's nodes as the roles it names, resolving their
/// passwords through ``SecretResolver`` at the moment of use.
public struct SiteAccess: Sendable {
    public let inventory: Inventory
    public let secrets: SecretResolver
    /// Other passwords to try for a role when the one the inventory refers to is refused: a
    /// run that changes the superuser's password knows the old and the new one, and while its
    /// steps (or their undo) are under way the server may hold either. Memory only.
    public var alternatePasswords: [String: [Secret]] = [:]

    public init(inventory: Inventory, secrets: SecretResolver = SecretResolver()) {
        self.inventory = inventory
        var secrets = secrets
        if secrets.store == nil { secrets.store = .default(stateDirectory: inventory.stateDirectory) }
        self.secrets = secrets
    }

    /// This access, with the pre-run copies of every password file a standing step rewrote
    /// as alternates for the role that file belongs to.
    ///
    /// Why: a crash between writing the inventory's copy of a new password and the
    /// `ALTER ROLE` (or in the middle of their undo) leaves the copy and the server holding
    /// different passwords. Recovery must still log in — pgwarden must never cut itself off
    /// from its own undo — so it also tries each copy's backup, taken before the run.
    public func withRecoveryPasswords(from records: [UndoRecord]) -> SiteAccess {
        var access = self
        guard let keyFile = secrets.store?.keyFile else { return access }
        // The same reading undo uses for an old password kept in a copy's backup.
        let reader = PasswordSourceReader(inventory: inventory, secrets: secrets, keyFile: keyFile)
        for record in records {
            guard case .passwordFile(let file, _?, let previous?, _) = record else { continue }
            for (role, reference) in inventory.secrets {
                switch reference {
                case .file(let path) where path == file: break
                case .store where file == secrets.store?.path: break
                default: continue
                }
                if let old = try? reader.read(.replacedCopy(reference: reference.description, sha256: previous)) {
                    access.alternatePasswords[role, default: []].append(old)
                }
            }
        }
        return access
    }

    /// The password the inventory refers to for `role`.
    public func password(for role: String) throws(HostError) -> Secret {
        guard let reference = inventory.secrets[role] else {
            throw HostError(.secret, "the inventory has no secret for role '\(role)'", hint: "add `\(role): file:PATH` under secrets: in warden.yaml")
        }
        return try secrets.resolve(reference, role: role)
    }

    public func node(_ name: String) throws(HostError) -> DatabaseNode {
        guard let node = inventory.databaseNode(named: name) else {
            throw HostError(.io, "no database node named '\(name)' in the inventory", hint: "known nodes: \(inventory.databaseNodes.map(\.name).joined(separator: ", "))")
        }
        return node
    }

    /// A target for `node` as `role` (the superuser by default).
    public func target(node: DatabaseNode, role: String? = nil, database: String = "postgres", sslMode: SSLMode = .prefer) throws(HostError) -> ConnectionTarget {
        let user = role ?? inventory.superuser
        var target = ConnectionTarget(host: node.host, port: node.port, user: user, password: try password(for: user), database: database, sslMode: sslMode)
        target.sessionSettings = ConnectionTarget.adminSessionSettings
        return target
    }

    /// Reloads `node`'s configuration files and waits until a new session sees the reload
    /// (`pg_conf_load_time()` moved), so whatever is checked next runs under the new rules.
    /// `pg_reload_conf()` only signals the postmaster; without the wait a check could still
    /// meet the old pg_hba.conf or settings.
    public func reload(_ node: DatabaseNode, timeoutSeconds: Double = 10) async throws {
        let before = try await withSuperuser(on: node) { session in
            let loaded = try await session.value("SELECT pg_conf_load_time()::text")
            try await session.execute("SELECT pg_reload_conf()")
            return loaded
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while true {
            let now = try await withSuperuser(on: node) { session in try await session.value("SELECT pg_conf_load_time()::text") }
            if now != before { return }
            guard ContinuousClock.now < deadline else {
                throw HostError(.verification, "\(node.name) did not reload its configuration within \(Int(timeoutSeconds)) s",
                                hint: "check the server log of \(node.name)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A session to `node` as `role` (the superuser by default), trying the role's
    /// ``alternatePasswords`` after the inventory's password is refused.
    public func session(on node: DatabaseNode, role: String? = nil, database: String = "postgres") async throws -> PostgresSession {
        let target = try target(node: node, role: role, database: database)
        let refused: PostgresError
        do {
            return try await PostgresSession.connect(target)
        } catch {
            refused = error
        }
        guard refused.kind == .badPassword else { throw refused }
        for alternate in alternatePasswords[target.user] ?? [] {
            var retry = target
            retry.password = alternate
            if let session = try? await PostgresSession.connect(retry) { return session }
        }
        throw refused
    }

    /// A superuser session to `node` for sending password verifiers: statement logging is
    /// off for it before it is handed out (``PostgresSession/hideStatementsFromLogs()``), so
    /// no `ALTER ROLE … PASSWORD '…'` it runs reaches a log, whether it succeeds or fails.
    public func verifierSession(on node: DatabaseNode) async throws -> PostgresSession {
        let session = try await session(on: node)
        do {
            try await session.hideStatementsFromLogs()
        } catch {
            await session.close()
            throw error
        }
        return session
    }

    /// Runs `body` in a superuser session to `node`, always closed afterwards.
    public func withSuperuser<T: Sendable>(on node: DatabaseNode, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await session(on: node).closing(after: body)
    }

}
