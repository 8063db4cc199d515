import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Fencing that fences (issue 11, reproductions 4a and 4b) on real servers

@Suite("Failover fences every process of the old primary, or refuses", .serialized)
struct FencingTests {
    static let binary: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        return root + "/.build/debug/pgwarden"
    }()

    static func pgwarden(_ arguments: [String]) async throws -> ProcessRunner.Result {
        try #require(AtomicFile.exists(binary), "build pgwarden first (swift build --build-tests)")
        return try await ProcessRunner().run(binary, arguments, environment: ["PATH": "/usr/bin:/bin"], timeoutSeconds: 120)
    }

    /// A lab whose db2 streams from db1, with a table `marker` replicated to db2.
    static func withStreamingLab(_ body: (LabSite, SiteAccess) async throws -> Void) async throws {
        try await withLab(standby: true) { site in
            let access = try site.access()
            _ = try await ReplicaProvisioner(access: access).add("db2")
            let admin = try await site.session(as: LabSite.superuser)
            try await admin.execute("CREATE TABLE marker(note text)")
            let flushed = try #require(try await admin.value("SELECT pg_current_wal_lsn()::text"))
            await admin.close()
            let standby = try access.node("db2")
            try await waitFor { try await access.withSuperuser(on: standby) { try await $0.value("SELECT (pg_last_wal_replay_lsn() >= $1::pg_lsn)::text", [flushed]) } == "true" }
            try await body(site, access)
        }
    }

    static func postmaster(_ site: LabSite, _ node: String) throws -> pid_t {
        let labNode = try #require(site.state.nodes.first { $0.name == node })
        return try #require(site.control(labNode).postmasterPID())
    }

    static func inRecovery(_ access: SiteAccess, _ node: String) async throws -> String? {
        try await access.withSuperuser(on: try access.node(node)) { try await $0.value("SELECT pg_is_in_recovery()::text") }
    }

    // MARK: 4a

    @Test func sigstoppedPrimaryWithAnInFlightTransactionNeverCommitsAfterFailover() async throws {
        try await Self.withStreamingLab { site, access in
            let db1 = try access.node("db1")
            // Idle sessions, and one holding an uncommitted row.
            var idle: [PostgresSession] = []
            for _ in 0..<4 { idle.append(try await site.session(as: LabSite.superuser)) }
            let held = try await site.session(as: LabSite.superuser)
            try await held.execute("BEGIN")
            try await held.execute("INSERT INTO marker VALUES ('in-flight')")
            let heldBackend = try #require(try await held.value("SELECT pg_backend_pid()::text").flatMap { Int32($0) })
            // And one in the middle of a long autocommit INSERT (reproduction 4a: it committed
            // 20 s after the promotion, and its client got success).
            let busy = try await site.session(as: LabSite.superuser)
            // CPU-bound, so it never looks at the postmaster (pg_sleep would notice its death and exit).
            let running = Task { try await busy.execute("INSERT INTO marker SELECT 'running' WHERE (SELECT count(*) FROM generate_series(1, 40000000)) > 0") }
            try await Task.sleep(for: .milliseconds(300))
            let before = InstanceFence.processes(of: db1.dataDirectory)
            #expect(before.count >= 11, "postmaster, its workers, a walsender and five backends: \(before)")

            let postmaster = try Self.postmaster(site, "db1")
            kill(postmaster, SIGSTOP)
            defer { kill(postmaster, SIGCONT) }  // harmless once it is dead
            let started = ContinuousClock.now
            let report = try await FailoverCoordinator(access: access, inventoryPath: site.inventoryPath).failover(to: "db2")
            let fence = try #require(report.instanceFence, "a local old primary is fenced by InstanceFence")
            print("4a: fenced \(fence.killed.count) processes in \(fence.milliseconds) ms (\(fence.rounds) scans, pidfd: \(fence.usedPIDFileDescriptors)); whole failover \(ContinuousClock.now - started)")
            #expect(Set(fence.killed).isSuperset(of: Set(before)), "every process seen before was killed")
            #expect(fence.stuck.isEmpty)
            #expect(fence.usedPIDFileDescriptors)
            #expect(report.promoted == "db2" && report.fenced == "db1")

            // The in-flight transaction can never commit: its backend is gone. (A dead idle
            // connection may go unnoticed by the client library; "never succeeds" is the point.)
            let commit = await BoundedOutcome.of(within: 5) { try await held.execute("COMMIT") }
            print("4a: COMMIT on the held session after the failover: \(commit)")
            #expect(commit != .succeeded)
            #expect(fence.killed.contains(heldBackend), "the backend holding the transaction was killed")
            #expect(kill(heldBackend, 0) != 0 || (try? String(contentsOfFile: "/proc/\(heldBackend)/status", encoding: .utf8)).flatMap(ProcessStatus.parse)?.isGone == true, "and is gone")
            _ = idle
            // Long enough for the INSERT to have finished had it lived: it never succeeded, so no
            // client was told "committed".
            let insert = await BoundedOutcome.of(within: 20) { _ = try await running.value }
            print("4a: the long INSERT running through the failover: \(insert)")
            #expect(insert != .succeeded)
            #expect(InstanceFence.processes(of: db1.dataDirectory).isEmpty, "no process of db1 is left")
            #expect(AtomicFile.exists(db1.dataDirectory + "/standby.signal"))
            #expect(try await Self.inRecovery(access, "db2") == "false")
            #expect(try await access.withSuperuser(on: try access.node("db2")) { try await $0.value("SELECT count(*)::text FROM marker") } == "0")

            // Started again, db1 is read-only and never saw the row committed either.
            let labNode = try #require(site.state.nodes.first { $0.name == "db1" })
            // The killed postmaster's pid may already belong to another process on a busy
            // machine, and PostgreSQL then refuses to start ("another server might be
            // running"); with no process of the data directory left, the file is stale.
            if InstanceFence.processes(of: db1.dataDirectory).isEmpty { unlink(db1.dataDirectory + "/postmaster.pid") }
            try await site.control(labNode).start(logFile: site.directory + "/db1/after-fence.log")
            #expect(try await Self.inRecovery(access, "db1") == "true")
            #expect(try await access.withSuperuser(on: db1) { try await $0.value("SELECT count(*)::text FROM marker") } == "0", "neither row committed on db1 either")
        }
    }

    // MARK: 4b

    @Test(arguments: ["another cluster", "missing"])
    func wrongDataDirectoryOfAStoppedPrimaryIsRefusedAndChangesNothing(_ wrong: String) async throws {
        try await Self.withStreamingLab { site, access in
            let binaries = PostgresBinaries(directory: site.state.binDirectory)
            let other = site.directory + "/other/data"
            if wrong == "another cluster" {
                try Directories.create(site.directory + "/other")
                if OSAccount.isRoot { try OSAccount.changeOwner(site.directory + "/other", to: site.state.osUser) }
                try await PostgresServerControl(binaries: binaries, dataDirectory: other, osUser: site.state.osUser)
                    .initialize(superuser: "postgres", password: Secret("unused-\(UInt32.random(in: 0...UInt32.max))"), durable: false)
            }
            let original = try AtomicFile.readText(site.inventoryPath)
            try #require(original.contains("    data_dir: db1/data"))
            try AtomicFile.write(Array(original.replacingOccurrences(of: "    data_dir: db1/data", with: "    data_dir: \(other)").utf8), to: site.inventoryPath)
            let before = try AtomicFile.read(site.inventoryPath)
            let otherFiles = wrong == "missing" ? [] : try FileManager.default.contentsOfDirectory(atPath: other).sorted()

            let postmaster = try Self.postmaster(site, "db1")
            kill(postmaster, SIGSTOP)
            let result = try await Self.pgwarden(["failover", "--to", "db2", "--yes", "--inventory", site.inventoryPath])
            kill(postmaster, SIGCONT)
            #expect(result.status == 2, "\(result.standardOutput)\n\(result.standardError)")
            #expect(result.standardError.contains("db1's state cannot be established"), "\(result.standardError)")
            #expect(result.standardError.contains(wrong == "missing" ? "does not exist" : "belongs to database system"), "\(result.standardError)")
            #expect(result.standardError.contains("--unfenced db1"))
            #expect(try AtomicFile.read(site.inventoryPath) == before, "inventory bytes unchanged")
            if wrong != "missing" {
                #expect(try FileManager.default.contentsOfDirectory(atPath: other).sorted() == otherFiles, "no standby.signal in the wrong cluster")
            }

            // Exactly one writable node after SIGCONT: db1 (never fenced), db2 still a standby.
            try AtomicFile.write(Array(original.utf8), to: site.inventoryPath)
            let access = try site.access()
            try await waitFor { (try? await Self.inRecovery(access, "db1")) == "false" }
            try await access.withSuperuser(on: try access.node("db1")) { try await $0.execute("INSERT INTO marker VALUES ('after')") }
            #expect(try await Self.inRecovery(access, "db2") == "true")
            let refused = await #expect(throws: PostgresError.self) {
                try await access.withSuperuser(on: try access.node("db2")) { try await $0.execute("INSERT INTO marker VALUES ('split')") }
            }
            #expect(refused?.sqlState == "25006")
        }
    }

    /// On a terminal (here a pseudo-terminal from `script`), failover and switchover show
    /// what they will do and act only on "y".
    @Test func onATerminalTheyAskAndANoChangesNothing() async throws {
        try #require(AtomicFile.exists("/usr/bin/script"), "util-linux script gives the command a terminal")
        try await Self.withStreamingLab { site, access in
            let before = try AtomicFile.read(site.inventoryPath)
            for command in ["failover --to db2 --accept-lag", "switchover --to db2"] {
                let line = "\(Self.binary) \(command) --inventory \(site.inventoryPath)"
                let result = try await ProcessRunner().run("/usr/bin/script", ["-qec", line, "/dev/null"], standardInput: Array("n\n".utf8),
                                                           environment: ["PATH": "/usr/bin:/bin", "TERM": "dumb"], timeoutSeconds: 60)
                #expect(result.status == 1, "\(command): \(result.standardOutput)")
                #expect(result.standardOutput.contains("will:"), "\(result.standardOutput)")
                #expect(result.standardOutput.contains("[y/N]"))
                #expect(result.standardOutput.contains("Nothing was changed."))
                if command.hasPrefix("failover") {
                    #expect(result.standardOutput.contains("fence db1: write standby.signal, then stop and kill every process"))
                    #expect(result.standardOutput.contains("promote db2 ("))
                    #expect(result.standardOutput.contains("repoint \(access.inventory.services.count) service config file(s) to db2"))
                } else {
                    #expect(result.standardOutput.contains("stop db1 cleanly"))
                }
            }
            #expect(try AtomicFile.read(site.inventoryPath) == before)
            #expect(try await Self.inRecovery(access, "db1") == "false")
            #expect(try await Self.inRecovery(access, "db2") == "true")
            #expect(!AtomicFile.exists(try access.node("db1").dataDirectory + "/standby.signal"))
        }
    }

    @Test func removedForceFlagErrorsWithAHint() async throws {
        let result = try await Self.pgwarden(["failover", "--force", "--inventory", "/nonexistent/warden.yaml"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--accept-lag") && result.standardError.contains("--unfenced NODE"), "\(result.standardError)")
    }

    // MARK: --unfenced and fence_command

    @Test func unfencedNodeProceedsAndSaysTheRisk() async throws {
        try await Self.withStreamingLab { site, access in
            let original = try AtomicFile.readText(site.inventoryPath)
            try AtomicFile.write(Array(original.replacingOccurrences(of: "    data_dir: db1/data", with: "    data_dir: /nonexistent/db1").utf8), to: site.inventoryPath)
            // db1 is really gone (stopped cleanly), but pgwarden cannot prove it from here.
            let labNode = try #require(site.state.nodes.first { $0.name == "db1" })
            try await site.control(labNode).stop(mode: "fast")
            let refused = try await Self.pgwarden(["failover", "--yes", "--inventory", site.inventoryPath])
            #expect(refused.status == 2, "\(refused.standardError)")
            let result = try await Self.pgwarden(["failover", "--yes", "--unfenced", "db1", "--inventory", site.inventoryPath])
            #expect(result.status == 0, "\(result.standardOutput)\n\(result.standardError)")
            #expect(result.standardError.contains("warning: --unfenced db1: db1 was NOT fenced"), "\(result.standardError)")
            #expect(result.standardOutput.contains("risk taken: --unfenced db1"), "\(result.standardOutput)")
            #expect(result.standardOutput.contains("note: db1 is marked fenced in warden.yaml but was NOT fenced"))
            let inventory = try site.inventory()
            #expect(inventory.databaseNode(named: "db1")?.role == .fenced)
            #expect(inventory.primary?.name == "db2")
            #expect(try await Self.inRecovery(try site.access(), "db2") == "false")
            // A plain undo never points the services back at the node that was failed away from.
            let repointed = try inventory.services.map { try AtomicFile.read($0.file) }
            let undo = try await Self.pgwarden(["undo", "--inventory", site.inventoryPath])
            #expect(undo.status == 2, "\(undo.standardOutput)\n\(undo.standardError)")
            #expect(undo.standardError.contains("repointed services during a failover"), "\(undo.standardError)")
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == repointed)
        }
    }

    @Test func fenceCommandThatStopsTheNodeCountsAsAFence() async throws {
        try await Self.withStreamingLab { site, access in
            // A "power-off" for db1: stops it with pg_ctl, as a BMC would cut its power.
            let labNode = try #require(site.state.nodes.first { $0.name == "db1" })
            let script = site.directory + "/power-off-db1.sh"
            let stop = OSAccount.isRoot ? "runuser -u \(site.state.osUser) -- " : ""
            try AtomicFile.write(Array("#!/bin/sh\nPATH=/usr/sbin:/sbin:/usr/bin:/bin\necho powering off db1 >&2\n\(stop)\(site.state.binDirectory)/pg_ctl -D \(labNode.dataDirectory) -m immediate -w stop >/dev/null\n".utf8), to: script, mode: 0o755)
            let original = try AtomicFile.readText(site.inventoryPath)
            // db1's directory is "elsewhere" (not provable here): only the command can fence it.
            try AtomicFile.write(Array(original.replacingOccurrences(of: "    data_dir: db1/data", with: "    data_dir: /nonexistent/db1\n    fence_command: {argv: [\(script)], timeout: 20}").utf8), to: site.inventoryPath)
            var coordinator = FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath)
            coordinator.fenceCommandQuietSeconds = 1
            let report = try await coordinator.failover(to: "db2", acceptLag: true)  // db1 answered: a few bytes of idle WAL may count
            #expect(report.fenceAction.hasPrefix("fence_command exited 0 and 127.0.0.1:\(labNode.port) stayed silent"), "\(report.fenceAction)")
            #expect(report.risks.allSatisfy { $0.hasPrefix("--accept-lag") }, "\(report.risks)")
            #expect(site.control(labNode).isRunning == false)
            #expect(try await Self.inRecovery(try site.access(), "db2") == "false")
            _ = access
        }
    }

    @Test func fenceCommandThatLeavesTheNodeAnsweringIsNoFence() async throws {
        try await Self.withStreamingLab { site, access in
            let original = try AtomicFile.readText(site.inventoryPath)
            try AtomicFile.write(Array(original.replacingOccurrences(of: "    data_dir: db1/data", with: "    data_dir: /nonexistent/db1\n    fence_command: [/bin/true]").utf8), to: site.inventoryPath)
            let before = try AtomicFile.read(site.inventoryPath)
            var coordinator = FailoverCoordinator(access: try site.access(), inventoryPath: site.inventoryPath)
            coordinator.fenceCommandQuietSeconds = 0.5
            let error = await #expect(throws: HostError.self) { _ = try await coordinator.failover(to: "db2", acceptLag: true) }
            #expect(error?.kind == .notRolledBack, "the command ran: exit 4, not 'nothing changed'")
            #expect(error?.message.contains("still answers") == true, "\(String(describing: error))")
            #expect(error?.message.contains("nothing was promoted") == true)
            #expect(try AtomicFile.read(site.inventoryPath) == before)
            #expect(try await Self.inRecovery(access, "db2") == "true")
            #expect(try await Self.inRecovery(access, "db1") == "false")
        }
    }
}
