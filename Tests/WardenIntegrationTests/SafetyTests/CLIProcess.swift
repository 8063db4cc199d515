import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab

// MARK: - The built CLI with fault switches

/// Runs `.build/debug/pgwarden` with the test-only fault switches of ``FaultPoint``.
enum CLIProcess {
    static var binary: String { ConnstrCLITests.binary }

    /// Runs pgwarden; `fault` is a `PGWARDEN_FAULT` value, `trace` a file that collects
    /// every fault point the run reaches.
    static func run(_ arguments: [String], fault: String? = nil, trace: String? = nil, stdin: String? = nil) async throws -> ProcessRunner.Result {
        try #require(AtomicFile.exists(binary), "build pgwarden first (swift build --build-tests)")
        var environment = ["PATH": "/usr/bin:/bin"]
        environment["PGWARDEN_FAULT"] = fault
        environment["PGWARDEN_FAULT_TRACE"] = trace
        return try await ProcessRunner().run(binary, arguments, standardInput: stdin.map { Array($0.utf8) }, environment: environment)
    }

    /// The fault points a run reached, in order (`NAME#N`).
    static func points(in trace: String) throws -> [String] {
        guard AtomicFile.exists(trace) else { return [] }
        return try AtomicFile.readText(trace).split(separator: "\n").map(String.init)
    }

    /// The points worth crashing at: every point of the first two steps and of the last
    /// (the code between steps is the same for every step), and every run-level point.
    static func sweepPoints(_ points: [String]) -> [String] {
        var last: [String: Int] = [:]
        for point in points {
            let (name, count) = split(point)
            last[name] = max(last[name] ?? 0, count)
        }
        return points.filter { point in
            let (name, count) = split(point)
            return count <= 2 || count == last[name]
        }
    }

    static func split(_ point: String) -> (String, Int) {
        guard let hash = point.lastIndex(of: "#"), let count = Int(point[point.index(after: hash)...]) else { return (point, 1) }
        return (String(point[..<hash]), count)
    }
}
