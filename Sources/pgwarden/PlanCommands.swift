import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden plan / apply / undo

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the ordered steps apply would take, with diffs (secrets redacted). Changes nothing.")
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var scope: ScopeOptions
    @OptionGroup var output: FormatOptions

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.load())
            let plan = try await SitePlanner.plan(access, only: scope.scopes)
            if output.format == .json { try Console.json(plan); return }
            PlanPrinter.print(plan)
        }
    }
}

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Carry out the plan, verifying every step; roll back automatically when a step fails.")
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var scope: ScopeOptions
    @OptionGroup var output: FormatOptions

    func run() async throws {
        try await reportingErrors {
            let inventory = try inventoryOptions.loadForChange("apply")
            let access = SiteAccess(inventory: inventory)
            let plan = try await SitePlanner.plan(access, only: scope.scopes)
            let performer = SiteStepPerformer(access: access, progress: { Console.progress($0) })
            try await PlanRunner.run(plan, inventory: inventory, command: scope.commandLabel, performer: performer, format: output.format,
                                     nothingToDo: "Nothing to do: the site matches its policy.")
        }
    }
}

struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Roll back the last apply from its journal, verifying each step.",
        discussion: """
        Undo goes newest step first and stops at the first step it cannot revert (a file \
        someone edited since, a node that is down), undoing nothing after it. Fix what it \
        names and run undo again, or record why that step stays as it is with \
        --skip STEP --reason TEXT. Runs of failover and switchover are not undone unless \
        named with --run.
        """)
    @OptionGroup var inventoryOptions: InventoryOptions
    @Option(name: .long, help: ArgumentHelp("Undo only this run (the newest with steps standing); needed for a failover's or switchover's run.", valueName: "run"))
    var run: String?
    @Option(name: .long, help: ArgumentHelp("Leave this step as it is and go on (repeatable; needs --reason).", valueName: "step"))
    var skip: [String] = []
    @Option(name: .long, help: ArgumentHelp("Why the skipped steps stay as they are (kept in the journal).", valueName: "text"))
    var reason: String?

    func validate() throws {
        if !skip.isEmpty && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--skip needs --reason: the journal keeps why a step was left as it is")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let inventory = try inventoryOptions.loadForChange("undo")
            let journal = Journal(inventory: inventory)
            let standing = UndoWork.latest(in: (try? journal.records()) ?? [])?.steps.map(\.undo) ?? []
            let access = SiteAccess(inventory: inventory).withRecoveryPasswords(from: standing)
            let executor = PlanExecutor(journal: journal, performer: SiteStepPerformer(access: access), command: "undo") { Console.progress($0) }
            let skipped = Dictionary(skip.map { ($0, reason ?? "") }, uniquingKeysWith: { first, _ in first })
            if let (run, count) = try await executor.undoLatest(run: run, skip: skipped) {
                Console.out("Undid \(count) step(s) of apply \(run).")
            } else {
                Console.out("Nothing to undo.")
            }
        }
    }
}

/// `--only SCOPE` (repeatable, or comma-separated): plan or apply part of the policy.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Only this part of the policy: \(PlanScope.allCases.map(\.rawValue).joined(separator: ", ")). Repeat or separate with commas; default all, in that order.",
        valueName: "scope"))
    var only: [String] = []

    func validate() throws {
        _ = try parsedScopes()
    }

    /// nil when no `--only` was given (every scope).
    var scopes: Set<PlanScope>? { try? parsedScopes() }

    /// `apply` or `apply auth,tls` (scopes in plan order): the run's command in the journal,
    /// so that only the same apply resumes an interrupted one.
    var commandLabel: String {
        guard let scopes else { return "apply" }
        return "apply " + PlanScope.allCases.filter(scopes.contains).map(\.rawValue).joined(separator: ",")
    }

    private func parsedScopes() throws -> Set<PlanScope>? {
        guard !only.isEmpty else { return nil }
        var scopes = Set<PlanScope>()
        for name in only.flatMap({ $0.split(separator: ",") }) {
            guard let scope = PlanScope(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("unknown scope '\(name)'; scopes: \(PlanScope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            scopes.insert(scope)
        }
        return scopes
    }
}

enum PlanPrinter {
    static func print(_ plan: Plan) {
        if plan.isEmpty {
            Console.out("No changes: site '\(plan.site)' matches its policy.")
        } else {
            Console.out("Plan for site '\(plan.site)': \(plan.steps.count) step(s)")
            for (index, step) in plan.steps.enumerated() {
                Console.out("\n\(index + 1). \(step.title)\n   why: \(step.reason)")
                for line in step.diff { Console.out("   \(line)") }
            }
        }
        for note in plan.notes { Console.out("note: \(note)") }
    }
}
