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
        let (primary, standby) = try nodes(primaryAnd: nodeName, allowing: [.standby])
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: standby.dataDirectory), !entries.isEmpty {
            throw HostError(.verification, "\(standby.dataDirectory) is not empty", hint: "a base backup needs an empty data directory; move its contents away (pgwarden never deletes a data directory)")
        }
        let binaries = try await PostgresBinaries.locate(explicit: standby.binDirectory)
        let osUser = OSAccount.isRoot ? (OSAccount.owner(of: primary.dataDirectory) ?? PostgresServerControl.defaultOSUser) : OSAccount.currentName
        var notes: [String] = []
        let prepared = try await prepare(primary: primary, standby: standby, osUser: osUser, notes: &notes)
        try await baseBackup(primary: primary, standby: standby, binaries: binaries, osUser: osUser, prepared: prepared)
        try await configureAndStart(standby, prepared: prepared, binaries: binaries, osUser: osUser, primary: primary)
        return Report(node: standby.name, slot: prepared.slot, hbaLineAdded: prepared.hbaLineAdded, roleCreated: prepared.roleCreated,
                      seconds: Self.seconds(since: started), notes: notes)
    }

    /// Turns a former primary (fenced after a failover) into a standby of the current
    /// primary: pg_rewind when the cluster allows it, else a fresh base backup into an empty
    /// folder after moving the old data aside (never deleted). It is never started as a
    /// primary on the way: it keeps its standby.signal throughout.
    public func rejoin(_ nodeName: String, inventoryPath: String) async throws -> Report {
        let started = ContinuousClock.now
        let (primary, node) = try nodes(primaryAnd: nodeName, allowing: [.fenced, .standby])
        guard AtomicFile.exists(node.dataDirectory + "/PG_VERSION") else {
            throw HostError(.verification, "\(node.dataDirectory) holds no PostgreSQL cluster", hint: "use `pgwarden replica add \(nodeName)` for an empty node")
        }
        let binaries = try await PostgresBinaries.locate(explicit: node.binDirectory)
        let osUser = OSAccount.owner(of: node.dataDirectory) ?? PostgresServerControl.defaultOSUser
        let control = PostgresServerControl(binaries: binaries, dataDirectory: node.dataDirectory, osUser: osUser)
        // Standby first, so no start on the way can make it a primary.
        try writeOwnerOnly("", to: node.dataDirectory + "/standby.signal", owner: osUser)
        if control.isRunning {
            progress("stop \(node.name)")
            try await control.stop(mode: "fast")
        } else {
            // A crashed node must finish crash recovery before pg_rewind will touch it; with
            // its standby.signal it comes up read-only for that, and stops cleanly.
            progress("recover \(node.name) read-only, then stop it cleanly")
            try await startRetryingStaleLock(control, logFile: (node.dataDirectory as NSString).deletingLastPathComponent + "/server.log")
            try await control.stop(mode: "fast")
        }
        var notes: [String] = []
        let prepared = try await prepare(primary: primary, standby: node, osUser: osUser, notes: &notes)
        progress("pg_rewind \(node.name) from \(primary.name)")
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSFILE"] = try superuserPassfile(for: primary, next: node, owner: osUser)
        defer { if let path = environment["PGPASSFILE"] { unlink(path) } }
        let rewind = try await ProcessRunner().run(binaries.path("pg_rewind"), [
            "--target-pgdata=\(node.dataDirectory)",
            "--source-server=host=\(primary.host) port=\(primary.port) user=\(access.inventory.superuser) dbname=postgres",
        ], user: osUser, environment: environment)
        if rewind.succeeded {
            notes.append("rewound with pg_rewind")
        } else {
            let reason = rewind.standardError.split(separator: "\n").last.map(String.init) ?? "pg_rewind failed"
            let aside = node.dataDirectory + ".pgwarden-old-\(Int(Date().timeIntervalSince1970))"
            progress("pg_rewind is not possible (\(reason)); moving the old data to \(aside) and taking a fresh base backup")
            guard rename(node.dataDirectory, aside) == 0 else {
                throw HostError.posix("move the old data directory aside", node.dataDirectory, errno: errno)
            }
            notes.append("pg_rewind not possible (\(reason)); old data kept in \(aside); fresh base backup taken")
            try await baseBackup(primary: primary, standby: node, binaries: binaries, osUser: osUser, prepared: prepared)
        }
        try await configureAndStart(node, prepared: prepared, binaries: binaries, osUser: osUser, primary: primary)
        let text = try InventoryRoleEdit.setRole(.standby, ofNode: node.name, in: try AtomicFile.readText(inventoryPath), path: inventoryPath)
        try AtomicFile.write(Array(text.utf8), to: inventoryPath, backupPath: access.inventory.stateDirectory + "/backups/warden.yaml.rejoin-\(Int(Date().timeIntervalSince1970))")
        return Report(node: node.name, slot: prepared.slot, hbaLineAdded: prepared.hbaLineAdded, roleCreated: prepared.roleCreated,
                      seconds: Self.seconds(since: started), notes: notes)
    }

    // MARK: Shared phases

    struct Prepared: Sendable {
        var slot: String
        var connection: StandbyConnection
        var roleCreated: Bool
        var hbaLineAdded: Bool
    }

    private func nodes(primaryAnd nodeName: String, allowing roles: Set<DatabaseNode.Role>) throws -> (DatabaseNode, DatabaseNode) {
        let node = try access.node(nodeName)
        guard let primary = access.inventory.primary else {
            throw HostError(.verification, "the inventory names no primary", hint: "mark one database node role: primary")
        }
        guard node.name != primary.name else {
            throw HostError(.verification, "\(nodeName) is the primary", hint: "name a standby node from the inventory")
        }
        guard roles.contains(node.role) else {
            throw HostError(.verification, "\(nodeName) is \(node.role.rawValue), not \(roles.map(\.rawValue).sorted().joined(separator: " or "))", hint: "check the node's role in the inventory")
        }
        return (primary, node)
    }

    /// On the primary: role, slot, pg_hba line; and the standby's passfile.
    private func prepare(primary: DatabaseNode, standby: DatabaseNode, osUser: String, notes: inout [String]) async throws -> Prepared {
        let role = access.inventory.replicationRole
        let password = try access.password(for: role)
        progress("primary \(primary.name): replication role, slot, pg_hba line")
        let slot = StandbyConnection.slotName(for: standby.name)
        var collected: [String] = []
        let prepared = try await access.withSuperuser(on: primary) { session in
            try await preparePrimary(session, role: role, password: password, slot: slot, standby: standby, notes: &collected)
        }
        notes += collected
        let parent = (standby.dataDirectory as NSString).deletingLastPathComponent
        try Directories.create(parent, mode: 0o755)
        if OSAccount.isRoot { try OSAccount.changeOwner(parent, to: osUser, recursive: false) }
        let connection = StandbyConnection(primaryHost: primary.host, primaryPort: primary.port, user: role,
                                           passfile: parent + "/replication.pgpass", applicationName: standby.name)
        try writeOwnerOnly(try connection.passfile(password: password), to: connection.passfile, owner: osUser)
        return Prepared(slot: slot, connection: connection, roleCreated: prepared.roleCreated, hbaLineAdded: prepared.hbaLineAdded)
    }

    private func baseBackup(primary: DatabaseNode, standby: DatabaseNode, binaries: PostgresBinaries, osUser: String, prepared: Prepared) async throws {
        progress("pg_basebackup from \(primary.host):\(primary.port) into \(standby.dataDirectory)")
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSFILE"] = prepared.connection.passfile
        let backup = try await ProcessRunner().run(binaries.path("pg_basebackup"), [
            "-h", primary.host, "-p", String(primary.port), "-U", prepared.connection.user, "-D", standby.dataDirectory,
            "-X", "stream", "-S", prepared.slot, "-c", "fast", "--no-password",
        ], user: osUser, environment: environment)
        guard backup.succeeded else {
            throw HostError(.process, "pg_basebackup failed: \(backup.standardError.split(separator: "\n").suffix(2).joined(separator: " | "))",
                            hint: backup.standardError.contains("password authentication failed") ? "the replication password in the inventory's secrets does not match the role on the primary" : "see the message; the primary keeps the slot \(prepared.slot) (drop it with pg_drop_replication_slot if you give up)")
        }
    }

    /// The standby's own settings (its port and address, how to reach the primary), a
    /// standby.signal, a start, and a wait until the primary sees it streaming.
    private func configureAndStart(_ standby: DatabaseNode, prepared: Prepared, binaries: PostgresBinaries, osUser: String, primary: DatabaseNode) async throws {
        progress("standby \(standby.name): port \(standby.port), primary_conninfo (password in a passfile), standby.signal")
        let confPath = standby.dataDirectory + "/postgresql.conf"
        var conf = try PostgresConfFile(parsing: try AtomicFile.readText(confPath))
        try conf.set("port", to: String(standby.port))
        try conf.set("listen_addresses", to: standby.host)
        try conf.set("primary_conninfo", to: prepared.connection.conninfo)
        try conf.set("primary_slot_name", to: prepared.slot)
        try conf.set("hot_standby", to: "on")
        try AtomicFile.write(Array(conf.render().utf8), to: confPath)
        // ALTER SYSTEM values copied from the primary would override the lines above.
        let autoPath = standby.dataDirectory + "/postgresql.auto.conf"
        if AtomicFile.exists(autoPath) {
            var auto = try PostgresConfFile(parsing: try AtomicFile.readText(autoPath))
            for name in ["port", "listen_addresses", "primary_conninfo", "primary_slot_name"] { _ = try auto.remove(name) }
            try AtomicFile.write(Array(auto.render().utf8), to: autoPath)
        }
        try writeOwnerOnly("", to: standby.dataDirectory + "/standby.signal", owner: osUser)
        progress("start \(standby.name) and wait until it streams")
        let parent = (standby.dataDirectory as NSString).deletingLastPathComponent
        try await PostgresServerControl(binaries: binaries, dataDirectory: standby.dataDirectory, osUser: osUser).start(logFile: parent + "/server.log")
        try await waitUntilStreaming(primary: primary, standby: standby)
    }

    /// After a crash the dead postmaster's children may linger a moment and keep the lock;
    /// retry the start for a few seconds before giving up.
    private func startRetryingStaleLock(_ control: PostgresServerControl, logFile: String) async throws {
        for _ in 0..<20 {
            if (try? await control.start(logFile: logFile)) != nil { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        try await control.start(logFile: logFile)
    }

    /// Makes an existing, cleanly stopped cluster a standby of the primary without copying
    /// data (a switchover's old primary: the new primary has all of its WAL).
    public func follow(_ nodeName: String) async throws {
        let (primary, node) = try nodes(primaryAnd: nodeName, allowing: [.standby, .fenced])
        let binaries = try await PostgresBinaries.locate(explicit: node.binDirectory)
        let osUser = OSAccount.owner(of: node.dataDirectory) ?? PostgresServerControl.defaultOSUser
        var notes: [String] = []
        let prepared = try await prepare(primary: primary, standby: node, osUser: osUser, notes: &notes)
        try await configureAndStart(node, prepared: prepared, binaries: binaries, osUser: osUser, primary: primary)
    }

    /// A passfile for the superuser (pg_rewind connects as a superuser), removed by the caller.
    private func superuserPassfile(for primary: DatabaseNode, next node: DatabaseNode, owner: String) throws -> String {
        let parent = (node.dataDirectory as NSString).deletingLastPathComponent
        let path = parent + "/.rewind-\(UInt32.random(in: 0...UInt32.max)).pgpass"
        let user = access.inventory.superuser
        let line = try StandbyConnection(primaryHost: primary.host, primaryPort: primary.port, user: user, passfile: path, applicationName: node.name)
            .passfile(password: try access.password(for: user), database: .any)
        try writeOwnerOnly(line, to: path, owner: owner)
        return path
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
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
        // Nor its verifier: this session logs nothing from here on.
        try await session.hideStatementsFromLogs()
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
