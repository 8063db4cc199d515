import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - `pgwarden password set | rotate` on real labs

@Suite("password set and rotate on a lab", .serialized)
struct PasswordCommandTests {
    /// SASLprep changes it: the no-break space becomes a space, Ⅻ (U+216B) becomes "XII".
    static let nonASCII = "Grüße\u{00A0}aus Köln Ⅻ 東京-ok"

    /// Bad passwords exit 2 with nothing changed; a non-ASCII password SASLprep changes works
    /// end to end through PostgresNIO and psql (password in a 0600 PGPASSFILE, never argv);
    /// no plaintext reaches the server log; a role services use is refused (rotate is the
    /// command); a generated password is kept sealed and shown once with --show.
    @Test func setRefusesBadInputAndHandlesNonASCII() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            try await admin.logEveryStatement()
            try await admin.createMD5Role("app", password: Secret("app-password-at-first"))
            #expect(try await ConnstrCLITests.run(["key", "init"] + common).status == 0)
            let before = try await admin.verifiers()

            for bad in ["", "app", "Short-1", "tab\tinside-the-password-x", "APP"] {
                let result = try await ConnstrCLITests.run(["password", "set", "app", "--password-stdin"] + common, stdin: bad + "\n")
                #expect(result.status == 2, "\(bad.debugDescription): \(result.standardError)")
                #expect(result.standardError.contains("error: the new password for role app"))
            }
            let noTTY = try await ConnstrCLITests.run(["password", "set", "app"] + common, stdin: "")
            #expect(noTTY.status == 2 && noTTY.standardError.contains("--password-stdin"))
            let usedByServices = try await ConnstrCLITests.run(["password", "set", LabSite.repositoryRole, "--password-stdin"] + common, stdin: "a-perfectly-fine-password\n")
            #expect(usedByServices.status == 2 && usedByServices.standardError.contains("pgwarden password rotate \(LabSite.repositoryRole)"))
            let ghost = try await ConnstrCLITests.run(["password", "set", "ghost", "--password-stdin"] + common, stdin: "a-perfectly-fine-password\n")
            #expect(ghost.status == 2)
            #expect(try await admin.verifiers() == before, "nothing changed")

            let set = try await ConnstrCLITests.run(["password", "set", "app", "--password-stdin", "--store", "app"] + common, stdin: Self.nonASCII + "\n")
            #expect(set.status == 0, "\(set.standardOutput)\n\(set.standardError)")
            let stored = try #require(try await admin.verifiers()["app"] ?? nil)
            #expect(stored.hasPrefix("SCRAM-SHA-256$4096:"))
            #expect(await admin.login("app", Secret(Self.nonASCII)) == nil, "PostgresNIO (pgwarden's session prepares the password)")
            #expect(try await Self.psql(site, role: "app", password: Self.nonASCII) == "app", "libpq applies SASLprep itself")
            let store = SecretStoreFile.default(stateDirectory: site.directory + "/state")
            #expect(try store.open("app", role: "app") == Secret(Self.nonASCII))
            for text in [admin.serverLog, set.standardOutput, set.standardError] {
                #expect(!text.contains(Self.nonASCII))
                #expect(!text.contains("aus Köln"))
            }

            let generated = try await ConnstrCLITests.run(["password", "set", "app", "--generate", "--length", "20", "--show", "--format", "json"] + common)
            #expect(generated.status == 0, "\(generated.standardError)")
            struct Report: Decodable { var outcome: String; var password: String? }
            let report = try JSONDecoder().decode(Report.self, from: Data(generated.standardOutput.utf8))
            let shown = try #require(report.password)
            #expect(shown.count == 20 && report.outcome == "completed")
            #expect(try store.open("app", role: "app") == Secret(shown), "--generate keeps it sealed as store:app")
            #expect(await admin.login("app", Secret(shown)) == nil)
            #expect(!admin.serverLog.contains(shown))
        }
    }

    /// Rotation: every consumer gets the new password sealed and logs in; the inventory's
    /// copy follows; the old password stops working. `pgwarden undo` (a new process) puts the
    /// old md5 verifier back byte for byte, rebuilt from the restored copy, and every file.
    @Test func rotateEveryConsumerAndUndo() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            let old = try admin.password(LabSite.repositoryRole)
            let verifiersBefore = try await admin.verifiers()
            let filesBefore = try serviceAndSecretFiles(site)
            let refused = try await ConnstrCLITests.run(["password", "rotate", LabSite.repositoryRole, "--generate"] + common)
            #expect(refused.status == 2 && refused.standardError.contains("pgwarden key init"), "no sealing key yet")
            #expect(try await ConnstrCLITests.run(["key", "init"] + common).status == 0)

            let rotate = try await ConnstrCLITests.run(["password", "rotate", LabSite.repositoryRole, "--generate"] + common)
            #expect(rotate.status == 0, "\(rotate.standardOutput)\n\(rotate.standardError)")
            let new = try admin.password(LabSite.repositoryRole)
            #expect(new != old)
            #expect(await admin.login(LabSite.repositoryRole, old, database: "QSR")?.kind == .badPassword)
            let inventory = try site.inventory()
            let logins = await ConsumerLoginCheck.run(services: inventory.services, keyFile: .default(stateDirectory: inventory.stateDirectory))
            #expect(!logins.isEmpty && logins.allSatisfy { $0.ok }, "\(logins.filter { !$0.ok })")
            for service in inventory.services {
                let text = try AtomicFile.readText(service.file)
                #expect(!text.contains(old.revealed) && !text.contains(new.revealed))
            }
            for text in [rotate.standardOutput, rotate.standardError, try AtomicFile.readText(site.directory + "/state/journal.jsonl")] {
                #expect(!text.contains(new.revealed) && !text.contains(old.revealed))
            }

            let undo = try await ConnstrCLITests.run(["undo"] + common)
            #expect(undo.status == 0, "\(undo.standardError)")
            #expect(try await admin.verifiers() == verifiersBefore)
            #expect(try serviceAndSecretFiles(site) == filesBefore)

            // The superuser, whose copy pgwarden itself logs in with: set, then undo from a
            // new process (the copy is written first and undone last; the old password is
            // read back from the copy's backup).
            let superuserOld = try admin.password(LabSite.superuser)
            let set = try await ConnstrCLITests.run(["password", "set", LabSite.superuser, "--password-stdin"] + common, stdin: "the-new-superuser-password\n")
            #expect(set.status == 0, "\(set.standardOutput)\n\(set.standardError)")
            #expect(try admin.password(LabSite.superuser) == Secret("the-new-superuser-password"))
            #expect(await admin.login(LabSite.superuser, superuserOld)?.kind == .badPassword)
            let undoSuperuser = try await ConnstrCLITests.run(["undo"] + common)
            #expect(undoSuperuser.status == 0, "\(undoSuperuser.standardError)")
            #expect(try await admin.verifiers() == verifiersBefore, "the md5 verifier is back, byte for byte")
            #expect(try serviceAndSecretFiles(site) == filesBefore)
        }
    }

    /// A consumer config that cannot be written (replaced by a folder after the plan was
    /// made): the rotation is rolled back whole: the exact old verifier, every file's old bytes.
    @Test func unwritableConsumerRollsTheRotationBack() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let access = try site.access()
            let keyFile = SealingKeyFile.default(stateDirectory: access.inventory.stateDirectory)
            try keyFile.create()
            let verifiersBefore = try await admin.verifiers()
            let filesBefore = try serviceAndSecretFiles(site)
            let plan = try await PasswordChange.plan(.init(role: LabSite.repositoryRole, mode: .rotate, generated: true), access: access, keyFile: keyFile)

            let victim = try #require(access.inventory.services.last { $0.file.contains("rim1/NotifierService") }).file
            let original = try AtomicFile.read(victim)
            try Directories.remove(victim)
            try Directories.create(victim)
            let performer = SiteStepPerformer(access: access, keyFile: keyFile, newPasswords: [LabSite.repositoryRole: try PasswordGenerator().generate()])
            let outcome = try await PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: performer).run(plan)
            guard case .rolledBack(let failed, _) = outcome else { Issue.record("expected a rollback, got \(outcome)"); return }
            #expect(failed.contains("rim1"))
            try Directories.remove(victim)
            try AtomicFile.write(original, to: victim)
            #expect(try await admin.verifiers() == verifiersBefore)
            #expect(try serviceAndSecretFiles(site) == filesBefore)
            #expect(await admin.login(LabSite.repositoryRole, try admin.password(LabSite.repositoryRole), database: "QSR") == nil)
        }
    }

    /// psql as `role`, its password in an owner-only PGPASSFILE (never on argv or in the
    /// environment); returns `current_user`.
    static func psql(_ site: LabSite, role: String, password: String) async throws -> String {
        let directory = try makeTemporaryDirectory("pgwarden-psql")
        defer { try? Directories.remove(directory) }
        var passfile = PGPassFile(parsing: "")
        try passfile.append(host: .exactly("127.0.0.1"), port: .exactly(String(site.state.nodes[0].port)), database: .any, user: .exactly(role), password: password)
        try AtomicFile.write(passfile.bytes, to: directory + "/pgpass", mode: 0o600)
        let psql = site.state.binDirectory + "/psql"
        let result = try await ProcessRunner().run(psql, ["-h", "127.0.0.1", "-p", String(site.state.nodes[0].port), "-U", role, "-d", "postgres",
                                                        "-w", "-X", "-A", "-t", "-c", "SELECT current_user"],
                                                 environment: ["PGPASSFILE": directory + "/pgpass", "PATH": "/usr/bin:/bin"])
        guard result.succeeded else { throw HostError(.process, "psql: \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
