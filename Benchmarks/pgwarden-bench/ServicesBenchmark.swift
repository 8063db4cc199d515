import Foundation
import WardenCore
import WardenHost
import WardenLab

// MARK: - Fleet change over 1,000 service files

/// Require SSL + seal every password over 1,000 service config files (the lab's shapes,
/// repeated), end to end: read and hash, parse and plan, then apply each step (journal,
/// atomic write with backup, fsync) and verify it by re-reading. Prints the time of each
/// phase; the target is under 2 s in total (release build).
enum ServicesBenchmark {
    static let fileCount = 1000

    static func run() async throws {
        let base = ProcessInfo.processInfo.environment["PGWARDEN_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = base + "/pgwarden-bench-services-\(UInt32.random(in: 0...UInt32.max))"
        try Directories.create(root, mode: 0o700)
        defer { try? Directories.remove(root) }

        let shapes = LabServiceShapes.centralNode(host: "127.0.0.1", port: 4432, user: "qliksenserepository", password: "bench-Pa55word")
        var services: [ServiceSpec] = []
        for index in 0..<fileCount {
            let shape = shapes[index % shapes.count]
            let path = "\(root)/nodes/n\(index / shapes.count)/\(shape.path)"
            try Directories.create((path as NSString).deletingLastPathComponent)
            try AtomicFile.write(Array(shape.contents.utf8), to: path)
            guard let profile = ServiceProfile.named(shape.profile) else { continue }
            services.append(ServiceSpec(name: "n\(index)/\(shape.profile)", node: "n\(index / shapes.count)", profile: profile, file: path))
        }
        let state = root + "/state"
        let keyFile = SealingKeyFile.default(stateDirectory: state)
        try keyFile.create()
        let inventory = Inventory(site: "bench", baseDirectory: root, stateDirectory: state, superuser: "postgres", replicationRole: "replicator",
                                  secrets: [:], databaseNodes: [], serviceNodes: [], services: services, storedPasswordFiles: [], policy: Policy())
        var request = ServiceChangeRequest()
        request.requireSSL = true
        request.sealPasswords = true

        let clock = ContinuousClock()
        let start = clock.now
        let plan = try ServiceFleet.plan(inventory, request: request, keyFile: keyFile)
        let planned = clock.now
        let executor = PlanExecutor(journal: Journal(stateDirectory: state), performer: ServiceFileStep(stateDirectory: state, keyFile: keyFile))
        let outcome = try await executor.run(plan)
        let applied = clock.now
        guard case .completed(let count) = outcome else {
            print("services: FAILED \(outcome)")
            return
        }
        func ms(_ duration: Duration) -> String {
            let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
            return String(format: "%.0f ms", milliseconds)
        }
        print("services: fleet change (require SSL + seal passwords) over \(services.count) files, \(count) steps applied and verified")
        print("  plan (read, hash, parse, plan):          \(ms(planned - start))")
        print("  apply (journal, seal, atomic write, verify): \(ms(applied - planned))")
        print("  total:                                    \(ms(applied - start))  (target < 2000 ms)")
    }
}
