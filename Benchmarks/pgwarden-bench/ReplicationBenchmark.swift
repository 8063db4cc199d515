import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Failover and switchover: time to a writable primary, to every service repointed, and loss

/// Issue 7's targets on loopback: writable in under 2 s and 20 services repointed and verified
/// in under 3 s after a node loss; switchover under 1.2 s to the first write, zero loss.
enum ReplicationBenchmark {
    /// Inserts rows one by one into whichever node the inventory calls primary and keeps
    /// every id the server acknowledged, and when the first write landed after `mark()`.
    actor Writer {
        private(set) var acknowledged: [Int] = []
        private var next = 1
        private var stopped = false
        private var markedAt: ContinuousClock.Instant?
        private var markedNode: String?
        private(set) var firstWriteAfterMark: Duration?
        func stop() { stopped = true }
        var isStopped: Bool { stopped }
        func take() -> Int { defer { next += 1 }; return next }
        /// From now on, time the first write acknowledged by `node` (the new primary).
        func mark(_ node: String) { markedAt = ContinuousClock.now; markedNode = node; firstWriteAfterMark = nil }
        func record(_ value: Int, on node: String, startedAt: ContinuousClock.Instant) {
            acknowledged.append(value)
            if let markedAt, startedAt >= markedAt, firstWriteAfterMark == nil, node == markedNode {
                firstWriteAfterMark = ContinuousClock.now - markedAt
            }
        }
    }

    static func run() async throws {
        let parent = NSTemporaryDirectory() + "pgwarden-bench-repl-\(UInt32.random(in: 0...UInt32.max))"
        try Directories.create(parent, mode: 0o755)
        defer { try? Directories.remove(parent) }
        let site = try await LabSite.up(directory: parent + "/lab", standby: true)
        do {
            try addServices(to: site, count: 6)
            let inventory = try site.inventory()
            print("services in the inventory: \(inventory.services.count)")
            _ = try await ReplicaProvisioner(access: SiteAccess(inventory: inventory)).add("db2")
            let admin = try await PostgresSession.connect(try SiteAccess(inventory: inventory).target(node: try SiteAccess(inventory: inventory).node("db1")))
            try await admin.execute("CREATE TABLE ledger(id int PRIMARY KEY)")
            await admin.close()

            let writer = Writer()
            let target = UnsafeTarget()
            let writing = Task { await write(writer, inventoryPath: site.inventoryPath, target: target) }
            try await Task.sleep(for: .milliseconds(500))

            // Node loss: kill -9 the primary, then fail over.
            let control = PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: site.state.nodes[0].dataDirectory, osUser: site.state.osUser)
            if let pid = control.postmasterPID() { kill(pid, SIGKILL) }
            await target.set("db2")
            await writer.mark("db2")
            let (report, failoverMs) = try await BenchmarkClock.measure {
                try await FailoverCoordinator(access: SiteAccess(inventory: try site.inventory()), inventoryPath: site.inventoryPath).failover(to: nil)
            }
            let phases = Dictionary(uniqueKeysWithValues: report.phases.map { ($0.name, $0.milliseconds) })
            let writable = ["observe", "fence", "promote"].compactMap { phases[$0] }.reduce(0, +)
            print(String(format: "failover after kill -9: writable new primary %.0f ms; %d service files repointed (the others hold no database host) and %d/%d consumer logins verified at %.0f ms (target < 2000 / < 3000)",
                         writable, report.servicesRepointed, report.consumerLogins.filter(\.ok).count, report.consumerLogins.count, failoverMs))
            try await Task.sleep(for: .milliseconds(500))
            if let first = await writer.firstWriteAfterMark { print("  writer's first acknowledged write on db2 after the kill: \(BenchmarkClock.format(Double(first.components.seconds) * 1000 + Double(first.components.attoseconds) / 1e15))") }

            _ = try await ReplicaProvisioner(access: SiteAccess(inventory: try site.inventory())).rejoin("db1", inventoryPath: site.inventoryPath)
            try await Task.sleep(for: .milliseconds(500))

            // Planned switchover back to db1 with the writer running.
            await target.set("db1")
            await writer.mark("db1")
            let (switchReport, switchMs) = try await BenchmarkClock.measure {
                try await FailoverCoordinator(access: SiteAccess(inventory: try site.inventory()), inventoryPath: site.inventoryPath).switchover(to: "db1")
            }
            let switchPhases = Dictionary(uniqueKeysWithValues: switchReport.phases.map { ($0.name, $0.milliseconds) })
            let toPromoted = ["observe", "stop", "catch-up", "promote"].compactMap { switchPhases[$0] }.reduce(0, +)
            let repointed = toPromoted + ["inventory", "repoint", "verify"].compactMap { switchPhases[$0] }.reduce(0, +)
            try await Task.sleep(for: .milliseconds(500))
            let firstWrite = await writer.firstWriteAfterMark
            print(String(format: "switchover db2 -> db1: promoted at %.0f ms, services repointed and verified at %.0f ms, old primary following at %.0f ms",
                         toPromoted, repointed, switchMs))
            if let firstWrite { print("  writer's first acknowledged write on db1 after the command started: \(BenchmarkClock.format(Double(firstWrite.components.seconds) * 1000 + Double(firstWrite.components.attoseconds) / 1e15)) (target < 1200 ms)") }

            await writer.stop()
            await writing.value
            let acknowledged = await writer.acknowledged
            let access = SiteAccess(inventory: try site.inventory())
            let stored = try await PostgresSession.with(try access.target(node: try access.node("db1"))) { session in
                Set(try await session.rows("SELECT id::text FROM ledger").compactMap { $0[0].flatMap(Int.init) })
            }
            let lost = acknowledged.filter { !stored.contains($0) }
            print("writer: \(acknowledged.count) acknowledged commits across failover and switchover; lost: \(lost.count)\(lost.isEmpty ? "" : " (\(lost.prefix(10)))") — failover is asynchronous replication: loss after kill -9 is possible in principle; switchover must lose none")
        } catch {
            try? await site.down()
            throw error
        }
        try await site.down()
    }

    /// Which node the writer should use; updated by the benchmark as roles change.
    actor UnsafeTarget {
        var node: String = "db1"
        func set(_ name: String) { node = name }
    }

    private static func write(_ writer: Writer, inventoryPath: String, target: UnsafeTarget) async {
        while await !writer.isStopped {
            let value = await writer.take()
            let nodeName = await target.node
            let startedAt = ContinuousClock.now
            do {
                let access = SiteAccess(inventory: try InventoryParser.parse(try AtomicFile.readText(inventoryPath), path: inventoryPath))
                var connection = try access.target(node: try access.node(nodeName))
                connection.connectTimeout = 1
                try await PostgresSession.with(connection) { session in try await session.execute("INSERT INTO ledger VALUES (\(value))") }
                await writer.record(value, on: nodeName, startedAt: startedAt)
            } catch {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Copies `count` of the central node's configs to a third service node, listed in the inventory.
    private static func addServices(to site: LabSite, count: Int) throws {
        let inventory = try site.inventory()
        let sources = inventory.services.filter { $0.node == "central" && $0.profile.format == .json }.prefix(count)
        var text = try AtomicFile.readText(site.inventoryPath)
        var lines: [String] = []
        for (index, service) in sources.enumerated() {
            let relative = "nodes/rim2/\(index)/appsettings.json"
            try Directories.create(site.directory + "/nodes/rim2/\(index)")
            try AtomicFile.write(try AtomicFile.read(service.file), to: site.directory + "/" + relative)
            lines += ["  - name: rim2/\(service.profile.name)-\(index)", "    node: rim2", "    profile: \(service.profile.name)", "    file: \(relative)"]
        }
        text = text.replacingOccurrences(of: "service_nodes:\n", with: "service_nodes:\n  - name: rim2\n    address: 127.0.0.3\n")
        text = text.replacingOccurrences(of: "services:\n", with: "services:\n" + lines.joined(separator: "\n") + "\n")
        try AtomicFile.write(Array(text.utf8), to: site.inventoryPath)
    }
}
