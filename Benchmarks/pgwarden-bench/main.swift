import Foundation

// MARK: - pgwarden-bench (audit branch stand-in)
//
// main has its own main.swift with a `benchmarks` table; when merging, keep main's file and
// add `("audit", AuditBenchmark.run)` to that table.

let benchmarks: [(name: String, run: () async throws -> Void)] = [
    ("audit", AuditBenchmark.run),
]

let wanted = Set(CommandLine.arguments.dropFirst())
for benchmark in benchmarks where wanted.isEmpty || wanted.contains(benchmark.name) {
    print("== \(benchmark.name)")
    do {
        try await benchmark.run()
    } catch {
        print("benchmark \(benchmark.name) failed: \(error)")
        exit(1)
    }
}
