import Foundation
import WardenCore
import WardenHost

// MARK: - One database node's facts

/// Collects ``NodeFacts`` for one node: a session (read-only transaction) for settings,
/// roles, pg_hba rules and sessions; the file system for key and certificate modes; the
/// wire probe for SSLRequest, plaintext logins and the TLS scan; and, when the server
/// speaks TLS, verify-full as each service would make it (``VerifyFullCheck``).
///
/// Nothing here writes: the transaction is `READ ONLY` and rolled back, the catalogs are
/// only read, the probe never completes a login or a TLS handshake, and the verify-full
/// check's login creates nothing. What cannot be read
/// for lack of privilege is checked *before* it is queried (so no error aborts the
/// transaction) and recorded in `unseen`.
public struct NodeFactsCollector: Sendable {
    public var access: SiteAccess
    /// Per-connection timeout of the wire probe.
    public var probeTimeout: Duration
    /// Whether to run the TLS scan (a few hundred connections on a permissive server).
    public var scanTLS: Bool

    public init(access: SiteAccess, probeTimeout: Duration = .seconds(3), scanTLS: Bool = true) {
        self.access = access
        self.probeTimeout = probeTimeout
        self.scanTLS = scanTLS
    }

    /// The settings an audit reads from pg_settings.
    public static let settingNames = [
        "password_encryption", "scram_iterations", "ssl", "ssl_min_protocol_version", "ssl_max_protocol_version",
        "ssl_ciphers", "ssl_prefer_server_ciphers", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "listen_addresses",
        "port", "authentication_timeout", "log_connections", "log_disconnections", "wal_level", "max_wal_senders",
        "primary_conninfo", "hba_file", "data_directory", "server_version", "server_version_num", "hot_standby",
    ]

    // MARK: Collect

    /// Everything about `node`; `roles` are probed for plaintext login (each with the
    /// database it uses); the host names of `hostUses` are checked against the certificate
    /// and with verify-full.
    public func collect(_ node: DatabaseNode, roles: [(user: String, database: String)], hostUses: [ServiceHostUse]) async -> NodeFacts {
        var facts = NodeFacts(name: node.name, host: node.host, port: node.port, inventoryRole: node.role.rawValue, reachability: .unreachable(reason: "not tried"))
        await collectFromSession(node, into: &facts)
        collectServerFiles(node, into: &facts)
        // Whatever happened to the session, the wire is probed: it may still answer.
        facts.wire = await collectWire(node, roles: roles, hostNames: hostUses.hostNames)
        if facts.wire?.tls != nil, !hostUses.isEmpty {
            await checkVerifyFull(node, uses: hostUses, into: &facts)
        }
        return facts
    }

    // MARK: Session

    func collectFromSession(_ node: DatabaseNode, into facts: inout NodeFacts) async {
        let user = access.inventory.superuser
        let target: ConnectionTarget
        do {
            target = try access.target(node: node, role: user)
        } catch {
            facts.reachability = .loginRefused(user: user, reason: error.message)
            facts.unseen.append("settings, roles, pg_hba rules and sessions: no password for \(user) (\(error.message))")
            return
        }
        let session: PostgresSession
        do {
            session = try await PostgresSession.connect(target)
        } catch {
            switch error.kind {
            case .refused, .timeout, .connection: facts.reachability = .unreachable(reason: error.message)
            case .badPassword: facts.reachability = .wrongPassword(user: user)
            case .noHBAEntry, .tls, .tlsUnavailable, .server: facts.reachability = .loginRefused(user: user, reason: error.message)
            }
            facts.unseen.append("settings, roles, pg_hba rules and sessions: \(error.message)")
            return
        }
        facts.reachability = .reached(user: user)
        do {
            try await session.execute("START TRANSACTION READ ONLY")
            try await readCatalogs(session, into: &facts)
            try await session.execute("ROLLBACK")
        } catch {
            facts.unseen.append("catalog reads stopped: \(error)")
        }
        await session.close()
    }

    func readCatalogs(_ session: PostgresSession, into facts: inout NodeFacts) async throws(PostgresError) {
        // Settings (sourcefile/sourceline are NULL without pg_read_all_settings).
        let list = "{" + Self.settingNames.joined(separator: ",") + "}"
        for row in try await session.rows("SELECT name, setting, unit, source, sourcefile, sourceline::text FROM pg_settings WHERE name = ANY($1::text[])", [list]) {
            guard row.count == 6, let name = row[0], let value = row[1] else { continue }
            facts.settings[name] = SettingFact(value, unit: row[2], source: row[3], sourceFile: row[4], sourceLine: row[5].flatMap { Int($0) })
        }
        facts.serverVersion = facts.settings["server_version"]?.value
        facts.serverVersionNumber = facts.settings["server_version_num"].flatMap { Int($0.value) }
        let version = facts.serverVersionNumber ?? 0

        let privileges = try await session.rows("""
            SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')::text,
                   has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')::text,
                   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)::text,
                   pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')::text,
                   pg_has_role(current_user, 'pg_read_all_settings', 'USAGE')::text
            """).first ?? []
        func granted(_ index: Int) -> Bool { privileges.count > index && privileges[index] == "true" }
        let isSuperuser = granted(2)
        if !isSuperuser && !granted(4) {
            facts.unseen.append("pg_settings: where each setting was set (not a superuser, no pg_read_all_settings)")
        }

        // Roles: verifiers from pg_authid when allowed, else pg_roles without them.
        if granted(0) {
            facts.rolesSource = "pg_authid"
            facts.roles = try await session.rows("SELECT rolname, rolcanlogin::text, rolsuper::text, rolreplication::text, rolpassword FROM pg_authid ORDER BY rolname").compactMap { row in
                guard row.count == 5, let name = row[0] else { return nil }
                return RoleFacts(name: name, canLogin: row[1] == "true", isSuperuser: row[2] == "true", isReplication: row[3] == "true",
                                 password: PasswordFact(RolePasswordKind(rolpassword: row[4])))
            }
        } else {
            facts.rolesSource = "pg_roles"
            facts.unseen.append("pg_authid: password verifiers (md5 / SCRAM / none) need a superuser; roles read from pg_roles")
            facts.roles = try await session.rows("SELECT rolname, rolcanlogin::text, rolsuper::text, rolreplication::text FROM pg_roles ORDER BY rolname").compactMap { row in
                guard row.count == 4, let name = row[0] else { return nil }
                return RoleFacts(name: name, canLogin: row[1] == "true", isSuperuser: row[2] == "true", isReplication: row[3] == "true", password: nil)
            }
        }

        // Memberships, for pg_hba's +group and samerole (pg_auth_members is public).
        let groups = try await RoleMembershipQuery.memberships(session)
        facts.roles = facts.roles?.map { role in
            var role = role
            role.memberOf = groups[role.name] ?? []
            return role
        }

        // pg_hba.conf as the server parsed it.
        if granted(1) {
            let fileColumn = version >= 160000 ? "file_name" : "NULL::text"
            let rows = try await session.rows("""
                SELECT \(fileColumn), line_number::text, type, array_to_json(database)::text, array_to_json(user_name)::text,
                       address, netmask, auth_method, array_to_json(options)::text, error
                FROM pg_hba_file_rules ORDER BY line_number
                """)
            let hbaFile = facts.settings["hba_file"]?.value
            if let hbaFile, let text = try? AtomicFile.readText(hbaFile) {
                facts.hbaFile = HBAFileFact(path: hbaFile, text: text)
            }
            facts.hbaRules = rows.compactMap { row in
                guard row.count == 10, let line = row[1].flatMap({ Int($0) }) else { return nil }
                return HBARuleFact(
                    fileName: row[0] ?? hbaFile, lineNumber: line, type: row[2], databases: Self.textArray(row[3]),
                    users: Self.textArray(row[4]), address: row[5], netmask: row[6], method: row[7],
                    options: Self.textArray(row[8]), error: row[9])
            }
        } else {
            facts.unseen.append("pg_hba_file_rules: the server's parse of pg_hba.conf needs a superuser (or a GRANT SELECT)")
        }

        // Who is connected how (other than this session).
        if !isSuperuser && !granted(3) {
            facts.unseen.append("pg_stat_activity: other roles' client addresses need pg_read_all_stats")
        }
        facts.sessions = try await session.rows("""
            SELECT a.pid::text, a.usename, a.datname, a.client_addr::text, a.application_name, s.ssl::text, s.version, s.cipher
            FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
            WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
            ORDER BY a.pid
            """).compactMap { row in
            guard row.count == 8, let pid = row[0].flatMap({ Int($0) }) else { return nil }
            return SessionFact(pid: pid, user: row[1], database: row[2], clientAddress: row[3], applicationName: row[4],
                               ssl: row[5] == "true", tlsVersion: row[6], cipher: row[7])
        }
    }

    /// A JSON array of strings (`array_to_json(...)::text`) → [String]; nil/invalid → [].
    static func textArray(_ json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([String?].self, from: data) else { return [] }
        return values.compactMap { $0 }
    }

    // MARK: Files

    func collectServerFiles(_ node: DatabaseNode, into facts: inout NodeFacts) {
        guard node.access == .local else { return }
        let dataDirectory = facts.setting("data_directory") ?? node.dataDirectory
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : dataDirectory + "/" + path }
        let key = resolve(facts.setting("ssl_key_file") ?? "server.key")
        let certificate = resolve(facts.setting("ssl_cert_file") ?? "server.crt")
        for (purpose, path) in [("ssl_key_file", key), ("ssl_cert_file", certificate)] {
            let fact = FileFactsCollector.fileFact(purpose: purpose, path: path)
            if fact.exists || facts.setting("ssl") == "on" { facts.serverFiles.append(fact) }
        }
    }

    // MARK: verify-full

    /// Runs the verify-full checks for `uses` and files each result under its host check;
    /// a check that cannot be made is recorded as unseen.
    func checkVerifyFull(_ node: DatabaseNode, uses: [ServiceHostUse], into facts: inout NodeFacts) async {
        let requests = VerifyFullRequest.plan(uses, serverCA: serverCAFile(node, facts: facts))
        let check = VerifyFullCheck(access: access, timeoutSeconds: Double(probeTimeout.components.seconds) + 1)
        let handshakes = await withTaskGroup(of: (Int, VerifyFullHandshake?).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    guard request.trustRoot != nil else { return (index, nil) }
                    return (index, await check.run(request, on: node))
                }
            }
            var results: [VerifyFullHandshake?] = Array(repeating: nil, count: requests.count)
            for await (index, handshake) in group { results[index] = handshake }
            return results
        }
        guard var tls = facts.wire?.tls else { return }
        for (request, handshake) in zip(requests, handshakes) {
            guard let index = tls.hostChecks.firstIndex(where: { $0.host.lowercased() == request.hostName.lowercased() }) else { continue }
            let fact = VerifyFullFact(request: request, handshake: handshake, nameCheck: tls.hostChecks[index])
            tls.hostChecks[index].verifyFull.append(fact)
            if fact.outcome == .notChecked {
                facts.unseen.append("verify-full for host '\(request.hostName)' (\(request.services.joined(separator: ", "))): \(fact.reason ?? "not checked")")
            }
        }
        facts.wire?.tls = tls
    }

    /// The server's `ssl_ca_file`, resolved against the data directory, when this machine
    /// can read it (`access: local`).
    func serverCAFile(_ node: DatabaseNode, facts: NodeFacts) -> VerifyFullRequest.ServerCAFile {
        guard node.access == .local else { return .unavailable("the server's ssl_ca_file is on another machine (access is not local)") }
        guard let setting = facts.setting("ssl_ca_file") else { return .unavailable("the server's ssl_ca_file could not be read (no session)") }
        guard !setting.isEmpty else { return .unavailable("the server has no ssl_ca_file") }
        let dataDirectory = facts.setting("data_directory") ?? node.dataDirectory
        let path = setting.hasPrefix("/") ? setting : dataDirectory + "/" + setting
        guard (try? AtomicFile.read(path)) != nil else { return .unavailable("the server's ssl_ca_file \(path) is not readable here") }
        return .readable(path: path)
    }

    // MARK: Wire

    func collectWire(_ node: DatabaseNode, roles: [(user: String, database: String)], hostNames: [String]) async -> WireFacts {
        let probe = WireProbe(host: node.host, port: node.port, timeout: probeTimeout)
        let answer: PostgresSSLAnswer
        do {
            answer = try await probe.sslAnswer()
        } catch {
            return WireFacts(sslAnswer: .notAsked("\(error)"), problems: ["SSLRequest: \(error)"])
        }
        var wire = WireFacts(sslAnswer: SSLAnswerFact(answer))
        wire.plaintextLogins = await withTaskGroup(of: (Int, PlaintextLoginFact).self) { group in
            for (index, role) in roles.enumerated() {
                group.addTask {
                    do {
                        let parameters = try PostgresStartupParameters(user: role.user, database: role.database)
                        return (index, PlaintextLoginFact(user: role.user, database: role.database, result: try await probe.plaintextLogin(parameters)))
                    } catch {
                        return (index, PlaintextLoginFact(user: role.user, database: role.database, outcome: .inconclusive, detail: "\(error)"))
                    }
                }
            }
            var results: [(Int, PlaintextLoginFact)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        if answer == .willing, scanTLS {
            do {
                wire.tls = TLSFacts(scan: try await probe.scanTLS(), hostNames: hostNames)
            } catch {
                wire.problems.append("TLS scan: \(error)")
            }
        }
        return wire
    }
}
