import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Foundation: lab lifecycle, the proof step, inventory parsing

enum FoundationBenchmark {
    static func run() async throws {
        let parent = NSTemporaryDirectory() + "pgwarden-bench-\(UInt32.random(in: 0...UInt32.max))"
        try Directories.create(parent, mode: 0o755)
        defer { try? Directories.remove(parent) }

        let (site, upMs) = try await BenchmarkClock.measure { try await LabSite.up(directory: parent + "/lab") }
        print("lab up (initdb, start, roles, 14 configs): \(BenchmarkClock.format(upMs))")
        do {
            let access = SiteAccess(inventory: try site.inventory())
            let planMs = try await BenchmarkClock.median(runs: 5) { _ = try await SitePlanner.plan(access, only: [.settings]) }
            print("plan (collect pg_settings, plan): median of 5 \(BenchmarkClock.format(planMs))")
            let executor = PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
            let plan = try await SitePlanner.plan(access, only: [.settings])
            let (_, applyMs) = try await BenchmarkClock.measure { _ = try await executor.run(plan) }
            print("apply proof step (ALTER SYSTEM, reload, verify in new session): \(BenchmarkClock.format(applyMs))")
            let (_, undoMs) = try await BenchmarkClock.measure { _ = try await executor.undoLatest() }
            print("undo proof step: \(BenchmarkClock.format(undoMs))")
        } catch {
            try? await site.down()
            throw error
        }
        let (_, downMs) = try await BenchmarkClock.measure { try await site.down() }
        print("lab down: \(BenchmarkClock.format(downMs))")

        let large = largeInventory(services: 1000)
        let parseMs = try await BenchmarkClock.median(runs: 5) { _ = try InventoryParser.parse(large, path: "/bench/warden.yaml") }
        print("inventory with 1,000 services: parse + validate median of 5 \(BenchmarkClock.format(parseMs))")
    }

    static func largeInventory(services: Int) -> String {
        var lines = ["site: bench", "database_nodes:", "  - {name: db1, host: 127.0.0.1, port: 4432, data_dir: db1, role: primary}", "service_nodes:"]
        for node in 0..<10 { lines.append("  - {name: node\(node), address: 127.0.0.\(node + 1)}") }
        lines.append("services:")
        let profiles = ServiceProfile.builtIn.map(\.name)
        for index in 0..<services {
            lines.append("  - {name: svc\(index), node: node\(index % 10), profile: \(profiles[index % profiles.count]), file: svc/\(index)/appsettings.json}")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
