import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - The proof step end to end: plan, apply, verify, undo, rollback

@Suite("Change engine on a real lab")
struct ChangeEngineTests {
    @Test func planApplyVerifyUndo() async throws {
        try await withLab { site in
            let access = try site.access()
            let plan = try await SitePlanner.plan(access, only: [.settings])
            #expect(plan.steps.map(\.id) == ["db1/setting/log_connections"])
            let journal = Journal(stateDirectory: access.inventory.stateDirectory)
            let executor = PlanExecutor(journal: journal, performer: SiteStepPerformer(access: access))

            guard case .completed(let applied) = try await executor.run(plan) else {
                Issue.record("apply did not complete"); return
            }
            #expect(applied == 1)
            let after = try await site.session(as: LabSite.superuser)
            #expect(try await after.value("SHOW log_connections") == "on")
            await after.close()
            #expect(try await SitePlanner.plan(access, only: [.settings]).isEmpty, "a re-plan after apply finds nothing to do")

            let undone = try await executor.undoLatest()
            #expect(undone?.undone == 1)
            let reverted = try await site.session(as: LabSite.superuser)
            #expect(try await reverted.value("SHOW log_connections") == "off")
            #expect(try await reverted.value("SELECT count(*)::text FROM pg_file_settings WHERE name = 'log_connections' AND sourcefile LIKE '%auto.conf'") == "0")
            await reverted.close()
            #expect(try await executor.undoLatest() == nil, "a second undo has nothing left")

            // The journal tells the whole story and holds no secret.
            let text = String(decoding: try AtomicFile.read(journal.path), as: UTF8.self)
            #expect(!text.contains(try site.secretText(LabSite.superuser)))
            #expect(!text.contains(try site.secretText(LabSite.repositoryRole)))
            let events = try journal.records().map(\.event)
            #expect(events == [.runStarted, .begin, .applied, .verified, .runFinished, .undoStarted, .undone, .runUndone])
        }
    }

    @Test func adminSessionsCommitLocallyWithTimeouts() async throws {
        try await withLab { site in
            let access = try site.access()
            let primary = try #require(access.inventory.primary)
            // The site is tuned to lose commits and to wait for a standby that is not there.
            let admin = LabAdmin(site: site)
            try await admin.sql(["ALTER SYSTEM SET synchronous_commit = off", "ALTER SYSTEM SET synchronous_standby_names = 'nobody'"])
            try await admin.reload()
            let settings = try await access.withSuperuser(on: primary) { session in
                try await session.rows("SELECT current_setting('synchronous_commit'), current_setting('lock_timeout'), current_setting('statement_timeout'), current_setting('application_name')").first
            }
            #expect(settings == ["local", "10s", "5min", "pgwarden"])
            // A change still commits at once: it does not wait for the missing standby.
            try await access.withSuperuser(on: primary) { try await $0.execute("CREATE ROLE sync_probe") }
            let plan = try await SitePlanner.plan(access, only: [.settings])
            let outcome = try await PlanExecutor(journal: Journal(inventory: access.inventory), performer: SiteStepPerformer(access: access)).run(plan)
            guard case .completed = outcome else { Issue.record("\(outcome)"); return }
        }
    }

    @Test func failedStepRollsBackWhatWasApplied() async throws {
        try await withLab { site in
            let access = try site.access()
            let good = PlannedStep(id: "db1/setting/log_connections", title: "log_connections on", reason: "test", diff: [],
                                   action: .setServerParameter(node: "db1", name: "log_connections", value: "on"))
            let bad = PlannedStep(id: "db1/setting/work_mem", title: "work_mem banana", reason: "test", diff: [],
                                  action: .setServerParameter(node: "db1", name: "work_mem", value: "banana"))
            let executor = PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
            let outcome = try await executor.run(Plan(site: "lab", steps: [good, bad]))
            guard case .rolledBack(let failed, let error) = outcome else {
                Issue.record("expected a rollback, got \(outcome)"); return
            }
            #expect(failed == "db1/setting/work_mem")
            #expect(error.contains("work_mem"))
            let session = try await site.session(as: LabSite.superuser)
            #expect(try await session.value("SHOW log_connections") == "off", "the first step was undone")
            await session.close()
            #expect(try await executor.undoLatest() == nil, "a rolled-back run leaves nothing to undo")
        }
    }

    @Test func applyAgainstADownServerFailsWithoutJournalingAnApply() async throws {
        try await withLab { site in
            let access = try site.access()
            let plan = try await SitePlanner.plan(access, only: [.settings])
            try await PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: site.state.nodes[0].dataDirectory, osUser: site.state.osUser).stop()
            let journal = Journal(stateDirectory: access.inventory.stateDirectory)
            let outcome = try await PlanExecutor(journal: journal, performer: SiteStepPerformer(access: access)).run(plan)
            guard case .rolledBack = outcome else { Issue.record("expected a clean failure, got \(outcome)"); return }
            #expect(try journal.records().contains { $0.event == .applied } == false)
        }
    }
}
