import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Standby provisioning and failover on real servers

@Suite("Replication and failover on a real lab")
struct ReplicationTests {
    @Test func replicaAddStreamsAndFailoverAfterKillNinePromotesAndFences() async throws {
        try await withLab(standby: true) { site in
            let access = try site.access()
            let report = try await ReplicaProvisioner(access: access).add("db2")
            #expect(report.roleCreated && report.hbaLineAdded)

            // Replicated data: write on the primary, read it on the standby.
            let primary = try await site.session(as: LabSite.superuser)
            try await primary.execute("CREATE TABLE replicated(x int)")
            try await primary.execute("INSERT INTO replicated VALUES (42)")
            let flushed = try #require(try await primary.value("SELECT pg_current_wal_lsn()::text"))
            await primary.close()
            let standbyNode = try access.node("db2")
            try await waitFor { try await access.withSuperuser(on: standbyNode) { try await $0.value("SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::text", [flushed]) } == "true" }
            #expect(try await access.withSuperuser(on: standbyNode) { try await $0.value("SELECT x::text FROM replicated") } == "42")

            // The standby's settings hold no password; the passfile is owner-only.
            let conf = try AtomicFile.readText(standbyNode.dataDirectory + "/postgresql.conf")
            #expect(!conf.contains(try site.secretText(LabSite.replicationRole)))
            #expect(conf.contains("passfile="))

            let states = await ReplicationStatusCollector.collect(access)
            #expect(states.map(\.role) == [.primary, .standby])
            #expect(states[0].replicas.first?.state == "streaming")
            #expect(states[0].slots.map(\.active) == [true])
            #expect(states[1].streaming == true)

            // kill -9 the primary, then fail over.
            let primaryNode = try access.node("db1")
            let pid = try #require(PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: primaryNode.dataDirectory, osUser: site.state.osUser).postmasterPID())
            kill(pid, SIGKILL)
            // Gone for good (reaped, and its children exited), not just a zombie.
            try await waitFor { kill(pid, 0) != 0 && errno == ESRCH }
            let failover = try await FailoverCoordinator(access: access, inventoryPath: site.inventoryPath).failover(to: nil)
            #expect(failover.promoted == "db2")
            #expect(failover.fenced == "db1")
            #expect(try await access.withSuperuser(on: standbyNode) { try await $0.value("SELECT pg_is_in_recovery()::text") } == "false")
            try await access.withSuperuser(on: standbyNode) { try await $0.execute("INSERT INTO replicated VALUES (43)") }

            let inventory = try site.inventory()
            #expect(inventory.databaseNode(named: "db1")?.role == .fenced)
            #expect(inventory.primary?.name == "db2")

            // The fenced node cannot come back as a second primary: started again, it is read-only.
            #expect(AtomicFile.exists(primaryNode.dataDirectory + "/standby.signal"))
            let control = PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: primaryNode.dataDirectory, osUser: site.state.osUser)
            try await waitFor {
                // The killed postmaster's children must have noticed and exited first.
                (try? await control.start(logFile: site.directory + "/db1/restart.log")) != nil
            }
            #expect(try await access.withSuperuser(on: primaryNode) { try await $0.value("SELECT pg_is_in_recovery()::text") } == "true")
            let refused = await #expect(throws: PostgresError.self) {
                try await access.withSuperuser(on: primaryNode) { try await $0.execute("INSERT INTO replicated VALUES (44)") }
            }
            #expect(refused?.sqlState == "25006")
        }
    }

    @Test func standbyWithAWrongReplicationPasswordShowsAsNotStreaming() async throws {
        try await withLab(standby: true) { site in
            let access = try site.access()
            _ = try await ReplicaProvisioner(access: access).add("db2")
            // Someone changes the replication password on the primary behind pgwarden's back
            // and the stream reconnects: the standby's passfile now holds a wrong password.
            let admin = try await site.session(as: LabSite.superuser)
            let other = try SCRAMVerifier.make(password: Secret("not-what-the-standby-has")).text
            try await admin.execute("ALTER ROLE replicator PASSWORD \(try SQLQuote.literal(other))")
            try await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_replication")
            await admin.close()
            try await waitFor {
                let states = await ReplicationStatusCollector.collect(access)
                return states[0].replicas.isEmpty && states[1].streaming == false
            }
            let states = await ReplicationStatusCollector.collect(access)
            #expect(states[0].slots.map(\.active) == [false], "the slot is now inactive and retains WAL")
            let log = try AtomicFile.readText(site.directory + "/db2/server.log")
            #expect(log.contains("password authentication failed for user \"replicator\""))
            #expect(!log.contains(try site.secretText(LabSite.replicationRole)))
        }
    }

    @Test func failoverWithoutAStandbyIsRefusedAndChangesNothing() async throws {
        try await withLab(standby: true) { site in
            let before = try AtomicFile.read(site.inventoryPath)
            let error = await #expect(throws: HostError.self) {
                _ = try await FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath).failover(to: nil)
            }
            #expect(error?.message == "no reachable standby to promote")
            #expect(try AtomicFile.read(site.inventoryPath) == before)
            #expect(await site.status().first?.acceptsConnections == true, "the primary was not touched")
        }
    }

    @Test func replicaAddRefusesANonEmptyDataDirectoryAndThePrimary() async throws {
        try await withLab(standby: true) { site in
            let access = try site.access()
            let standby = try access.node("db2")
            try Directories.create(standby.dataDirectory)
            try AtomicFile.write(Array("keep me".utf8), to: standby.dataDirectory + "/precious")
            let error = await #expect(throws: HostError.self) { _ = try await ReplicaProvisioner(access: access).add("db2") }
            #expect(error?.message.contains("is not empty") == true)
            #expect(try AtomicFile.read(standby.dataDirectory + "/precious") == Array("keep me".utf8))
            await #expect(throws: HostError.self) { _ = try await ReplicaProvisioner(access: access).add("db1") }
            await #expect(throws: HostError.self) { _ = try await ReplicaProvisioner(access: access).add("db9") }
        }
    }
}

/// Polls `condition` every 50 ms for up to 10 s.
func waitFor(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within 10 s")
}

// MARK: - Switchover under a writer, and rejoin with pg_rewind

@Suite("Switchover and rejoin on a real lab")
struct SwitchoverTests {
    /// Writes rows one at a time on whichever node the inventory calls primary, and
    /// remembers every commit the server acknowledged.
    actor Writer {
        private(set) var acknowledged: [Int] = []
        private var next = 1
        private var stopped = false
        func stop() { stopped = true }
        var isStopped: Bool { stopped }
        func record(_ value: Int) { acknowledged.append(value) }
        func take() -> Int { defer { next += 1 }; return next }
    }

    @Test func switchoverThereAndBackLosesNoAcknowledgedCommit() async throws {
        try await withLab(standby: true) { site in
            _ = try await ReplicaProvisioner(access: try site.access()).add("db2")
            let admin = try await site.session(as: LabSite.superuser)
            try await admin.execute("CREATE TABLE ledger(id int PRIMARY KEY)")
            await admin.close()

            let writer = Writer()
            let inventoryPath = site.inventoryPath
            let writing = Task {
                while await !writer.isStopped {
                    let value = await writer.take()
                    do {
                        let access = SiteAccess(inventory: try InventoryParser.parse(try AtomicFile.readText(inventoryPath), path: inventoryPath))
                        guard let primary = access.inventory.primary else { continue }
                        var target = try access.target(node: primary)
                        target.connectTimeout = 1
                        try await PostgresSession.with(target) { session in
                            try await session.execute("INSERT INTO ledger VALUES (\(value))")
                        }
                        await writer.record(value)
                    } catch {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let there = try await FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath).switchover(to: "db2")
            #expect(there.promoted == "db2")
            try await Task.sleep(for: .milliseconds(300))
            let back = try await FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath).switchover(to: "db1")
            #expect(back.promoted == "db1")
            try await Task.sleep(for: .milliseconds(300))
            await writer.stop()
            await writing.value

            let acknowledged = await writer.acknowledged
            #expect(acknowledged.count > 10, "the writer made progress on both sides")
            let session = try await site.session(as: LabSite.superuser)
            let stored = Set(try await session.rows("SELECT id::text FROM ledger").compactMap { $0[0].flatMap(Int.init) })
            await session.close()
            let lost = acknowledged.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "acknowledged commits lost: \(lost)")
            let states = await ReplicationStatusCollector.collect(try site.access())
            #expect(states.map(\.role) == [.primary, .standby])
            #expect(states[1].streaming == true)
        }
    }

    @Test func rejoinAfterFailoverUsesPgRewind() async throws {
        try await withLab(standby: true) { site in
            _ = try await ReplicaProvisioner(access: try site.access()).add("db2")
            let access = try site.access()
            let oldPrimary = try access.node("db1")
            let control = PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: oldPrimary.dataDirectory, osUser: site.state.osUser)
            let pid = try #require(control.postmasterPID())
            kill(pid, SIGKILL)
            try await waitFor { kill(pid, 0) != 0 && errno == ESRCH }
            _ = try await FailoverCoordinator(access: access, inventoryPath: site.inventoryPath).failover(to: nil)
            // The new primary moves on; the old one must follow that history.
            try await PostgresSession.with(try site.access().target(node: try access.node("db2"))) { try await $0.execute("CREATE TABLE after_failover(x int)") }

            let report = try await ReplicaProvisioner(access: try site.access()).rejoin("db1", inventoryPath: site.inventoryPath)
            #expect(report.notes.contains("rewound with pg_rewind"), "\(report.notes)")
            let inventory = try site.inventory()
            #expect(inventory.databaseNode(named: "db1")?.role == .standby)
            let states = await ReplicationStatusCollector.collect(try site.access())
            #expect(states.first { $0.name == "db1" }?.role == .standby)
            #expect(states.first { $0.name == "db1" }?.streaming == true)
            try await waitFor {
                (try? await PostgresSession.with(try site.access().target(node: oldPrimary)) { try await $0.value("SELECT to_regclass('after_failover')::text") }) == "after_failover"
            }
        }
    }

    @Test func switchoverToANodeThatIsNotStreamingIsRefused() async throws {
        try await withLab(standby: true) { site in
            let error = await #expect(throws: HostError.self) {
                _ = try await FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath).switchover(to: "db2")
            }
            #expect(error?.message.contains("not a streaming standby") == true)
            #expect(await site.status().first?.acceptsConnections == true, "the primary was left running")
        }
    }
}

@Suite("Failover refuses a standby that fell behind")
struct LaggingStandbyTests {
    @Test func laggingTargetIsRefusedUnlessLagIsAccepted() async throws {
        try await withLab(standby: true) { site in
            let access = try site.access()
            _ = try await ReplicaProvisioner(access: access).add("db2")
            let standby = try access.node("db2")
            // The standby loses its stream (its primary_conninfo is emptied and reloaded) and
            // the primary keeps writing: it falls behind by everything written since.
            try await access.withSuperuser(on: standby) { session in
                try await session.execute("ALTER SYSTEM SET primary_conninfo = ''")
                try await session.execute("SELECT pg_reload_conf()")
            }
            try await waitFor {
                try await access.withSuperuser(on: standby) { try await $0.value("SELECT count(*)::text FROM pg_stat_wal_receiver") } == "0"
            }
            try await access.withSuperuser(on: try access.node("db1")) { session in
                try await session.execute("CREATE TABLE filler AS SELECT generate_series(1, 20000) AS n")
            }

            let before = try AtomicFile.read(site.inventoryPath)
            let error = await #expect(throws: HostError.self) {
                _ = try await FailoverCoordinator(access: access, inventoryPath: site.inventoryPath).failover(to: "db2")
            }
            #expect(error?.message.contains("bytes behind") == true, "\(String(describing: error))")
            #expect(error?.hint?.contains("--accept-lag") == true)
            #expect(try AtomicFile.read(site.inventoryPath) == before, "a refused failover changes nothing")
            #expect(await site.status().first?.acceptsConnections == true, "the primary was not fenced")

            let forced = try await FailoverCoordinator(access: access, inventoryPath: site.inventoryPath).failover(to: "db2", acceptLag: true)
            #expect(forced.promoted == "db2")
            #expect(forced.fenced == "db1")
        }
    }
}
