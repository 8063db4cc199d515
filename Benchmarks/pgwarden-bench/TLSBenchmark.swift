import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - `apply --only tls` end to end on a lab

/// Issue 6's target: `apply --only tls` on a lab end to end — settings, pg_hba.conf,
/// reloads, verification and the wire proof — under 3 s, key generation excluded.
///
/// The lab gets a CA and server certificate from the openssl CLI (timed apart), its
/// consumers point at `localhost`, and then the no-lockout order runs: `apply --only tls`
/// (settings + proof), consumers require TLS (not timed: that is `services apply`), and
/// `apply --only tls` again (consumer logins + hostssl-only + proof). Each step's apply and
/// verification is timed through a wrapping performer and printed by phase.
enum TLSBenchmark {
    static func run() async throws {
        let parent = NSTemporaryDirectory() + "pgwarden-bench-tls-\(UInt32.random(in: 0...UInt32.max))"
        try Directories.create(parent, mode: 0o755)
        defer { try? Directories.remove(parent) }
        let site = try await LabSite.up(directory: parent + "/lab")
        do {
            try await measure(site)
            try await site.down()
        } catch {
            try? await site.down()
            throw error
        }
    }

    static func measure(_ site: LabSite) async throws {
        var access = SiteAccess(inventory: try site.inventory())
        guard let primary = access.inventory.primary else { throw LabError("the lab has no primary") }
        let (certificates, keyMs) = try await BenchmarkClock.measure {
            try await LabCertificates.make(in: site.directory + "/pki", hostNames: ["localhost"])
        }
        try certificates.install(into: primary.dataDirectory)
        try await change(access) { $0.hosts = [ConnectionHostList.Host(name: "localhost", port: primary.port)] }
        print("tls: lab with \(access.inventory.services.count) service files; CA + server key and certificate (openssl CLI): \(BenchmarkClock.format(keyMs)) (excluded)")

        let first = try await apply(access, label: "apply --only tls (TLS offered; hostssl-only waits)")
        try await change(access) { $0.requireSSL = true; $0.tlsMinimum = .tls1_2 }
        access = SiteAccess(inventory: try site.inventory())
        let second = try await apply(access, label: "apply --only tls (hostssl-only + wire proof)")

        let probe = WireProbe(host: primary.host, port: primary.port)
        let (scan, scanMs) = try await BenchmarkClock.measure { try await probe.scanTLS() }
        print("  wire scan alone: \(scan.helloCount) ClientHellos in \(BenchmarkClock.format(scanMs)); accepted \(scan.acceptedVersions.map(\.name).joined(separator: ", ")); "
              + "TLSv1.2 suites \(scan.result(for: .tls12)?.suites.map(\.openSSLName).joined(separator: ", ") ?? "none")")
        print("  total, both applies: \(BenchmarkClock.format(first + second))  (target < 3000 ms, key generation excluded)")
    }

    /// Plans and applies the TLS scope once, printing the plan time and each step by phase.
    static func apply(_ access: SiteAccess, label: String) async throws -> Double {
        let timer = StepTimer(inner: SiteStepPerformer(access: access))
        let (plan, planMs) = try await BenchmarkClock.measure { try await SitePlanner.plan(access, only: [.tls]) }
        let (outcome, applyMs) = try await BenchmarkClock.measure {
            try await PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: timer).run(plan)
        }
        guard case .completed(let count) = outcome else { throw LabError("\(label) did not complete: \(outcome)") }
        print("  \(label): \(count) steps")
        print("    plan (settings, pg_hba.conf, certificate, consumer configs\(plan.steps.contains { if case .editHBAFile = $0.action { true } else { false } } ? ", consumer logins" : "")): \(BenchmarkClock.format(planMs))")
        for (phase, ms) in await timer.phases() { print("    \(phase): \(BenchmarkClock.format(ms))") }
        print("    apply total: \(BenchmarkClock.format(applyMs)); end to end \(BenchmarkClock.format(planMs + applyMs))")
        return planMs + applyMs
    }

    static func change(_ access: SiteAccess, _ edit: (inout ServiceChangeRequest) -> Void) async throws {
        var request = ServiceChangeRequest()
        edit(&request)
        let plan = try ServiceFleet.plan(access.inventory, request: request)
        guard case .completed = try await PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory),
                                                       performer: SiteStepPerformer(access: access)).run(plan) else {
            throw LabError("services change did not complete")
        }
    }

    // MARK: Timing each step

    /// Times apply and verify of every step, summed by phase.
    actor StepTimer: StepPerformer {
        let inner: SiteStepPerformer
        private var timings: [(phase: String, steps: Int, apply: Double, verify: Double)] = []

        init(inner: SiteStepPerformer) { self.inner = inner }

        nonisolated func prepare(_ step: PlannedStep) async throws -> PreparedStep {
            let started = ContinuousClock.now
            var prepared = try await inner.prepare(step)
            let act = prepared.act
            prepared.act = { [self] in
                try await act()
                await add(Self.phase(step), apply: BenchmarkClock.milliseconds(since: started))
            }
            return prepared
        }

        nonisolated func verify(_ step: PlannedStep) async throws {
            let (_, ms) = try await BenchmarkClock.measure { try await inner.verify(step) }
            await add(Self.phase(step), verify: ms)
        }

        nonisolated func undo(_ step: PlannedStep, record: UndoRecord) async throws {
            try await inner.undo(step, record: record)
        }

        private func add(_ phase: String, apply: Double = 0, verify: Double = 0) {
            guard let index = timings.firstIndex(where: { $0.phase == phase }) else {
                timings.append((phase, 1, apply, verify))
                return
            }
            if apply > 0 { timings[index].steps += 1 }
            timings[index].apply += apply
            timings[index].verify += verify
        }

        /// One line per phase: total, steps, and the verification's share where it has one.
        func phases() -> [(String, Double)] {
            timings.map { timing in
                let verify = timing.verify >= 0.05 ? ", verify \(BenchmarkClock.format(timing.verify))" : ""
                return ("\(timing.phase) [\(timing.steps) step\(timing.steps == 1 ? "" : "s")\(verify)]", timing.apply + timing.verify)
            }
        }

        static func phase(_ step: PlannedStep) -> String {
            switch step.action {
            case .setServerParameter: "settings: ALTER SYSTEM, reload, new-session check"
            case .editHBAFile: "pg_hba.conf: write, reload, pg_hba_file_rules check"
            case .checkConsumerLogins: "consumer logins over TLS"
            case .proveTLS: "wire proof (scan, verify-full, plaintext refused, consumer logins)"
            case .editServiceFile, .writeServiceFile: "service files"
            case .installTLSFiles: "certificate files: copy, reload, wire check"
            case .rehashPasswords, .setRolePassword, .writePasswordCopy, .removeStoredPasswords, .proveLogins: "passwords (not in the TLS scope)"
            }
        }
    }
}
