import Foundation
import WardenCore
import WardenHost

// MARK: - Role verifiers, replaced, verified and put back

/// Carries out ``StepAction/rehashPasswords(node:roles:)`` and
/// ``StepAction/setRolePassword(node:role:previous:)``: only verifiers computed here reach the
/// server (`ALTER ROLE … PASSWORD 'SCRAM-SHA-256$…'`), whatever password_encryption says.
///
/// - prepare: reads each password from its source; for a re-hash, checks it still matches
///   the role's verifier (a role already on a SCRAM verifier of that password is left
///   alone, so a re-run converges); computes the verifiers (fresh salts) on every core. The
///   intent records each new verifier's salt.
/// - act: runs the ALTERs in a few sessions at once, each in a transaction committed only
///   when all succeeded.
/// - verify: a new session reads `pg_authid`: every role has a SCRAM verifier of its password.
/// - undo: role by role, only where the stored salt is the one the intent recorded (the
///   ALTER landed; after a crash some sessions may have committed and others not), puts
///   the old verifier back. The undo record holds only its kind and where the old password
///   can be read again (``PreviousVerifier``): undo rebuilds a verifier of that kind.
///   Within the run that made the change, the exact old verifier kept in memory is used.
struct RolePasswordStep: Sendable {
    let access: SiteAccess
    let reader: PasswordSourceReader
    let memory: ReplacedVerifiers
    /// Sessions the ALTERs are spread over. Measured on PostgreSQL 15: an ALTER ROLE with a
    /// SCRAM verifier costs the server ~4.7 ms of CPU (it runs a key derivation over the
    /// verifier; the same ALTER with an md5 verifier takes 0.1 ms), so on a few cores a few
    /// sessions at once finish a thousand roles in about a third of the time one would.
    static let sessions = 4

    // MARK: Prepare

    func prepareRehash(node nodeName: String, roles: [RolePassword]) async throws -> PreparedStep {
        let node = try access.node(nodeName)
        let passwords = try reader.readAll(roles.map(\.source))
        let current = try await verifiers(on: node)
        var changes: [(role: String, password: Secret)] = []
        var kinds: [String: (PasswordFact, PasswordSource)] = [:]
        for change in roles {
            guard let password = passwords[change.source] else { continue }
            guard let stored = current[change.role] else {
                throw HostError(.verification, "role \(change.role) no longer exists on \(nodeName)", hint: "plan again")
            }
            let kind = RolePasswordKind(rolpassword: stored)
            if case .scram = kind, KnownPasswords.matches(password, rolpassword: stored, role: change.role) { continue }
            guard KnownPasswords.matches(password, rolpassword: stored, role: change.role) else {
                throw HostError(.verification, "the password of \(change.role) in \(change.source) no longer matches its verifier; refused",
                                hint: "someone changed the password since the plan was made; plan again")
            }
            await memory.remember(change.role, stored)
            changes.append((change.role, password))
            kinds[change.role] = (PasswordFact(kind), change.source)
        }
        let computed = try await Self.scramVerifiers(changes)
        let previous = computed.map { role, verifier in
            PreviousVerifier(role: role, kind: kinds[role]!.0, source: kinds[role]!.1, newSalt: SCRAMVerifier.saltField(of: verifier))
        }
        return PreparedStep(undo: .rolePasswords(node: nodeName, previous: previous)) {
            try await alter(node, computed.map { ($0.role, $0.verifier) })
            await memory.wrote(computed)
        }
    }

    func prepareSet(node nodeName: String, role: String, previous source: PasswordSource?) async throws -> PreparedStep {
        let node = try access.node(nodeName)
        let password = try reader.read(.thisRun(role: role))
        let current = try await verifiers(on: node)
        guard let stored = current[role] else {
            throw HostError(.verification, "role \(role) does not exist on \(nodeName)", hint: "create it first")
        }
        let kind = RolePasswordKind(rolpassword: stored)
        if case .scram = kind, KnownPasswords.matches(password, rolpassword: stored, role: role) { return .nothing() }
        await memory.remember(role, stored)
        let verifier = try SCRAMVerifier.make(password: password).text
        let previous = PreviousVerifier(role: role, kind: PasswordFact(kind), source: source, newSalt: SCRAMVerifier.saltField(of: verifier))
        return PreparedStep(undo: .rolePasswords(node: nodeName, previous: [previous])) {
            try await alter(node, [(role, verifier)])
            await memory.wrote([(role, verifier)])
        }
    }

    // MARK: Verify

    /// A role passes when a new session reads back, byte for byte, the verifier this run
    /// computed from its password; otherwise (another run's step) when its stored verifier
    /// is SCRAM and derives from the password (a full key derivation per role).
    func verify(node nodeName: String, roles: [RolePassword]) async throws {
        let node = try access.node(nodeName)
        let passwords = try reader.readAll(roles.map(\.source))
        let current = try await verifiers(on: node)
        let written = await memory.writtenVerifiers()
        let checks = roles.compactMap { change -> (String, Secret, String??)? in
            passwords[change.source].map { (change.role, $0, current[change.role]) }
        }
        let wrong = await Self.parallel(checks) { role, password, stored -> String? in
            if let stored, let ours = written[role], stored == ours { return nil }
            guard let stored, case .scram = RolePasswordKind(rolpassword: stored),
                  KnownPasswords.matches(password, rolpassword: stored, role: role) else { return role }
            return nil
        }.compactMap { $0 }
        guard wrong.isEmpty else {
            throw HostError(.verification, "\(nodeName): no SCRAM verifier of the expected password for \(wrong.prefix(10).joined(separator: ", "))\(wrong.count > 10 ? " and \(wrong.count - 10) more" : "")",
                            hint: "check the server log; everything applied is rolled back")
        }
    }

    // MARK: Undo

    /// - Parameter passwordChanged: whether the step set a new password (rather than re-hash
    ///   the same one): then a source that holds the current password is not the old one.
    func undo(_ record: UndoRecord, passwordChanged: Bool) async throws {
        guard case .rolePasswords(let nodeName, let previous) = record, !previous.isEmpty else { return }
        let node = try access.node(nodeName)
        let current = try await verifiers(on: node)
        var restore: [(role: String, verifier: String?)] = []
        for old in previous {
            let stored = current[old.role] ?? nil
            // A role whose stored salt is not the intent's never got the new verifier (or was
            // put back already): nothing to undo for it.
            if let salt = old.newSalt, stored.flatMap(SCRAMVerifier.saltField(of:)) != salt {
                _ = await memory.take(old.role)
                continue
            }
            if let exact = await memory.take(old.role) {
                restore.append((old.role, exact))
            } else {
                restore.append((old.role, try rebuild(old, current: passwordChanged ? stored : nil)))
            }
        }
        try await alter(node, restore)
    }

    /// A verifier of the old kind, from the old password read again from its source; after a
    /// password change, refused when the source holds the password the role has now
    /// (`current`), which would "restore" the new password under the old kind.
    private func rebuild(_ old: PreviousVerifier, current: String?) throws -> String? {
        if old.kind == .none { return nil }
        guard let source = old.source else {
            throw HostError(.verification, "the old verifier of \(old.role) cannot be rebuilt: pgwarden knew no copy of the old password",
                            hint: "the role keeps the new password; set another with `pgwarden password set \(old.role)` if needed")
        }
        let password = try reader.read(source)
        if KnownPasswords.matches(password, rolpassword: current, role: old.role) {
            throw HostError(.verification, "\(source) holds the password \(old.role) has now, not the old one; the old verifier cannot be rebuilt from it",
                            hint: "the role keeps its current password")
        }
        switch old.kind {
        case .md5, .plaintext:
            // A clear-text password cannot be stored as such any more; its md5 verifier lets
            // the same clients in on the same lines.
            return MD5Verifier(password: password, role: old.role).text
        case .scram(let iterations):
            return try SCRAMVerifier.make(password: password, iterations: iterations).text
        case .none:
            return nil
        case .unknown:
            throw HostError(.verification, "the old verifier of \(old.role) was damaged; it cannot be rebuilt", hint: "the role keeps the new password")
        }
    }

    // MARK: Helpers

    /// `rolname → rolpassword` (nil for NULL) of every role, read in a new session.
    private func verifiers(on node: DatabaseNode) async throws -> [String: String?] {
        let rows = try await access.withSuperuser(on: node) { session in
            try await session.rows("SELECT rolname, rolpassword FROM pg_authid")
        }
        var result: [String: String?] = [:]
        for row in rows where row.count == 2 {
            if let name = row[0] { result[name] = .some(row[1]) }
        }
        return result
    }

    /// Sets each role's verifier (nil: `PASSWORD NULL`), spread over a few sessions; every
    /// session's transaction commits only after all sessions applied their part.
    private func alter(_ node: DatabaseNode, _ verifiers: [(role: String, verifier: String?)]) async throws {
        guard !verifiers.isEmpty else { return }
        let statements = try verifiers.map { role, verifier in
            "ALTER ROLE \(try SQLQuote.identifier(role)) PASSWORD \(try verifier.map { try SQLQuote.literal($0) } ?? "NULL")"
        }
        let groups = Self.chunks(statements, count: Self.sessions)
        var opened: [PostgresSession] = []
        do {
            for _ in groups { opened.append(try await access.verifierSession(on: node)) }
            try await Self.run(groups, in: opened, node: node)
        } catch {
            for session in opened { await session.close() }
            throw error
        }
        for session in opened { await session.close() }
    }

    /// Each group in its own session's transaction; all commit, or none where possible.
    private static func run(_ groups: [[String]], in sessions: [PostgresSession], node: DatabaseNode) async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, statements) in groups.enumerated() {
                    let session = sessions[index]
                    group.addTask {
                        try await session.execute("BEGIN")
                        for statement in statements { try await session.execute(statement) }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            for session in sessions { try? await session.execute("ROLLBACK") }
            throw error
        }
        for (index, session) in sessions.enumerated() {
            do {
                try await session.execute("COMMIT")
            } catch {
                for later in sessions[(index + 1)...] { try? await later.execute("ROLLBACK") }
                throw HostError(.verification, "\(node.name): a commit of the new verifiers failed after \(index) of \(sessions.count) sessions had committed: \(error)",
                                hint: "the step's undo puts the old verifiers back")
            }
        }
    }

    /// SCRAM verifiers with fresh salts, computed on every core.
    static func scramVerifiers(_ changes: [(role: String, password: Secret)]) async throws -> [(role: String, verifier: String)] {
        let computed = await parallel(changes) { role, password -> (String, String)? in
            (try? SCRAMVerifier.make(password: password).text).map { (role, $0) }
        }
        guard computed.count == changes.count, computed.allSatisfy({ $0 != nil }) else {
            throw HostError(.verification, "a SCRAM verifier could not be computed")
        }
        return computed.compactMap { $0 }
    }

    /// `body` over `items` on every core, results in order (key derivations are CPU work).
    static func parallel<Item: Sendable, Output: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) -> Output) async -> [Output] {
        let groups = chunks(items, count: max(1, ProcessInfo.processInfo.activeProcessorCount))
        return await withTaskGroup(of: (Int, [Output]).self) { group in
            for (index, chunk) in groups.enumerated() {
                group.addTask { (index, chunk.map(body)) }
            }
            var results: [Int: [Output]] = [:]
            for await (index, outputs) in group { results[index] = outputs }
            return (0..<groups.count).flatMap { results[$0] ?? [] }
        }
    }

    /// `items` in up to `count` contiguous, non-empty groups.
    static func chunks<Item>(_ items: [Item], count: Int) -> [[Item]] {
        guard !items.isEmpty else { return [] }
        let size = (items.count + count - 1) / count
        return stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}

// MARK: - The old verifiers of this run, in memory only

/// The exact verifiers a run replaced, so a rollback within the same run puts back the very
/// same bytes (and can do so even when no copy of the old password is known), and the ones
/// it wrote, so verification can compare bytes. Never written anywhere: a later
/// `pgwarden undo` rebuilds from ``PreviousVerifier`` instead.
actor ReplacedVerifiers {
    private var byRole: [String: String?] = [:]
    private var written: [String: String] = [:]

    func wrote(_ verifiers: [(role: String, verifier: String)]) {
        for (role, verifier) in verifiers { written[role] = verifier }
    }

    func writtenVerifiers() -> [String: String] { written }

    func remember(_ role: String, _ verifier: String?) {
        if byRole[role] == nil { byRole[role] = .some(verifier) }
    }

    /// The remembered verifier (`.some(nil)` for NULL), or nil when none is remembered.
    func take(_ role: String) -> String?? {
        written[role] = nil
        return byRole.removeValue(forKey: role)
    }
}
