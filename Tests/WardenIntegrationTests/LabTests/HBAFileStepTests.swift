import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - pg_hba.conf edits on a real server: apply, reload, verify, undo

@Suite("pg_hba.conf step on a real lab")
struct HBAFileStepTests {
    /// A step that applies `edits` to the lab primary's pg_hba.conf as it is now.
    static func step(_ site: LabSite, _ edits: [HBAEdit]) async throws -> (PlannedStep, path: String, original: [UInt8]) {
        let session = try await site.session(as: LabSite.superuser)
        let path = try #require(try await session.value("SHOW hba_file"))
        await session.close()
        let original = try AtomicFile.read(path)
        let edited = try HBAFile(bytes: original).applying(edits)
        let step = PlannedStep(id: "db1/hba", title: "edit pg_hba.conf", reason: "test", diff: [],
                               action: .editHBAFile(node: "db1", file: path, expectedSHA256: FileDigest.sha256(original),
                                                    resultSHA256: FileDigest.sha256(edited.bytes), edits: edits))
        return (step, path, original)
    }

    static func canLogIn(_ site: LabSite, as role: String) async -> Bool {
        guard let session = try? await site.session(as: role, database: "QSR") else { return false }
        await session.close()
        return true
    }

    @Test func applyTakesEffectAtOnceAndUndoRestoresTheBytes() async throws {
        try await withLab { site in
            let access = try site.access()
            #expect(await Self.canLogIn(site, as: LabSite.repositoryRole))
            let (step, path, original) = try await Self.step(site, [.insert(rule: "host all \(LabSite.repositoryRole) 127.0.0.1/32 reject", beforeLine: 1)])
            let executor = PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
            guard case .completed(1) = try await executor.run(Plan(site: "lab", steps: [step])) else {
                Issue.record("apply did not complete"); return
            }
            #expect(await !Self.canLogIn(site, as: LabSite.repositoryRole), "the reload was waited for: the next login meets the new rule")
            #expect(await Self.canLogIn(site, as: LabSite.superuser))

            // A re-run converges: the file already is the planned result.
            guard case .completed = try await executor.run(Plan(site: "lab", steps: [step])) else {
                Issue.record("re-run did not converge"); return
            }
            #expect(try await executor.undoLatest() != nil)
            #expect(try await executor.undoLatest() != nil)
            #expect(try AtomicFile.read(path) == original)
            #expect(await Self.canLogIn(site, as: LabSite.repositoryRole))
        }
    }

    @Test func aFileChangedSincePlanningIsRefusedAndKept() async throws {
        try await withLab { site in
            let access = try site.access()
            let (step, path, original) = try await Self.step(site, [.insert(rule: "host all all 127.0.0.9/32 reject", beforeLine: nil)])
            let changed = original + Array("# someone else's edit\n".utf8)
            try AtomicFile.write(changed, to: path)
            let outcome = try await PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
                .run(Plan(site: "lab", steps: [step]))
            guard case .rolledBack(_, let error) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
            #expect(error.contains("changed on disk"))
            #expect(try AtomicFile.read(path) == changed)
        }
    }

    @Test func aLineTheServerRejectsRollsBack() async throws {
        try await withLab { site in
            let access = try site.access()
            // Our parser accepts it; PostgreSQL refuses clientcert on a host (not hostssl) line.
            let (step, path, original) = try await Self.step(site, [.insert(rule: "host all all 127.0.0.9/32 scram-sha-256 clientcert=verify-full", beforeLine: nil)])
            let outcome = try await PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
                .run(Plan(site: "lab", steps: [step]))
            guard case .rolledBack(_, let error) = outcome else { Issue.record("expected a rollback, got \(outcome)"); return }
            #expect(error.contains("cannot read its pg_hba.conf"))
            #expect(try AtomicFile.read(path) == original)
            #expect(await Self.canLogIn(site, as: LabSite.repositoryRole))
        }
    }
}
