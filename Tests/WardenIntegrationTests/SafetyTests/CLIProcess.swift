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

// MARK: - One sweep

extension CLIProcess {
    /// Kills `command` at each of `points` and checks what follows: every `rerunEvery`-th
    /// point first re-runs it (exit 0) and runs `replan` (which must say "No changes"), then
    /// `undo` must exit 0, `state()` must be `before` again and `check` must hold. Stops at
    /// the first point that leaves another state (every later point would fail with it).
    ///
    /// `undo` runs only when the crash left a run standing: a crash before the run began
    /// (taking the lock) leaves none, and an `undo` then would undo the test's own setup.
    /// Points inside a backup's write are left out: a backup the traced run wrote is reused
    /// by every later run (the services sweep covers those points).
    static func sweep<State: Equatable>(
        _ command: [String], inventory common: [String], stateDirectory: String, points: [String], stdin: String? = nil,
        rerunEvery: Int? = nil, replan: [String]? = nil, before: State,
        state: () async throws -> State, check: (String) async throws -> Void = { _ in }
    ) async throws {
        let journal = Journal(stateDirectory: stateDirectory)
        let baseline = UndoWork.latest(in: try journal.records())?.run
        for (index, point) in points.filter({ !$0.hasPrefix("backup.") }).enumerated() {
            let crashed = try await run(command + common, fault: point, stdin: stdin)
            #expect(crashed.status == 137, "\(point): the fault switch did not fire: \(crashed.standardError)")
            if let rerunEvery, index % rerunEvery == rerunEvery - 1 {
                let rerun = try await run(command + common, stdin: stdin)
                #expect(rerun.status == 0, "\(point): re-run after the crash: \(rerun.standardOutput) \(rerun.standardError)")
                if let replan {
                    let again = try await run(replan + common)
                    #expect(again.standardOutput.contains("No changes"), "\(point): the re-run did not converge: \(again.standardOutput)")
                }
            }
            if UndoWork.latest(in: try journal.records())?.run != baseline {
                let undo = try await run(["undo"] + common)
                #expect(undo.status == 0, "\(point): undo: \(undo.standardOutput) \(undo.standardError)")
            }
            #expect(UndoWork.latest(in: try journal.records())?.run == baseline, "\(point): undo left a run of the sweep standing")
            let after = try await state()
            #expect(after == before, "\(point): not as it was before the crashed run")
            try await check(point)
            if after != before { return }
        }
    }
}
