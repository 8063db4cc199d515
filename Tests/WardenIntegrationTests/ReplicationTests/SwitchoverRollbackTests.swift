import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - A switchover whose target dies midway rolls back (issue 11, reproduction 9)

@Suite("Switchover rolls back when the target dies")
struct SwitchoverRollbackTests {
    @Test func targetKilledRightBeforePromotionLeavesTheOldPrimaryWritable() async throws {
        try await withLab(standby: true) { site in
            _ = try await ReplicaProvisioner(access: try site.access()).add("db2")
            let admin = try await site.session(as: LabSite.superuser)
            try await admin.execute("CREATE TABLE ledger(id int)")
            await admin.close()
            let db2 = try #require(site.state.nodes.first { $0.name == "db2" })
            let db2Control = site.control(db2)

            var coordinator = FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath)
            // Deterministic: the target dies exactly before pg_promote() would reach it.
            coordinator.beforePromote = { _ in
                if let pid = db2Control.postmasterPID() { kill(pid, SIGKILL) }
            }
            let error = await #expect(throws: HostError.self) { _ = try await coordinator.switchover(to: "db2") }
            #expect(error?.kind == .rolledBack, "\(String(describing: error))")
            #expect(error?.message.contains("rolled back") == true)
            #expect(error?.message.contains("db2 fenced") == true, "\(String(describing: error))")
            #expect(error?.message.contains("db1 is the primary again and takes writes") == true)

            // The old primary runs as primary and takes writes; db2 is fenced, nothing of it runs.
            let access = try site.access()
            let db1 = try access.node("db1")
            #expect(try await access.withSuperuser(on: db1) { try await $0.value("SELECT pg_is_in_recovery()::text") } == "false")
            try await access.withSuperuser(on: db1) { try await $0.execute("INSERT INTO ledger VALUES (1)") }
            #expect(!AtomicFile.exists(db1.dataDirectory + "/standby.signal"))
            #expect(InstanceFence.processes(of: db2.dataDirectory).isEmpty)
            #expect(AtomicFile.exists(db2.dataDirectory + "/standby.signal"))

            // The inventory says what is true.
            let inventory = try site.inventory()
            #expect(inventory.primary?.name == "db1")
            #expect(inventory.databaseNode(named: "db2")?.role == .fenced)
            let states = await ReplicationStatusCollector.collect(access, timeoutSeconds: 1)
            #expect(states.filter { $0.role == .primary }.map(\.name) == ["db1"])
        }
    }
}
