// MARK: - The journal of an apply

/// One line of the apply journal (JSON lines in the site's state directory).
///
/// The journal is what makes a half-finished apply recoverable: each step is written
/// before it acts (`begin`), after it acted (`applied`, with its ``UndoRecord``), and after
/// verification (`verified` or `failed`). `pgwarden undo` reads it back, so it must never
/// hold a secret: actions and undo records carry only names and non-secret values.
public struct JournalRecord: Sendable, Hashable, Codable {
    public enum Event: String, Sendable, Hashable, Codable {
        case runStarted = "run-started"
        case begin
        case applied
        case verified
        case failed
        case undone
        case undoFailed = "undo-failed"
        case runFinished = "run-finished"
        case runRolledBack = "run-rolled-back"
        case runUndone = "run-undone"
        /// A failover or switchover fenced, promoted or repointed something (see message).
        case failover
    }

    /// ISO 8601 UTC time, written by the shell (the core has no clock).
    public var time: String
    public var run: String
    public var event: Event
    public var stepID: String?
    public var step: PlannedStep?
    public var undo: UndoRecord?
    public var message: String?

    public init(time: String, run: String, event: Event, stepID: String? = nil, step: PlannedStep? = nil, undo: UndoRecord? = nil, message: String? = nil) {
        self.time = time
        self.run = run
        self.event = event
        self.stepID = stepID
        self.step = step
        self.undo = undo
        self.message = message
    }
}

// MARK: - Reading a journal back

/// What undo must do for the most recent run that still has applied steps standing.
public struct UndoWork: Sendable, Hashable {
    public var run: String
    /// Applied steps in reverse order of application, with their undo records.
    public var steps: [(step: PlannedStep, undo: UndoRecord)]

    public static func == (lhs: UndoWork, rhs: UndoWork) -> Bool {
        lhs.run == rhs.run && lhs.steps.map(\.step) == rhs.steps.map(\.step) && lhs.steps.map(\.undo) == rhs.steps.map(\.undo)
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(run) }

    /// The last run whose applied steps were not all undone (or rolled back); nil if none.
    public static func latest(in records: [JournalRecord]) -> UndoWork? {
        var order: [String] = []
        var byRun: [String: [JournalRecord]] = [:]
        for record in records {
            if byRun[record.run] == nil { order.append(record.run) }
            byRun[record.run, default: []].append(record)
        }
        for run in order.reversed() {
            let runRecords = byRun[run] ?? []
            if runRecords.contains(where: { $0.event == .runUndone || $0.event == .runRolledBack }) { continue }
            var standing: [(PlannedStep, UndoRecord)] = []
            var undoneIDs = Set<String>()
            for record in runRecords where record.event == .undone {
                if let id = record.stepID { undoneIDs.insert(id) }
            }
            for record in runRecords where record.event == .applied {
                if let step = record.step, let undo = record.undo, !undoneIDs.contains(step.id) {
                    standing.append((step, undo))
                }
            }
            if !standing.isEmpty { return UndoWork(run: run, steps: standing.reversed()) }
        }
        return nil
    }
}
