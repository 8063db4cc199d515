import Foundation

// MARK: - pgwarden-bench: the speed targets of the issues, measured and printed
//
// Run with `make bench` (release build). Each benchmark prints its own figures; nothing
// here asserts on time — the figures go into the issue notes.

let benchmarks: [(name: String, run: () async throws -> Void)] = [
    ("foundation", FoundationBenchmark.run),
    ("services", ServicesBenchmark.run),
    ("replication", ReplicationBenchmark.run),
    ("audit", AuditBenchmark.run),
    ("certificates", CertificatesBenchmark.run),
    ("tls", TLSBenchmark.run),
    ("auth", AuthBenchmark.run),
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
