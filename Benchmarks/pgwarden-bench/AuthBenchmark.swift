import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - SCRAM verifiers per second, and a 1,000-role migration

/// Issue 5's targets: SCRAM-SHA-256 verifiers per second at least 0.8× Python's
/// `hashlib.pbkdf2_hmac('sha256', …, 4096)` (OpenSSL) measured in the same run; and
/// `apply --only auth` on a lab with 1,000 login roles whose passwords are known, under 10 s.
enum AuthBenchmark {
    static let verifierCount = 300
    static let roleCount = 1000

    static func run() async throws {
        try await verifiersPerSecond()
        try await migration()
    }

    // MARK: Verifiers per second

    /// Ours (a whole verifier: SASLprep, fresh salt, PBKDF2, two HMACs, a SHA-256) and
    /// Python's PBKDF2 alone, alternated three times so both meet the same machine load;
    /// the medians are compared.
    static func verifiersPerSecond() async throws {
        var ours: [Double] = []
        var python: [Double] = []
        for _ in 0..<3 {
            let password = Secret("bench-password-\(UInt32.random(in: 0...UInt32.max))")
            let (_, ms) = try await BenchmarkClock.measure {
                for _ in 0..<verifierCount { _ = try SCRAMVerifier.make(password: password) }
            }
            ours.append(Double(verifierCount) / (ms / 1000))
            guard let rate = try await pythonPBKDF2PerSecond(verifierCount) else {
                print("auth: python3 not found; ours alone: \(String(format: "%.0f", ours.last ?? 0)) verifiers/s")
                return
            }
            python.append(rate)
        }
        let oursMedian = ours.sorted()[1]
        let pythonMedian = python.sorted()[1]
        print(String(format: "auth: SCRAM-SHA-256 verifiers (4096 iterations): pgwarden %.0f/s, Python hashlib.pbkdf2_hmac %.0f/s → %.2f× (target ≥ 0.8×)",
                     oursMedian, pythonMedian, oursMedian / pythonMedian))
    }

    /// Python's PBKDF2-HMAC-SHA-256 calls per second (16-byte random salts); the program goes
    /// in on stdin, the count as the only argument.
    static func pythonPBKDF2PerSecond(_ count: Int) async throws -> Double? {
        let program = """
            import hashlib, os, sys, time
            n = int(sys.argv[1])
            password = b"bench-password-python"
            start = time.perf_counter()
            for _ in range(n):
                hashlib.pbkdf2_hmac("sha256", password, os.urandom(16), 4096)
            print(n / (time.perf_counter() - start))
            """
        let result = try await ProcessRunner().run("/usr/bin/env", ["python3", "-", String(count)], standardInput: Array(program.utf8))
        guard result.succeeded else { return nil }
        return Double(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: A 1,000-role migration

    static func migration() async throws {
        let parent = NSTemporaryDirectory() + "pgwarden-bench-auth-\(UInt32.random(in: 0...UInt32.max))"
        try Directories.create(parent, mode: 0o755)
        defer { try? Directories.remove(parent) }
        let site = try await LabSite.up(directory: parent + "/lab")
        do {
            try await addRoles(to: site)
            let access = SiteAccess(inventory: try site.inventory())
            let (plan, planMs) = try await BenchmarkClock.measure { try await SitePlanner.plan(access, only: [.auth]) }
            let timed = TimedPerformer(inner: SiteStepPerformer(access: access))
            let executor = PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: timed)
            let (outcome, applyMs) = try await BenchmarkClock.measure { try await executor.run(plan) }
            guard case .completed(let steps) = outcome else {
                print("auth: migration FAILED: \(outcome)")
                try await site.down()
                return
            }
            print("auth: migration of a lab with \(roleCount) login roles whose passwords are known (+ the lab's 2 and its service logins): \(steps) steps")
            print("  plan (pg_authid, \(roleCount + 2) secrets and the service configs matched): \(BenchmarkClock.format(planMs))")
            for line in await timed.lines() { print("  \(line)") }
            print("  apply + verify, total: \(BenchmarkClock.format(applyMs)); plan + apply + verify: \(BenchmarkClock.format(planMs + applyMs)) (target < 10000 ms)")
            let (rerun, rerunMs) = try await BenchmarkClock.measure { try await SitePlanner.plan(access, only: [.auth]) }
            print("  re-plan after apply: \(rerun.steps.count) steps in \(BenchmarkClock.format(rerunMs))")
        } catch {
            try? await site.down()
            throw error
        }
        try await site.down()
    }

    /// `roleCount` login roles with md5 verifiers (computed here), each password in an
    /// owner-only file the inventory refers to.
    static func addRoles(to site: LabSite) async throws {
        let access = SiteAccess(inventory: try site.inventory())
        guard let primary = access.inventory.primary else { return }
        var lines: [String] = []
        var statements: [String] = []
        let generator = try PasswordGenerator(length: 24)
        for index in 0..<roleCount {
            let role = "app\(index)"
            let password = generator.generate()
            let path = site.directory + "/secrets/\(role).password"
            try AtomicFile.create(Array((password.revealed + "\n").utf8), at: path, mode: 0o600)
            lines.append("  \(role): file:secrets/\(role).password")
            statements.append("CREATE ROLE \(role) LOGIN PASSWORD \(try SQLQuote.literal(MD5Verifier(password: password, role: role).text))")
        }
        try await access.withSuperuser(on: primary) { session in
            for statement in statements { try await session.execute(statement) }
        }
        let text = try AtomicFile.readText(site.inventoryPath)
        let edited = text.replacingOccurrences(of: "secrets:\n", with: "secrets:\n" + lines.joined(separator: "\n") + "\n")
        try AtomicFile.write(Array(edited.utf8), to: site.inventoryPath)
    }
}

/// The site's performer, timing each step's apply and verify.
actor StepTimings {
    private var entries: [String] = []
    func add(_ line: String) { entries.append(line) }
    func all() -> [String] { entries }
}

struct TimedPerformer: StepPerformer {
    let inner: SiteStepPerformer
    let timings = StepTimings()

    func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        let started = ContinuousClock.now
        var prepared = try await inner.prepare(step)
        let act = prepared.act
        prepared.act = { [timings] in
            try await act()
            await timings.add("\(step.id): apply \(BenchmarkClock.format(BenchmarkClock.milliseconds(since: started)))")
        }
        return prepared
    }

    func verify(_ step: PlannedStep) async throws {
        let (_, ms) = try await BenchmarkClock.measure { try await inner.verify(step) }
        await timings.add("\(step.id): verify \(BenchmarkClock.format(ms))")
    }

    func undo(_ step: PlannedStep, record: UndoRecord) async throws { try await inner.undo(step, record: record) }

    func lines() async -> [String] { await timings.all() }
}
