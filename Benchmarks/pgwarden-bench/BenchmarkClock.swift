import Foundation

// MARK: - Timing helpers shared by the benchmarks

enum BenchmarkClock {
    /// Runs `body` once and returns its result with the wall time in milliseconds.
    static func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try await body()
        return (result, milliseconds(since: start))
    }

    /// Milliseconds from `start` to now.
    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    /// Median of `runs` timings of `body`, in milliseconds.
    static func median(runs: Int, _ body: () async throws -> Void) async rethrows -> Double {
        var timings: [Double] = []
        for _ in 0..<runs {
            let (_, ms) = try await measure(body)
            timings.append(ms)
        }
        timings.sort()
        return timings[timings.count / 2]
    }

    static func format(_ ms: Double) -> String { String(format: "%.1f ms", ms) }
}
