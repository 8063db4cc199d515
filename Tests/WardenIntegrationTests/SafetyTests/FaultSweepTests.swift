import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab

// MARK: - kill -9 at every point of a run

/// A crash at any point of a run converges or undoes byte for byte. Each test first lists
/// the fault points a real run reaches (``FaultPoint`` trace), then, for each point, kills
/// pgwarden exactly there (`_exit(137)`, as kill -9: no cleanup) and checks the three
/// things an operator does next: `undo` (files as before the crashed run), a re-run (the
/// site converges; a re-plan finds nothing), and a re-run **then** `undo` (files as before
/// the *crashed* run, not as the re-run found them).
@Suite("Crash at every fault point", .serialized)
struct FaultSweepTests {
    static let servicesApply = ["services", "apply", "--require-ssl", "--seal", "--tls-min", "1.2"]

    @Test("services apply: crash at each point → undo, and → re-run → re-plan empty → undo")
    func servicesApplySweep() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            func filesAreOriginal(_ context: String) throws {
                let now = try inventory.services.map { try AtomicFile.read($0.file) }
                #expect(now == original, "\(context): service files differ from before the crashed run")
                if now != original {
                    // Put them back so one failure does not cascade into every later point.
                    for (service, bytes) in zip(inventory.services, original) { try AtomicFile.write(bytes, to: service.file) }
                }
            }

            let trace = site.directory + "/fault-trace"
            let traced = try await CLIProcess.run(Self.servicesApply + common, trace: trace)
            #expect(traced.status == 0, "\(traced.standardError)")
            let points = CLIProcess.sweepPoints(try CLIProcess.points(in: trace))
            #expect(points.contains { $0.hasPrefix("file.renamed") } && points.contains { $0.hasPrefix("step.intent") })
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            try filesAreOriginal("after the traced run and its undo")

            for point in points {
                // Every earlier run is closed (undone), so no journal needs its backups: without
                // them this run writes its own, and the points inside a backup's write are reached.
                try Directories.remove(inventory.stateDirectory + "/backups")
                let crashed = try await CLIProcess.run(Self.servicesApply + common, fault: point)
                #expect(crashed.status == 137, "\(point): the fault switch did not fire (\(crashed.standardError))")
                let undo = try await CLIProcess.run(["undo"] + common)
                #expect(undo.status == 0, "\(point): undo after the crash: \(undo.standardError)")
                try filesAreOriginal("\(point): crash → undo")
                if point.hasPrefix("file.before-rename") && point != "file.before-rename#1" {
                    #expect(undo.standardError.contains("a temporary file of a run that was killed"), "\(point): the killed run's temporary file was not reported")
                }
                let leftovers = try Self.temporaryFiles(of: inventory)
                #expect(leftovers.isEmpty, "\(point): temporary files left: \(leftovers)")

                try Directories.remove(inventory.stateDirectory + "/backups")
                #expect(try await CLIProcess.run(Self.servicesApply + common, fault: point).status == 137)
                let rerun = try await CLIProcess.run(Self.servicesApply + common)
                #expect(rerun.status == 0, "\(point): re-run after the crash: \(rerun.standardError)")
                let replan = try await CLIProcess.run(Self.servicesApply + common)
                #expect(replan.standardOutput.contains("Nothing to do"), "\(point): a run after the re-run still found work: \(replan.standardOutput)")
                let undoBoth = try await CLIProcess.run(["undo"] + common)
                #expect(undoBoth.status == 0, "\(point): undo after crash + re-run: \(undoBoth.standardError)")
                try filesAreOriginal("\(point): crash → re-run → undo")
            }
        }
    }

    /// pgwarden's temporary files (`.NAME.pgwarden-XXXXXX`) in the service files' folders.
    static func temporaryFiles(of inventory: Inventory) throws -> [String] {
        Set(inventory.services.map { PathResolution.directory(of: $0.file) }).flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter(AtomicFile.isTemporaryName)
        }
    }

    @Test("undo itself: crash at each point of an undo, then undo again → files as before the apply")
    func undoSweep() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            #expect(try await CLIProcess.run(Self.servicesApply + common).status == 0)
            let trace = site.directory + "/undo-trace"
            #expect(try await CLIProcess.run(["undo"] + common, trace: trace).status == 0)
            let points = CLIProcess.sweepPoints(try CLIProcess.points(in: trace))
            #expect(points.contains { $0.hasPrefix("undo.step") })
            for point in points {
                #expect(try await CLIProcess.run(Self.servicesApply + common).status == 0)
                let crashed = try await CLIProcess.run(["undo"] + common, fault: point)
                #expect(crashed.status == 137, "\(point): the fault switch did not fire")
                // An unfinished undo blocks other changes until it is finished (once every
                // file is back, the undo's work is done and a change may start again).
                let undoBegan = try Journal(inventory: inventory).records().last { $0.event == .undoStarted || $0.event == .runUndone }?.event == .undoStarted
                let halfDone = try undoBegan && inventory.services.map { try AtomicFile.read($0.file) } != original
                let blocked = try await CLIProcess.run(Self.servicesApply + common)
                if halfDone {
                    #expect(blocked.status == 2, "\(point): a change on top of a half-done undo was not refused: \(blocked.standardOutput)")
                    #expect(blocked.standardError.contains("pgwarden undo"))
                }
                let again = try await CLIProcess.run(["undo"] + common)
                #expect(again.status == 0, "\(point): second undo: \(again.standardError)")
                #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original, "\(point): crash in undo → undo")
            }
        }
    }

    @Test("rollback itself: a step fails (EIO), the rollback is killed at each of its points, undo finishes it")
    func rollbackSweep() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            // The third file's rename fails after it happened: the step counts as in flight.
            let failure = "file.renamed#3:EIO"
            let trace = site.directory + "/rollback-trace"
            let failed = try await CLIProcess.run(Self.servicesApply + common, fault: failure, trace: trace)
            #expect(failed.status == 3, "a failed step rolls back (exit 3): \(failed.standardError)")
            #expect(failed.standardOutput.contains("the failed one included"))
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original, "the in-flight step was rolled back too")
            let points = try CLIProcess.points(in: trace).filter { $0.hasPrefix("undo.") }
            #expect(points.count >= 3)
            for point in points {
                let crashed = try await CLIProcess.run(Self.servicesApply + common, fault: failure + "," + point)
                #expect(crashed.status == 137, "\(point): the fault switch did not fire")
                let undo = try await CLIProcess.run(["undo"] + common)
                #expect(undo.status == 0, "\(point): \(undo.standardError)")
                #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original, "\(point): crash in rollback → undo")
            }
        }
    }
}
