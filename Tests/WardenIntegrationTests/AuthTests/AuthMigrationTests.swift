import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - `pgwarden apply --only auth` on real labs

@Suite("MD5 → SCRAM migration on a lab", .serialized)
struct AuthMigrationTests {
    static let legacyPassword = Secret("legacy-password-nobody-wrote-down")

    /// The issue's (a)–(d) on one lab, through the CLI: every consumer logs in afterwards; an
    /// md5 role whose password pgwarden does not know keeps its access; the migrated lines
    /// refuse md5 verifiers; with log_statement=all no plaintext password, nor any verifier,
    /// reaches the server log (nor the plan, the journal or pgwarden's output). Then a re-plan is empty and
    /// `pgwarden undo` (a new process: nothing in memory) puts every verifier, byte for byte,
    /// and every file back.
    @Test func migratesEndToEndAndUndoes() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            try await admin.logEveryStatement()
            try await admin.createMD5Role("legacy", password: Self.legacyPassword)
            let secrets = [try admin.password(LabSite.superuser), try admin.password(LabSite.repositoryRole), Self.legacyPassword]
            let verifiersBefore = try await admin.verifiers()
            let hbaBefore = try AtomicFile.read(admin.hbaPath)
            let filesBefore = try serviceAndSecretFiles(site)

            let plan = try await ConnstrCLITests.run(["plan", "--only", "auth", "--format", "json"] + common)
            #expect(plan.status == 0, "\(plan.standardError)")
            let decoded = try JSONDecoder().decode(Plan.self, from: Data(plan.standardOutput.utf8))
            #expect(decoded.steps.map(\.id) == ["db1/setting/password_encryption", "db1/verifiers/rehash", "db1/hba/auth",
                                                "central/stored-passwords/\(admin.pgpassPath)", "db1/proof/auth"])
            #expect(decoded.notes.contains { $0.contains("role legacy") && $0.contains("Fix: pgwarden password set legacy") })

            let apply = try await ConnstrCLITests.run(["apply", "--only", "auth"] + common)
            #expect(apply.status == 0, "\(apply.standardOutput)\n\(apply.standardError)")

            // (a) every consumer logs in with its own config.
            let logins = await ConsumerLoginCheck.run(services: try site.inventory().services, keyFile: nil)
            #expect(logins.count > 10)
            #expect(logins.allSatisfy { $0.ok }, "\(logins.filter { !$0.ok })")
            let after = try await admin.verifiers()
            for role in [LabSite.superuser, LabSite.repositoryRole] {
                #expect((after[role] ?? nil)?.hasPrefix("SCRAM-SHA-256$4096:") == true, "\(role) is SCRAM now")
            }
            // (b) the role nobody knows the password of keeps md5, and its access.
            #expect(after["legacy"] == verifiersBefore["legacy"])
            #expect(await admin.login("legacy", Self.legacyPassword) == nil)
            let hba = try HBAFile(bytes: try AtomicFile.read(admin.hbaPath))
            #expect(hba.rules.map(\.rule.method) == [.md5, .scramSHA256])
            // (c) a role with an md5 verifier is refused on the migrated line.
            try await admin.createMD5Role("late", password: Secret("late-password-1234"))
            #expect(await admin.login("late", Secret("late-password-1234"))?.kind == .badPassword)
            #expect(await admin.login(LabSite.repositoryRole, try admin.password(LabSite.repositoryRole), database: "QSR") == nil)
            // The stored password is gone, with a backup.
            #expect(PGPassFile(bytes: try AtomicFile.read(admin.pgpassPath)).entries.isEmpty)

            // A re-run converges.
            let again = try await ConnstrCLITests.run(["plan", "--only", "auth"] + common)
            #expect(again.standardOutput.contains("No changes"), "\(again.standardOutput)")

            // (d) no plaintext password in the server log, plan, journal or output.
            let journal = try AtomicFile.readText(site.directory + "/state/journal.jsonl")
            for text in [admin.serverLog, plan.standardOutput, plan.standardError, apply.standardOutput, apply.standardError, journal] {
                for secret in secrets { #expect(!text.contains(secret.revealed)) }
            }
            #expect(admin.serverLog.contains("LOG:  execute <unnamed>: "), "log_statement=all is in force")
            #expect(!admin.serverLog.contains("PASSWORD '"), "…yet no verifier reached the log (VerifierLoggingTests)")
            for verifier in (Array(verifiersBefore.values) + Array(after.values)).compactMap({ $0 }) {
                #expect(!journal.contains(verifier), "no verifier in the journal: undo records hold kinds and sources")
            }
            #expect(!journal.contains("SCRAM-SHA-256$"))

            // Undo from a new process: verifiers rebuilt from their sources, files restored.
            let undo = try await ConnstrCLITests.run(["undo"] + common)
            #expect(undo.status == 0, "\(undo.standardError)")
            #expect(try await admin.verifiers().filter { $0.key != "late" } == verifiersBefore, "md5 verifiers come back byte for byte")
            #expect(try AtomicFile.read(admin.hbaPath) == hbaBefore)
            #expect(try serviceAndSecretFiles(site) == filesBefore)
            let encryption = try await admin.rows("SHOW password_encryption")
            #expect(encryption.first?.first == "md5")
        }
    }

    /// A wrong superuser password: a clear error before anything is planned; the pg_hba.conf
    /// bytes and pg_authid are as they were. Then the server stops in the middle of a
    /// migration (after the verifiers were re-hashed): the rollback cannot reach it, and
    /// after a restart a re-run converges and every consumer logs in.
    @Test func wrongPasswordThenServerStopsMidway() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let verifiersBefore = try await admin.verifiers()
            let hbaBefore = try AtomicFile.read(admin.hbaPath)
            let secretFile = site.directory + "/secrets/\(LabSite.superuser).password"
            let rightPassword = try AtomicFile.read(secretFile)
            try AtomicFile.write(Array("not-the-password\n".utf8), to: secretFile, mode: 0o600)
            let refused = try await ConnstrCLITests.run(["apply", "--only", "auth", "--inventory", site.inventoryPath])
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("error: password authentication failed for postgres"), "\(refused.standardError)")
            #expect(refused.standardError.contains("hint:"))
            try AtomicFile.write(rightPassword, to: secretFile, mode: 0o600)
            #expect(try AtomicFile.read(admin.hbaPath) == hbaBefore)
            #expect(try await admin.verifiers() == verifiersBefore)

            // The server stops right after the re-hash step acted.
            let access = try site.access()
            let plan = try await SitePlanner.plan(access, only: [.auth])
            let journal = Journal(stateDirectory: access.inventory.stateDirectory)
            let stopping = StopAfter(inner: SiteStepPerformer(access: access), stepID: "db1/verifiers/rehash") { try await admin.stopServer() }
            let outcome = try await PlanExecutor(journal: journal, performer: stopping).run(plan)
            guard case .rollbackFailed(let failed, _, _) = outcome else { Issue.record("expected a failed rollback, got \(outcome)"); return }
            #expect(failed == "db1/verifiers/rehash")

            try await admin.startServer()
            let rerun = try await SitePlanner.plan(access, only: [.auth])
            #expect(!rerun.steps.contains { $0.id == "db1/verifiers/rehash" }, "the committed re-hash is not planned again")
            guard case .completed = try await PlanExecutor(journal: journal, performer: SiteStepPerformer(access: access)).run(rerun) else {
                Issue.record("the re-run did not complete"); return
            }
            #expect(try await SitePlanner.plan(access, only: [.auth]).isEmpty)
            let logins = await ConsumerLoginCheck.run(services: access.inventory.services, keyFile: nil)
            #expect(logins.allSatisfy { $0.ok })
        }
    }

    /// Services that already require TLS from a server without it cannot log in before or
    /// after the migration: the proof says so and does not roll back. Then one `apply` of every scope (auth edits pg_hba.conf,
    /// TLS plans against the file as auth leaves it and turns it hostssl-only) completes.
    @Test func consumersWaitingForTLSDoNotBlockTheMigration() async throws {
        try await withLab { site in
            let common = ["--inventory", site.inventoryPath]
            for command in [["key", "init"], ["services", "apply", "--require-ssl", "--tls-min", "1.2"]] {
                let result = try await ConnstrCLITests.run(command + common)
                #expect(result.status == 0, "\(command): \(result.standardError)")
            }
            let auth = try await ConnstrCLITests.run(["apply", "--only", "auth"] + common)
            #expect(auth.status == 0, "\(auth.standardOutput)\n\(auth.standardError)")
            #expect(auth.standardError.contains("proves nothing from here: it requires TLS and the server offers none"))
            #expect(try await SitePlanner.plan(try site.access(), only: [.auth]).isEmpty)
            #expect(try await ConnstrCLITests.run(["undo"] + common).status == 0)

            for command in [["tls", "ca", "init"], ["tls", "issue", "server", "--node", "db1", "--ip-san", "--no-install"]] {
                let result = try await ConnstrCLITests.run(command + common)
                #expect(result.status == 0, "\(command): \(result.standardError)")
            }
            let plan = try await SitePlanner.plan(try site.access())
            let hbaSteps = plan.steps.filter { if case .editHBAFile = $0.action { true } else { false } }
            #expect(hbaSteps.map(\.id).count == 2, "auth's and TLS's pg_hba.conf edits: \(plan.steps.map(\.id))")
            let all = try await ConnstrCLITests.run(["apply"] + common)
            #expect(all.status == 0, "\(all.standardOutput)\n\(all.standardError)")
            let logins = await ConsumerLoginCheck.run(services: try site.access().inventory.services,
                                                      keyFile: .default(stateDirectory: try site.access().inventory.stateDirectory))
            #expect(!logins.isEmpty && logins.allSatisfy { $0.ok && $0.overTLS == true }, "\(logins.filter { !$0.ok })")
        }
    }

    /// The auth scope's pg_hba.conf step replays onto the file on disk (``HBAFile/after(_:node:path:)``):
    /// what a later scope (TLS) of the same plan plans against, and whose hash the auth step produces.
    @Test func handsOnTheEditedHBAFile() async throws {
        try await withLab { site in
            let plan = try await SitePlanner.plan(try site.access(), only: [.auth])
            let step = try #require(plan.steps.first { $0.id == "db1/hba/auth" })
            guard case .editHBAFile(_, let file, _, let result, _) = step.action else { Issue.record("not an hba edit"); return }
            let after = try HBAFile(bytes: try AtomicFile.read(file)).after(plan.steps, node: "db1", path: file)
            #expect(FileDigest.sha256(after.bytes) == result)
            #expect(after.rules.map(\.rule.method) == [.scramSHA256])
        }
    }
}

/// Fault injection: the real performer, with the server stopped right after one step acted.
struct StopAfter: StepPerformer {
    let inner: SiteStepPerformer
    let stepID: String
    let stop: @Sendable () async throws -> Void

    func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        var prepared = try await inner.prepare(step)
        guard step.id == stepID else { return prepared }
        let act = prepared.act
        prepared.act = { [stop] in
            try await act()
            try await stop()
        }
        return prepared
    }

    func verify(_ step: PlannedStep) async throws { try await inner.verify(step) }
    func undo(_ step: PlannedStep, record: UndoRecord) async throws { try await inner.undo(step, record: record) }
}
