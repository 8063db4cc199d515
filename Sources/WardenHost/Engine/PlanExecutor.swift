import Foundation
import WardenCore

// MARK: - Doing a plan, one verified step at a time

/// What carries out a ``StepAction``: the shell modules provide one per kind of action.
public protocol StepPerformer: Sendable {
    /// Acts, and returns what undo will need. Must be idempotent: if the change is
    /// already in place it does nothing harmful and still returns a correct record.
    func apply(_ step: PlannedStep) async throws -> UndoRecord
    /// Checks from the outside (a new session, a re-read file) that the change holds.
    func verify(_ step: PlannedStep) async throws
    /// Puts back what `record` says was there before.
    func undo(_ step: PlannedStep, record: UndoRecord) async throws
}

/// Runs a plan: journal, apply, verify; at the first failure, undo what was applied (in
/// reverse) and report. A re-run converges because every performer checks before acting.
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
    private let progress: Progress

    public init(journal: Journal, performer: any StepPerformer, progress: @escaping Progress = { _ in }) {
        self.journal = journal
        self.performer = performer
        self.progress = progress
    }

    public func run(_ plan: Plan) async throws(HostError) -> Outcome {
        let run = Self.newRunID()
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .runStarted, message: "site \(plan.site), \(plan.steps.count) steps"))
        var applied: [(PlannedStep, UndoRecord)] = []
        for (index, step) in plan.steps.enumerated() {
            progress("[\(index + 1)/\(plan.steps.count)] \(step.title)")
            try journal.append(JournalRecord(time: Journal.now(), run: run, event: .begin, stepID: step.id, step: step))
            do {
                let record = try await performer.apply(step)
                applied.append((step, record))
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .applied, stepID: step.id, step: step, undo: record))
                try await performer.verify(step)
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .verified, stepID: step.id))
            } catch {
                let message = Self.describe(error)
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .failed, stepID: step.id, message: message))
                progress("step failed: \(message); rolling back \(applied.count) step(s)")
                let left = await undo(applied.reversed(), run: run)
                if left.isEmpty {
                    try journal.append(JournalRecord(time: Journal.now(), run: run, event: .runRolledBack))
                    return .rolledBack(failedStep: step.id, error: message)
                }
                return .rollbackFailed(failedStep: step.id, error: message, stillApplied: left)
            }
        }
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .runFinished))
        return .completed(applied: applied.count)
    }

    /// Undoes the most recent run that still has applied steps. Returns how many steps were
    /// undone, or nil when there is nothing to undo.
    public func undoLatest() async throws(HostError) -> (run: String, undone: Int)? {
        guard let work = UndoWork.latest(in: try journal.records()) else { return nil }
        let left = await undo(work.steps.map { ($0.step, $0.undo) }, run: work.run)
        guard left.isEmpty else {
            throw HostError(.verification, "could not undo \(left.count) step(s): \(left.map(\.id).joined(separator: ", "))", hint: "see the journal at \(journal.path) and revert these by hand")
        }
        try journal.append(JournalRecord(time: Journal.now(), run: work.run, event: .runUndone))
        return (work.run, work.steps.count)
    }

    /// Undoes steps in the given order; returns those whose undo failed.
    private func undo(_ steps: [(PlannedStep, UndoRecord)], run: String) async -> [PlannedStep] {
        var failed: [PlannedStep] = []
        for (step, record) in steps {
            progress("undo: \(step.title)")
            do {
                try await performer.undo(step, record: record)
                try journal.append(JournalRecord(time: Journal.now(), run: run, event: .undone, stepID: step.id))
            } catch {
                failed.append(step)
                try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .undoFailed, stepID: step.id, message: Self.describe(error)))
            }
        }
        return failed
    }

    private static func newRunID() -> String {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        return "\(stamp)-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}

