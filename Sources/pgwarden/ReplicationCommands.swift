import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden replica / status / failover

struct ReplicaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: "Standby nodes: provision one from the primary.",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make NODE a streaming standby: role, slot, pg_hba line, base backup, start, wait until it streams.")
        @Argument(help: "A database node of the inventory with role: standby and an empty data_dir.")
        var node: String
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let access = SiteAccess(inventory: try inventoryOptions.loadForChange("replica add"))
                let report = try await ReplicaProvisioner(access: access) { Console.progress($0) }.add(node)
                if output.format == .json { try Console.json(report); return }
                Console.out("\(report.node) is streaming from the primary (slot \(report.slot)) after \(String(format: "%.1f", report.seconds)) s.")
                if report.roleCreated { Console.out("  created replication role with a SCRAM verifier computed here") }
                if report.hbaLineAdded { Console.out("  added a pg_hba.conf replication line for \(node)'s address only (backup in the state dir)") }
                for note in report.notes { Console.out("note: \(note)") }
            }
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each database node: role, timeline, WAL positions, lag, slots, replicas, reachable or not.")
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions
    @Option(help: ArgumentHelp("Refresh every N seconds until interrupted.", valueName: "seconds"))
    var watch: Double?

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.load())
            struct Status: Encodable {
                var nodes: [NodeReplicationState]
                var fileShare: ShareManifest.Drift?
            }
            repeat {
                let states = await ReplicationStatusCollector.collect(access)
                let share = try ShareScanner.drift(access.inventory.fileShare)
                if output.format == .json { try Console.json(Status(nodes: states, fileShare: share)); continue }
                StatusPrinter.print(states, primary: access.inventory.primary?.name)
                if let share, let fileShare = access.inventory.fileShare {
                    Console.out("file share \(fileShare.path) → \(fileShare.replica): \(share.summary)")
                    for path in (share.missing + share.differing).prefix(10) { Console.out("  drift: \(path)") }
                }
            } while try await pause(watch)
        }
    }
}

struct FailoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Promote a standby (the most advanced one unless --to), fencing the old primary first.",
        discussion: """
            Refuses (exit 2, nothing changed) when the old primary cannot be fenced: its data directory is \
            not here or not provably its own and it has no fence_command. On a terminal it asks before acting.
            """)
    @Option(help: ArgumentHelp("The standby to promote.", valueName: "node"))
    var to: String?
    @Flag(name: .customLong("accept-lag"), help: "Promote even if the target is behind the most advanced node: the transactions it lacks are lost.")
    var acceptLag = false
    @Option(name: .customLong("unfenced"), help: ArgumentHelp("Promote although NODE (the old primary) could not be fenced: if it runs, there are two primaries.", valueName: "node"))
    var unfenced: String?
    @Flag(help: ArgumentHelp("Removed: use --accept-lag or --unfenced NODE.", visibility: .hidden))
    var force = false
    @Flag(help: "Do not ask for confirmation on a terminal.")
    var yes = false
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    func run() async throws {
        try await reportingErrors {
            if force {
                throw HostError(.refused, "--force is gone: it accepted two unrelated risks at once",
                                hint: "use --accept-lag to promote a standby that is behind, or --unfenced NODE to promote although NODE could not be fenced")
            }
            let access = SiteAccess(inventory: try inventoryOptions.loadForChange("failover", waitSeconds: 30))
            let coordinator = FailoverCoordinator(access: access, inventoryPath: inventoryOptions.path) { Console.progress($0) }
            var plan = try await coordinator.prepareFailover(to: to, acceptLag: acceptLag, unfenced: unfenced)
            if Confirmation.isInteractive && !yes {
                while true {
                    guard Confirmation.ask("pgwarden failover will:", plan.lines, question: "Go ahead?") else {
                        Console.out("Nothing was changed.")
                        throw ExitCode(1)
                    }
                    // The answer may come minutes later: act only on what is still true.
                    let again = try await coordinator.prepareFailover(to: to, acceptLag: acceptLag, unfenced: unfenced)
                    if again.decidesTheSame(as: plan) { plan = again; break }
                    Console.out("The site changed while you were asked; here is what failover would do now.")
                    plan = again
                }
            }
            for risk in plan.risks { Console.progress("warning: \(risk)") }
            let report = try await coordinator.failover(plan)
            if output.format == .json { try Console.json(report); return }
            Console.out("\(report.promoted) is the primary now (it was \(report.lagBytes) bytes behind when promoted).")
            if let fenced = report.fenced { Console.out("\(fenced) is fenced: \(report.fenceAction).") }
            Console.out(FailoverSummary.services(report))
            for phase in report.phases { Console.out("  " + phase.name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%8.1f ms", phase.milliseconds)) }
            for risk in report.risks { Console.out("risk taken: \(risk)") }
            for note in report.notes { Console.out("note: \(note)") }
        }
    }
}

/// Sleeps `seconds` and says whether to go round again (`--watch`); false when not watching.
private func pause(_ seconds: Double?) async throws -> Bool {
    guard let seconds else { return false }
    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
    return true
}

enum StatusPrinter {
    static func print(_ states: [NodeReplicationState], primary: String?) {
        for state in states {
            guard state.reachable else {
                Console.out("\(state.name)  UNREACHABLE  \(state.problem ?? "")\(state.name == primary ? "  (inventory primary)" : "")")
                continue
            }
            var line = "\(state.name)  \(state.role.rawValue)  timeline \(state.timeline.map(String.init) ?? "?")  at \(state.position?.description ?? "?")"
            if state.role == .standby {
                line += "  received \(state.receivedPosition?.description ?? "-")  \(state.streaming == true ? "streaming" : "NOT streaming")"
                if let delay = state.replayDelaySeconds { line += String(format: "  replay delay %.1f s", delay) }
            }
            Console.out(line)
            for replica in state.replicas {
                Console.out("  replica \(replica.applicationName): \(replica.state), \(replica.syncState), lag \(replica.lagBytes.map { "\($0) bytes" } ?? "?")")
            }
            for slot in state.slots {
                Console.out("  slot \(slot.name): \(slot.active ? "active" : "INACTIVE (retains WAL)")")
            }
        }
    }
}

struct SwitchoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchover",
        abstract: "Planned, without data loss: stop the primary cleanly, promote NODE once it has everything, make the old primary its standby.",
        discussion: "When NODE fails midway it is fenced and the old primary starts again as primary (exit 3). On a terminal it asks before acting.")
    @Option(help: ArgumentHelp("The streaming standby to promote.", valueName: "node"))
    var to: String
    @Flag(help: "Do not ask for confirmation on a terminal.")
    var yes = false
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.loadForChange("switchover", waitSeconds: 30))
            let coordinator = FailoverCoordinator(access: access, inventoryPath: inventoryOptions.path) { Console.progress($0) }
            var plan = try await coordinator.prepareSwitchover(to: to)
            if Confirmation.isInteractive && !yes {
                guard Confirmation.ask("pgwarden switchover will:", plan.lines, question: "Go ahead?") else {
                    Console.out("Nothing was changed.")
                    throw ExitCode(1)
                }
                plan = try await coordinator.prepareSwitchover(to: to)
            }
            let report = try await coordinator.switchover(plan)
            if output.format == .json { try Console.json(report); return }
            Console.out("\(report.promoted) is the primary now; \(report.fenceAction).")
            Console.out(FailoverSummary.services(report))
            for phase in report.phases { Console.out("  " + phase.name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%8.1f ms", phase.milliseconds)) }
        }
    }
}

struct RejoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejoin",
        abstract: "Turn a former primary into a standby of the current one (pg_rewind, else a fresh base backup), never starting it as a primary.")
    @Argument(help: "The fenced node.")
    var node: String
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.loadForChange("rejoin"))
            let report = try await ReplicaProvisioner(access: access) { Console.progress($0) }.rejoin(node, inventoryPath: inventoryOptions.path)
            if output.format == .json { try Console.json(report); return }
            Console.out("\(report.node) is a streaming standby again (slot \(report.slot)) after \(String(format: "%.1f", report.seconds)) s.")
            for note in report.notes { Console.out("note: \(note)") }
        }
    }
}

enum FailoverSummary {
    static func services(_ report: FailoverCoordinator.Report) -> String {
        let ok = report.consumerLogins.filter(\.ok).count
        return "Services: \(report.servicesRepointed) config file(s) repointed; \(ok) of \(report.consumerLogins.count) consumer logins verified."
    }
}
