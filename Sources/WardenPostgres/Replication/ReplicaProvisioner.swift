import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden replica add NODE

/// Turns an empty, reserved database node into a streaming standby of the primary:
/// replication role (SCRAM verifier computed here), a slot, a pg_hba line for the
/// standby's address only, a base backup, the standby's own settings, and a start —
/// then waits until the primary sees it streaming.
public struct ReplicaProvisioner: Sendable {
    public typealias Progress = @Sendable (String) -> Void

    public struct Report: Sendable, Codable {
        public var node: String
        public var slot: String
        public var hbaLineAdded: Bool
        public var roleCreated: Bool
        public var seconds: Double
        public var notes: [String]
    }

    let access: SiteAccess
    let progress: Progress
    /// How long to wait for the standby to stream after it starts.
    var streamWaitSeconds: Double = 60

    public init(access: SiteAccess, progress: @escaping Progress = { _ in }) {
        self.access = access
        self.progress = progress
    }

    public func add(_ nodeName: String) async throws -> Report {
        let started = ContinuousClock.now
        let inventory = access.inventory
        let standby = try access.node(nodeName)
        guard let primary = inventory.primary else {
            throw HostError(.verification, "the inventory names no primary", hint: "mark one database node role: primary")
        }
        guard standby.name != primary.name else {
            throw HostError(.verification, "\(nodeName) is the primary", hint: "name a standby node from the inventory")
        }
        guard standby.role == .standby else {
            throw HostError(.verification, "\(nodeName) is \(standby.role.rawValue), not a standby", hint: "set role: standby for it in the inventory first")
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: standby.dataDirectory), !entries.isEmpty {
            throw HostError(.verification, "\(standby.dataDirectory) is not empty", hint: "a base backup needs an empty data directory; move its contents away (pgwarden never deletes a data directory)")
        }
        let replicationRole = inventory.replicationRole
        let password = try access.password(for: replicationRole)
        let binaries = try await PostgresBinaries.locate(explicit: standby.binDirectory)
        var notes: [String] = []

        // 1. On the primary: role, slot, pg_hba line, WAL settings.
        progress("primary \(primary.name): replication role, slot, pg_hba line")
        let slot = StandbyConnection.slotName(for: standby.name)
        let prepared = try await access.withSuperuser(on: primary) { session in
            try await preparePrimary(session, role: replicationRole, password: password, slot: slot, standby: standby, notes: &notes)
        }

        // 2. The base backup, as the account that will own the standby's files.
        let parent = (standby.dataDirectory as NSString).deletingLastPathComponent
        let osUser = OSAccount.isRoot ? (OSAccount.owner(of: primary.dataDirectory) ?? PostgresServerControl.defaultOSUser) : OSAccount.currentName
        try Directories.create(parent, mode: 0o755)
        if OSAccount.isRoot { try OSAccount.changeOwner(parent, to: osUser, recursive: false) }
        let connection = StandbyConnection(primaryHost: primary.host, primaryPort: primary.port, user: replicationRole,
                                           passfile: parent + "/replication.pgpass", applicationName: standby.name)
        try writeOwnerOnly(connection.passfileLine(password: password), to: connection.passfile, owner: osUser)
        progress("pg_basebackup from \(primary.host):\(primary.port) into \(standby.dataDirectory)")
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSFILE"] = connection.passfile
        let backup = try await ProcessRunner().run(binaries.path("pg_basebackup"), [
            "-h", primary.host, "-p", String(primary.port), "-U", replicationRole, "-D", standby.dataDirectory,
            "-X", "stream", "-S", slot, "-c", "fast", "--no-password",
        ], user: osUser, environment: environment)
        guard backup.succeeded else {
            throw HostError(.process, "pg_basebackup failed: \(backup.standardError.split(separator: "\n").suffix(2).joined(separator: " | "))",
                            hint: backup.standardError.contains("password authentication failed") ? "the replication password in the inventory's secrets does not match the role on the primary" : "see the message; the primary keeps the slot \(slot) (drop it with pg_drop_replication_slot if you give up)")
        }

        // 3. The standby's own settings: its port and address, how to reach the primary.
        progress("standby \(standby.name): port \(standby.port), primary_conninfo (password in a passfile), standby.signal")
        let confPath = standby.dataDirectory + "/postgresql.conf"
        var conf = try PostgresConfFile(parsing: try AtomicFile.readText(confPath))
        try conf.set("port", to: String(standby.port))
        try conf.set("listen_addresses", to: standby.host)
        try conf.set("primary_conninfo", to: connection.conninfo)
        try conf.set("primary_slot_name", to: slot)
        try conf.set("hot_standby", to: "on")
        try AtomicFile.write(Array(conf.render().utf8), to: confPath)
        try writeOwnerOnly("", to: standby.dataDirectory + "/standby.signal", owner: osUser)

        // 4. Start and wait until it streams.
        progress("start \(standby.name) and wait until it streams")
        let control = PostgresServerControl(binaries: binaries, dataDirectory: standby.dataDirectory, osUser: osUser)
        try await control.start(logFile: parent + "/server.log")
        try await waitUntilStreaming(primary: primary, standby: standby)
        let elapsed = ContinuousClock.now - started
        return Report(node: standby.name, slot: slot, hbaLineAdded: prepared.hbaLineAdded, roleCreated: prepared.roleCreated,
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, notes: notes)
    }

    // MARK: Primary preparation

    private func preparePrimary(_ session: PostgresSession, role: String, password: Secret, slot: String, standby: DatabaseNode, notes: inout [String]) async throws -> (roleCreated: Bool, hbaLineAdded: Bool) {
        let walLevel = try await session.value("SHOW wal_level")
        guard walLevel == "replica" || walLevel == "logical" else {
            throw HostError(.verification, "wal_level is \(walLevel ?? "unknown") on the primary; streaming needs replica", hint: "set wal_level = replica and restart the primary")
        }
        if try await session.value("SHOW max_wal_senders") == "0" {
            throw HostError(.verification, "max_wal_senders is 0 on the primary", hint: "set max_wal_senders = 10 and restart the primary")
        }
        if try await session.value("SHOW wal_log_hints") == "off", try await session.value("SHOW data_checksums") == "off" {
            notes.append("wal_log_hints is off and data checksums are off: pg_rewind cannot rejoin this primary after a failover until wal_log_hints = on (needs a restart); rejoin will take a fresh base backup instead")
        }
        // The verifier is computed here: the password never reaches the server or its log.
        let verifier = try SCRAMVerifier.make(password: password).text
        let exists = try await session.value("SELECT 1::text FROM pg_roles WHERE rolname = $1", [role]) != nil
        let quotedRole = try SQLQuote.identifier(role)
        if exists {
            try await session.execute("ALTER ROLE \(quotedRole) WITH REPLICATION LOGIN PASSWORD \(try SQLQuote.literal(verifier))")
        } else {
            try await session.execute("CREATE ROLE \(quotedRole) WITH REPLICATION LOGIN PASSWORD \(try SQLQuote.literal(verifier))")
        }
        if try await session.value("SELECT 1::text FROM pg_replication_slots WHERE slot_name = $1", [slot]) == nil {
            _ = try await session.rows("SELECT pg_create_physical_replication_slot($1)::text", [slot])
        }
        let hbaLineAdded = try await admitReplication(session, role: role, standby: standby)
        return (!exists, hbaLineAdded)
    }

    /// Adds `host|hostssl replication ROLE STANDBY/32 scram-sha-256` at the top of pg_hba.conf
    /// unless a rule already admits the standby, reloads, and checks the server parsed it.
    private func admitReplication(_ session: PostgresSession, role: String, standby: DatabaseNode) async throws -> Bool {
        guard let hbaPath = try await session.value("SHOW hba_file") else { return false }
        let text = try AtomicFile.readText(hbaPath)
        var file: HBAFile
        do { file = try HBAFile(parsing: text) } catch { throw error.inFile(hbaPath) }
        let ssl = try await session.value("SHOW ssl") == "on"
        if let address = IPAddress(standby.host) {
            let attempt = HBAConnectionAttempt.tcp(from: address, ssl: ssl, to: .physicalReplication, as: role)
            if case .matched(let numbered) = HBAEvaluator(file: file).evaluate(attempt),
               numbered.rule.method == .scramSHA256 {
                return false
            }
        }
        guard let address = IPAddress(standby.host), let range = IPAddressRange(address: address, prefixLength: standby.host.contains(":") ? 128 : 32) else {
            throw HostError(.verification, "standby host \(standby.host) is not an IP address", hint: "give the standby's address in the inventory so pg_hba.conf can be limited to it")
        }
        let rule = HBARule(connectionType: ssl ? .hostssl : .host, databases: [.replication], users: [.name(role)],
                           address: .range(range), method: .scramSHA256)
        try file.insert(rule, at: .top)
        let state = access.inventory.stateDirectory
        try AtomicFile.write(Array(file.render().utf8), to: hbaPath, backupPath: state + "/backups/pg_hba.conf.\(Int(Date().timeIntervalSince1970))")
        try await session.execute("SELECT pg_reload_conf()")
        if let error = try await session.value("SELECT error FROM pg_hba_file_rules WHERE error IS NOT NULL LIMIT 1") {
            throw HostError(.verification, "the server rejected the new pg_hba.conf: \(error)", hint: "the previous file is in \(state)/backups")
        }
        return true
    }

    // MARK: Helpers

    private func writeOwnerOnly(_ text: String, to path: String, owner: String) throws {
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
        chmod(path, 0o600)
        if OSAccount.isRoot { try OSAccount.changeOwner(path, to: owner, recursive: false) }
    }

    private func waitUntilStreaming(primary: DatabaseNode, standby: DatabaseNode) async throws {
        let deadline = ContinuousClock.now + .seconds(streamWaitSeconds)
        var last = "not connected"
        while ContinuousClock.now < deadline {
            let state = await ReplicationStatusCollector.collect(node: primary, access: access)
            if let replica = state.replicas.first(where: { $0.applicationName == standby.name }) {
                last = replica.state
                if replica.state == "streaming" { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HostError(.verification, "\(standby.name) started but is not streaming (\(last))", hint: "see the standby's server.log next to its data directory")
    }
}
