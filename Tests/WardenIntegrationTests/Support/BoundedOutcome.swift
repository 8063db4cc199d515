import Foundation

// MARK: - Did a call succeed, fail, or not finish in time?

/// How a call on a connection whose server was killed ended. A client library may notice a
/// dead idle connection only late (PostgresNIO can wait on it); for a fence what matters is
/// that the call never *succeeds*, so a bounded wait turns "hangs" into an answer instead of
/// a hung test run.
enum BoundedOutcome: Equatable {
    case succeeded, failed, timedOut

    /// Runs `body` in a task of its own and answers after at most `seconds`; a call that
    /// hangs is left behind (it cannot succeed any more once reported).
    static func of(within seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async -> BoundedOutcome {
        let answer = Answer()
        return await withCheckedContinuation { continuation in
            Task {
                do {
                    try await body()
                    answer.give(.succeeded, to: continuation)
                } catch {
                    answer.give(.failed, to: continuation)
                }
            }
            Task {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                answer.give(.timedOut, to: continuation)
            }
        }
    }

    /// The first answer wins; later ones are dropped.
    private final class Answer: @unchecked Sendable {
        private let lock = NSLock()
        private var given = false
        func give(_ outcome: BoundedOutcome, to continuation: CheckedContinuation<BoundedOutcome, Never>) {
            lock.lock()
            defer { lock.unlock() }
            guard !given else { return }
            given = true
            continuation.resume(returning: outcome)
        }
    }
}
