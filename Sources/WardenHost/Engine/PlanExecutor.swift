import Foundation
import WardenCore

// MARK: - What a step performer does

/// What carries out a ``StepAction``: the shell modules provide one per kind of action.
///
/// Every step runs in two phases, so that the journal holds what undo needs **before**
/// anything outside the state directory changes:
/// - ``prepare(_:)`` reads the live before-state, checks it against the plan, fixes the
///   exact new state (new file bytes with their sealing nonces, SCRAM salts, backup paths)
///   and keeps durable backups of what will be replaced. It changes nothing else.
/// - the returned ``PreparedStep/act`` makes the change, after the executor journaled the
///   prepared ``UndoRecord`` as the step's intent.
public protocol StepPerformer: Sendable {
    func prepare(_ step: PlannedStep) async throws -> PreparedStep
    /// Checks from the outside (a new session, a re-read file) that the change holds.
    func verify(_ step: PlannedStep) async throws
    /// Puts back what `record` says was there before. Must be idempotent and safe on a step
    /// that may not have acted at all (crash, failure): it compares what is there with the
    /// recorded old and new states and restores only what changed.
    func undo(_ step: PlannedStep, record: UndoRecord) async throws
}

/// A step ready to act: the undo record the journal keeps as its intent, and the act.
public struct PreparedStep: Sendable {
    public var undo: UndoRecord
    public var act: @Sendable () async throws -> Void

    public init(undo: UndoRecord, act: @escaping @Sendable () async throws -> Void) {
        self.undo = undo
        self.act = act
    }

    /// A step that changes nothing (a check, or a change already in place).
    public static func nothing(_ act: @escaping @Sendable () async throws -> Void = {}) -> PreparedStep {
        PreparedStep(undo: .nothing, act: act)
    }
}

// MARK: - Doing a plan, one verified step at a time

/// Runs a plan: for each step prepare, journal the intent, act, journal, verify; at the
/// first failure (or Ctrl-C), undo every step that has an intent — the failing one too,
/// since it may have acted in part — in reverse, and report.
///
/// Before it starts it repairs the journal's torn tail, removes temporary files a killed
/// run left next to the files the journal names, and looks for an interrupted run: a run
/// of the same command resumes it (undo then treats both as one); any other command is
/// refused until `pgwarden undo` has dealt with it.
public struct PlanExecutor: Sendable {
    public enum Outcome: Sendable {
        case completed(applied: Int)
        /// A step failed and everything applied before it was undone.
        case rolledBack(failedStep: String, error: String)
        /// A step failed and the rollback failed too: the user must act (steps listed).
        case rollbackFailed(failedStep: String, error: String, stillApplied: [PlannedStep])
    }

    /// Progress lines for the user (stderr in the CLI).
    public typealias Progress = @Sendable (String) -> Void

    private let journal: Journal
    private let performer: any StepPerformer
    private let command: String
    private let refusesOnInterrupted: Bool
    private let progress: Progress

    /// - Parameters:
    ///   - command: what makes the run (`apply settings`, `services apply`); an interrupted
    ///     run is resumed only by the same command.
    ///   - refusesOnInterrupted: false for a failover's repoint, which must not be held up by
    ///     an unrelated interrupted apply once a new primary is promoted (the interrupted run
    ///     stays in the journal for `undo`).
    public init(journal: Journal, performer: any StepPerformer, command: String = "apply", refusesOnInterrupted: Bool = true,
                progress: @escaping Progress = { _ in }) {
        self.journal = journal
        self.performer = performer
        self.command = command
        self.refusesOnInterrupted = refusesOnInterrupted
        self.progress = progress
    }

    /// Repairs the journal and refuses to start on top of an interrupted run of another
    /// command or a half-done undo. ``run(_:)`` does this itself; a caller that may not run
    /// at all (an empty plan) calls it first so the refusal does not depend on the plan.
    public func checkJournal() throws(HostError) {
        _ = try prepareJournal(quiet: true)
    }

    public func run(_ plan: Plan) async throws(HostError) -> Outcome {
        let resumes = try prepareJournal(quiet: false)
        let run = Self.newRunID()
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .runStarted, message: "site \(plan.site), \(plan.steps.count) steps",
                                         command: command, resumes: resumes))
        var standing: [(PlannedStep, UndoRecord)] = []
        var applied = 0
        for (index, step) in plan.steps.enumerated() {
            if Interruption.requested {
                return await rollBack(run: run, failed: step, message: "stopped by a signal before this step", standing: standing)
            }
            progress("[\(index + 1)/\(plan.steps.count)] \(step.title)")
            let prepared: PreparedStep
            do {
                prepared = try await performer.prepare(step)
                try FaultPoint.reach("step.prepared")
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .begin, stepID: step.id, step: step, undo: prepared.undo))
            } catch {
                // Nothing of this step acted: only what stands before it is rolled back.
                return await rollBack(run: run, failed: step, message: Self.describe(error), standing: standing)
            }
            standing.append((step, prepared.undo))
            do {
                try FaultPoint.reach("step.intent")
                try await prepared.act()
                try FaultPoint.reach("step.acted")
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .applied, stepID: step.id))
                try await performer.verify(step)
                try FaultPoint.reach("step.verified")
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .verified, stepID: step.id))
                applied += 1
            } catch {
                return await rollBack(run: run, failed: step, message: Self.describe(error), standing: standing)
            }
        }
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .runFinished))
        return .completed(applied: applied)
    }

    /// Undoes the most recent run that still has steps standing (with every run it
    /// resumed). Stops at the first step it cannot revert and undoes nothing after it.
    /// Returns how many steps were undone, or nil when there is nothing to undo.
    ///
    /// - Parameter allowTopology: also undo a run made by failover or switchover, which
    ///   points services back at the old primary (refused by default).
    ///   - run: undo only if the newest run with standing steps is this one; naming it also
    ///     allows a run of failover or switchover.
    ///   - skip: step id → the operator's reason: recorded as undone without touching it, so
    ///     undo can go past a step it cannot revert (someone else's edit, a node gone for good).
    public func undoLatest(run expected: String? = nil, skip: [String: String] = [:]) async throws(HostError) -> (run: String, undone: Int)? {
        guard let work = UndoWork.latest(in: try repairJournal()) else { return nil }
        if let expected, expected != work.run {
            throw HostError(.busy, "the newest run with steps to undo is \(work.run), not \(expected)",
                            hint: "undo goes newest first; undo \(work.run) first, or leave out --run")
        }
        if let command = work.command, UndoWork.topologyCommands.contains(command), expected == nil {
            throw HostError(.busy, "the last run (\(work.run)) repointed services during a \(command); undoing it would point them at a node that was fenced",
                            hint: "use `pgwarden rejoin` and `pgwarden switchover` to move the primary back, or name the run with --run \(work.run) if you are sure")
        }
        let unknown = Set(skip.keys).subtracting(work.steps.map(\.step.id))
        guard unknown.isEmpty else {
            throw HostError(.io, "--skip names no standing step of run \(work.run): \(unknown.sorted().joined(separator: ", "))",
                            hint: "standing steps: \(work.steps.map(\.step.id).joined(separator: ", "))")
        }
        if work.runs.count > 1 { progress("undo: run \(work.run) resumed \(work.runs.dropFirst().joined(separator: ", ")); undoing them as one") }
        for run in work.runs {
            try journal.append(JournalRecord(time: Journal.now(), run: run, event: .undoStarted))
        }
        let left = await undo(work.steps.map { ($0.run, $0.step, $0.undo) }, skip: skip)
        if let (failed, error) = left {
            throw HostError(.verification, "could not undo \(failed.id): \(error)",
                            hint: "nothing after it was undone (the order keeps logins working); fix what the message names and run `pgwarden undo` again — see the journal at \(journal.path)")
        }
        for run in work.runs {
            try journal.append(JournalRecord(time: Journal.now(), run: run, event: .runUndone))
        }
        return (work.run, work.steps.count)
    }

    // MARK: Internals

    /// Repairs the journal and returns the interrupted run this one resumes, if any.
    private func prepareJournal(quiet: Bool) throws(HostError) -> String? {
        guard let interrupted = UndoWork.interrupted(in: try repairJournal()) else { return nil }
        guard refusesOnInterrupted else { return nil }
        guard !interrupted.undoStopped, interrupted.command == command else {
            let what = interrupted.undoStopped ? "an undo of run \(interrupted.run) stopped part-way" : "run \(interrupted.run) (\(interrupted.command ?? "an older pgwarden")) was interrupted"
            throw HostError(.busy, "\(what); pgwarden will not start another change on top of it",
                            hint: "run `pgwarden undo` to put it back\(interrupted.undoStopped ? " (it resumes where it stopped)" : ", or the same command again to finish it")")
        }
        if !quiet { progress("resuming interrupted run \(interrupted.run): undo will treat both runs as one") }
        return interrupted.run
    }

    /// Cuts a torn tail, reports damaged lines, removes temporary files a killed run left
    /// next to the files the journal names, and returns the records (one read of the file).
    private func repairJournal() throws(HostError) -> [JournalRecord] {
        let (contents, note) = try journal.repairTail()
        if let note { progress(note) }
        if !contents.damagedLines.isEmpty {
            progress("journal \(journal.path): skipped damaged line(s) \(contents.damagedLines.map(String.init).joined(separator: ", ")) (good records follow them)")
        }
        let files = contents.records.compactMap(\.undo).flatMap(\.files)
        for path in AtomicFile.removeLeftoverTemporaries(nextTo: files) {
            progress("removed \(path), a temporary file of a run that was killed")
        }
        return contents.records
    }

    private func rollBack(run: String, failed step: PlannedStep, message: String, standing: [(PlannedStep, UndoRecord)]) async -> Outcome {
        try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .failed, stepID: step.id, message: message))
        progress("step failed: \(message); rolling back \(standing.count) step(s)")
        if let (left, _) = await undo(standing.reversed().map { (run, $0.0, $0.1) }) {
            let index = standing.firstIndex { $0.0.id == left.id } ?? 0
            return .rollbackFailed(failedStep: step.id, error: message, stillApplied: standing[...index].map(\.0))
        }
        try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .runRolledBack))
        return .rolledBack(failedStep: step.id, error: message)
    }

    /// Undoes steps in the given order and stops at the first that fails: returns it and
    /// its error, or nil when all were undone. A journal that cannot record an undo (full
    /// disk) does not stop it: undo is idempotent, so a later undo finds nothing to do.
    private func undo(_ steps: [(run: String, step: PlannedStep, record: UndoRecord)], skip: [String: String] = [:]) async -> (PlannedStep, String)? {
        for (run, step, record) in steps {
            if let reason = skip[step.id] {
                progress("undo: skipped \(step.title) (the operator's reason: \(reason))")
                try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .undone, stepID: step.id, message: "skipped by the operator: \(reason)"))
                continue
            }
            progress("undo: \(step.title)")
            do {
                try FaultPoint.reach("undo.step")
                try await performer.undo(step, record: record)
                try FaultPoint.reach("undo.done")
            } catch {
                let message = Self.describe(error)
                try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .undoFailed, stepID: step.id, message: message))
                return (step, message)
            }
            try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .undone, stepID: step.id))
        }
        return nil
    }

    private static func newRunID() -> String {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        return "\(stamp)-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}
