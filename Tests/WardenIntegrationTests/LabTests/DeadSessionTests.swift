import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - A query on a session whose server process died

/// The hang behind "a continuation that never resumed": a session whose backend was killed
/// (or whose server was stopped) must fail its next query, not wait for ever.
@Suite("A session whose backend died")
struct DeadSessionTests {
    @Test(arguments: ["idle", "busy"])
    func queryOnAKilledBackendFails(_ shape: String) async throws {
        try await withLab { site in
            let access = try site.access()
            let primary = try #require(access.inventory.primary)
            let session = try await access.session(on: primary)
            let text = try await session.value("SELECT pg_backend_pid()::text")
            let pid = try #require(text.flatMap { Int32($0) })
            let started = ContinuousClock.now
            if shape == "busy" {
                Task {
                    try await Task.sleep(for: .milliseconds(300))
                    kill(pid, SIGKILL)
                }
                await #expect(throws: PostgresError.self) { try await session.execute("SELECT pg_sleep(30)") }
            } else {
                kill(pid, SIGKILL)
                try await Task.sleep(for: .milliseconds(300))
                await #expect(throws: PostgresError.self) { try await session.execute("SELECT 1") }
            }
            #expect(ContinuousClock.now - started < .seconds(20), "the query failed only after \(ContinuousClock.now - started)")
            await session.close()
        }
    }
}
