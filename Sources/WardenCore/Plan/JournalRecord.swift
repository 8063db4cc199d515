// MARK: - The journal of an apply

/// One line of the apply journal (JSON lines in the site's state directory).
///
/// The journal is what makes a half-finished apply recoverable. It is written ahead of every
/// change: a step's `begin` record is its **intent** — it carries the ``UndoRecord`` (the
/// before-state read in the prepare phase, the exact new state and the backup paths) and is
/// on disk before the step touches anything outside the state directory. Then come
/// `applied`, `verified` or `failed`. A step with an intent and no `undone` record counts
/// as possibly applied: undo compares what is there with the recorded old and new states
/// and restores only what changed. `pgwarden undo` reads it back, so it must never hold a
/// secret: actions and undo records carry only names, hashes, salts and non-secret values.
public struct JournalRecord: Sendable, Hashable, Codable {
    public enum Event: String, Sendable, Hashable, Codable {
        case runStarted = "run-started"
        /// The step's intent: everything undo needs, written before the step acts.
        case begin
        case applied
        case verified
        case failed
        case undone
        case undoFailed = "undo-failed"
        /// `pgwarden undo` began on this run: until `run-undone`, its undo is unfinished and
        /// no other change may start on top of it.
        case undoStarted = "undo-started"
        case runFinished = "run-finished"
        case runRolledBack = "run-rolled-back"
        case runUndone = "run-undone"
        /// A failover or switchover fenced, promoted or repointed something (see message).
        case failover
    }

    /// The journal format this pgwarden writes. A record of a higher format is never cut
    /// or guessed at: an older binary refuses to touch the journal.
    public static let currentFormat = 2

    /// ISO 8601 UTC time, written by the shell (the core has no clock).
    public var time: String
    public var run: String
    public var event: Event
    public var stepID: String?
    public var step: PlannedStep?
    public var undo: UndoRecord?
    public var message: String?
    /// On `run-started`: what started the run (`apply settings,auth`, `services apply`);
    /// a run of the same command may resume an interrupted one.
    public var command: String?
    /// On `run-started`: the interrupted run this one resumes; undo treats both as one
    /// and ends with the oldest recorded state.
    public var resumes: String?
    /// Format version, site and sequence number: set by the journal when it writes.
    public var format: Int?
    public var site: String?
    public var seq: Int?

    public init(time: String, run: String, event: Event, stepID: String? = nil, step: PlannedStep? = nil, undo: UndoRecord? = nil,
                message: String? = nil, command: String? = nil, resumes: String? = nil) {
        self.time = time
        self.run = run
        self.event = event
        self.stepID = stepID
        self.step = step
        self.undo = undo
        self.message = message
        self.command = command
        self.resumes = resumes
    }
}

// MARK: - Reading a journal back

/// What undo must do: the steps standing in the most recent run that is not undone, and in
/// every run it resumed, newest first.
public struct UndoWork: Sendable, Hashable {
    public struct Standing: Sendable, Hashable {
        public var run: String
        public var step: PlannedStep
        public var undo: UndoRecord
        /// True when the intent has no `applied` record: the step may or may not have acted.
        public var inFlight: Bool
    }

    /// The newest run first, then the runs it resumed.
    public var runs: [String]
    /// Standing steps in the order to undo them (reverse of application, newest run first).
    public var steps: [Standing]
    /// The command that made the newest run (nil in journals written before format 2).
    public var command: String?

    public var run: String { runs[0] }

    /// Runs made by these commands move services between nodes; a plain `undo` never points
    /// services back at a node that was fenced.
    public static let topologyCommands: Set<String> = ["failover", "switchover"]

    /// The newest run whose standing steps were not all undone (nil if none).
    public static func latest(in records: [JournalRecord]) -> UndoWork? {
        let runs = RunIndex(records)
        for run in runs.order.reversed() where !runs.isClosed(run) {
            var chain = [run]
            var steps = runs.standing(run)
            var next = runs.resumed(by: run)
            while let previous = next, !chain.contains(previous) {
                if !runs.isClosed(previous) {
                    chain.append(previous)
                    steps += runs.standing(previous)
                }
                next = runs.resumed(by: previous)
            }
            if !steps.isEmpty { return UndoWork(runs: chain, steps: steps, command: runs.command(of: run)) }
        }
        return nil
    }

    /// The newest run that stopped in the middle: its steps stand although it neither
    /// finished, rolled back nor was undone, or an undo of it stopped part-way.
    public static func interrupted(in records: [JournalRecord]) -> (run: String, command: String?, undoStopped: Bool)? {
        let runs = RunIndex(records)
        for run in runs.order.reversed() where !runs.isClosed(run) && !runs.standing(run).isEmpty {
            let undoStopped = runs.hasUndone(run)
            if runs.isFinished(run) && !undoStopped { continue }
            return (run, runs.command(of: run), undoStopped)
        }
        return nil
    }
}

/// Records grouped by run, in journal order.
private struct RunIndex {
    var order: [String] = []
    var byRun: [String: [JournalRecord]] = [:]

    init(_ records: [JournalRecord]) {
        for record in records {
            if byRun[record.run] == nil { order.append(record.run) }
            byRun[record.run, default: []].append(record)
        }
    }

    /// Undone or rolled back as a whole: nothing of it stands.
    func isClosed(_ run: String) -> Bool {
        (byRun[run] ?? []).contains { $0.event == .runUndone || $0.event == .runRolledBack }
    }

    func isFinished(_ run: String) -> Bool {
        (byRun[run] ?? []).contains { $0.event == .runFinished }
    }

    /// An undo began on the run (it may have stopped before undoing any step).
    func hasUndone(_ run: String) -> Bool {
        (byRun[run] ?? []).contains { $0.event == .undone || $0.event == .undoStarted }
    }

    func command(of run: String) -> String? {
        (byRun[run] ?? []).first { $0.event == .runStarted }?.command
    }

    func resumed(by run: String) -> String? {
        (byRun[run] ?? []).first { $0.event == .runStarted }?.resumes
    }

    /// Steps with an intent (or, in journals before format 2, an `applied` record with its
    /// undo record) and no `undone` record, in reverse order of their intents.
    func standing(_ run: String) -> [UndoWork.Standing] {
        let records = byRun[run] ?? []
        var undone = Set<String>()
        var applied = Set<String>()
        for record in records {
            guard let id = record.stepID else { continue }
            if record.event == .undone { undone.insert(id) }
            if record.event == .applied { applied.insert(id) }
        }
        var standing: [UndoWork.Standing] = []
        var seen = Set<String>()
        for record in records where record.event == .begin || record.event == .applied {
            guard let step = record.step, let undo = record.undo, undo != .nothing, !undone.contains(step.id), !seen.contains(step.id) else { continue }
            seen.insert(step.id)
            standing.append(UndoWork.Standing(run: run, step: step, undo: undo, inFlight: !applied.contains(step.id)))
        }
        return standing.reversed()
    }
}
