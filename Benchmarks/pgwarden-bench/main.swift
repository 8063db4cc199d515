// pgwarden-bench: runs the named benchmarks and prints their figures (never asserted).
// The lead reconciles this file with the other helpers' benchmarks.
import Foundation

let wanted = Set(CommandLine.arguments.dropFirst())
if wanted.isEmpty || wanted.contains("audit") {
    try await AuditBenchmark.run()
}
