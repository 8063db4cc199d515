// pgwarden-bench: runs the named benchmarks (all when none is named) and prints their figures.
let benchmarks: [(name: String, run: () async throws -> Void)] = [
    ("services", ServicesBenchmark.run),
]
let wanted = Set(CommandLine.arguments.dropFirst())
for benchmark in benchmarks where wanted.isEmpty || wanted.contains(benchmark.name) {
    try await benchmark.run()
}
