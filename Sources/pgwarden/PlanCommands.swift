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

    struct Report: Encodable {
        var outcome: String
        var applied: Int
        var failedStep: String?
        var error: String?
        var stillApplied: [String]?
    }

    func run() async throws {
        try await reportingErrors {
            let inventory = try inventoryOptions.load()
            let access = SiteAccess(inventory: inventory)
            let plan = try await SitePlanner.plan(access, only: scope.scopes)
            for note in plan.notes { Console.progress("note: \(note)") }
            if plan.isEmpty {
                if output.format == .json { try Console.json(Report(outcome: "nothing-to-do", applied: 0)) } else { Console.out("Nothing to do: the site matches its policy.") }
                return
            }
            let performer = SiteStepPerformer(access: access, progress: { Console.progress($0) })
            let executor = PlanExecutor(journal: Journal(stateDirectory: inventory.stateDirectory), performer: performer) { Console.progress($0) }
            switch try await executor.run(plan) {
            case .completed(let applied):
                if output.format == .json { try Console.json(Report(outcome: "completed", applied: applied)) } else { Console.out("Applied and verified \(applied) step(s). Undo with: pgwarden undo") }
            case .rolledBack(let step, let error):
                if output.format == .json { try Console.json(Report(outcome: "rolled-back", applied: 0, failedStep: step, error: error)) } else {
                    Console.out("Step \(step) failed: \(error)\nEverything applied before it was rolled back.")
                }
                throw ExitCode(3)
            case .rollbackFailed(let step, let error, let left):
                if output.format == .json { try Console.json(Report(outcome: "rollback-failed", applied: left.count, failedStep: step, error: error, stillApplied: left.map(\.id))) } else {
                    Console.out("Step \(step) failed: \(error)\nRollback failed; these steps are still applied and must be reverted by hand:")
                    for step in left { Console.out("  - \(step.title)") }
                }
                throw ExitCode(4)
            }
        }
    }
}

struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Roll back the last apply from its journal, verifying each step.")
    @OptionGroup var inventoryOptions: InventoryOptions

    func run() async throws {
        try await reportingErrors {
            let inventory = try inventoryOptions.load()
            let executor = PlanExecutor(journal: Journal(stateDirectory: inventory.stateDirectory), performer: SiteStepPerformer(access: SiteAccess(inventory: inventory))) { Console.progress($0) }
            if let (run, count) = try await executor.undoLatest() {
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
