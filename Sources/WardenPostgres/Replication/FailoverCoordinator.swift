import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden failover

/// Carries out a ``FailoverDecision``: fence the old primary, promote the target, wait
/// until it takes writes, and record the new roles in the inventory and the journal.
///
/// Fencing means: a `standby.signal` is written into the old primary's (verified) data
/// directory first, so whoever starts it again — a reboot, a service manager, a hurried
/// admin — gets a read-only standby, then every process of that server is stopped and killed
/// (``InstanceFence``), or its `fence_command` powers it off. When neither can be done the
/// failover is refused unless the operator names the node with `--unfenced`. The inventory
/// marks it `fenced`; `pgwarden rejoin` turns it into a real standby.
public struct FailoverCoordinator: Sendable {
    public typealias Progress = @Sendable (String) -> Void

    public struct Phase: Sendable, Codable {
        public var name: String
        public var milliseconds: Double
    }

    public struct Report: Sendable, Codable {
        public var promoted: String
        public var fenced: String?
        public var fenceAction: String
        public var lagBytes: UInt64
        public var phases: [Phase]
        /// Service config files rewritten to point at the new primary.
        public var servicesRepointed: Int = 0
        /// Each consumer's login to the new primary with its own settings.
        public var consumerLogins: [ConsumerLoginCheck.Result] = []
        public var notes: [String]
        /// What the local fence did, when the old primary was fenced here.
        public var instanceFence: InstanceFence.Report? = nil
        /// Risks accepted with --accept-lag / --unfenced, in words.
        public var risks: [String] = []
    }

    let access: SiteAccess
    let inventoryPath: String
    let progress: Progress
    var writableWaitSeconds: Double = 30
    /// How long host:port must stay silent after a fence_command (tests shorten it).
    public var fenceCommandQuietSeconds: Double = 5
    /// Test-only: runs right before `pg_promote()` is sent to a switchover's target, so a
    /// test can make the target die at exactly that point (reproduction 9). Nil in pgwarden.
    public var beforePromote: (@Sendable (DatabaseNode) async throws -> Void)? = nil

    public init(access: SiteAccess, inventoryPath: String, progress: @escaping Progress = { _ in }) {
        self.access = access
        self.inventoryPath = inventoryPath
        self.progress = progress
    }

    // MARK: Failover

    /// Observes every node and decides; throws `.refused` (nothing changed) when the
    /// decision refuses. The plan is what the operator confirms.
    public func prepareFailover(to requested: String?, acceptLag: Bool = false, unfenced: String? = nil) async throws -> FailoverPlan {
        progress("observe: every node's role and WAL position")
        let states = await ReplicationStatusCollector.collect(access, timeoutSeconds: 1)
        var observation: NodeFencer.Observation?
        if let old = access.inventory.primary {
            progress("observe: can \(old.name) be fenced from here?")
            let reachable = states.first { $0.name == old.name }?.reachable ?? false
            observation = await fencer.observe(old, reachable: reachable)
        }
        let decision = FailoverDecision(inventoryPrimary: access.inventory.primary?.name, nodes: states, requestedTarget: requested,
                                        oldPrimary: observation?.forDecision, acceptLag: acceptLag, unfenced: unfenced)
        switch decision.outcome {
        case .refuse(let reason, let hint):
            throw HostError(.refused, reason, hint: hint + "; nothing was changed")
        case .promote(let target, let fence, let lag, let risks):
            return FailoverPlan(target: target, fence: fence, lagBytes: lag, risks: risks,
                                servicesToRepoint: access.inventory.services.count, fenceExpectation: observation?.expectation)
        }
    }

    /// Decides and carries out a failover without asking (the library's and the agent's way).
    public func failover(to requested: String?, acceptLag: Bool = false, unfenced: String? = nil) async throws -> Report {
        try await failover(try await prepareFailover(to: requested, acceptLag: acceptLag, unfenced: unfenced))
    }

    /// Carries out a prepared failover: fence, promote, inventory, repoint.
    public func failover(_ plan: FailoverPlan) async throws -> Report {
        var phases: [Phase] = []
        var clock = ContinuousClock.now
        func phase(_ name: String) {
            phases.append(Phase(name: name, milliseconds: Self.milliseconds(since: clock)))
            clock = ContinuousClock.now
        }
        let journal = Journal(stateDirectory: access.inventory.stateDirectory)
        let run = "failover-\(Int(Date().timeIntervalSince1970))"
        let targetName = plan.target
        let fenceName = plan.fence?.node

        // Fence first: two writable primaries are worse than a short outage. A fence that
        // fails stops the failover here, before anything is promoted.
        var fenceAction = "none (no old primary in the inventory)"
        var fenceReport: InstanceFence.Report?
        if let fence = plan.fence, let old = access.inventory.databaseNode(named: fence.node) {
            do {
                (fenceAction, fenceReport) = try await fencer.fence(old, plan: fence, expectation: plan.fenceExpectation)
            } catch {
                let described = (error as? HostError).map { ($0.message, $0.hint) } ?? ("\(error)", nil)
                try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "fence of \(fence.node) failed: \(described.0); nothing promoted"))
                // Refused before acting (exit 2) or stopped midway, the fence half done (exit 4).
                let kind: HostError.Kind = (error as? HostError)?.kind == .refused ? .refused : .notRolledBack
                throw HostError(kind, "\(fence.node) could not be fenced: \(described.0); nothing was promoted",
                                hint: (described.1.map { $0 + "; " } ?? "") + "once you are sure \(fence.node) is down for good: pgwarden failover --unfenced \(fence.node)")
            }
            try journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "fenced \(fence.node): \(fenceAction)"))
        }
        phase("fence")

        progress("promote \(targetName) and wait until it takes writes")
        let target = try access.node(targetName)
        try await promote(target)
        phase("promote")
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "promoted \(targetName) (lag \(plan.lagBytes) bytes)\(plan.risks.isEmpty ? "" : "; accepted: " + plan.risks.joined(separator: "; "))"))

        progress("inventory: \(targetName) is the primary\(fenceName.map { ", \($0) is fenced" } ?? "")")
        var text = try AtomicFile.readText(inventoryPath)
        text = try InventoryRoleEdit.setRole(.primary, ofNode: targetName, in: text, path: inventoryPath)
        if let fenceName { text = try InventoryRoleEdit.setRole(.fenced, ofNode: fenceName, in: text, path: inventoryPath) }
        try AtomicFile.write(Array(text.utf8), to: inventoryPath, backupPath: access.inventory.stateDirectory + "/backups/warden.yaml.\(run)")
        phase("inventory")

        var report = Report(promoted: targetName, fenced: fenceName, fenceAction: fenceAction, lagBytes: plan.lagBytes, phases: phases, notes: [])
        report.instanceFence = fenceReport
        report.risks = plan.risks
        if let fence = plan.fence, case .unfenced = fence.method {
            report.notes.append("\(fence.node) is marked fenced in warden.yaml but was NOT fenced: if it still runs it takes writes; power it off, then `pgwarden rejoin \(fence.node)`")
        }
        try await repointServices(to: target, inventoryText: text, command: "failover", report: &report)
        if let share = access.inventory.fileShare {
            let drift = try ShareScanner.drift(share)
            report.notes.append("file share \(share.replica): \(drift?.summary ?? "not compared")\(drift?.inStep == false ? " — copy the share before services use it" : "")")
        }
        return report
    }

    var fencer: NodeFencer {
        var fencer = NodeFencer(access: access, progress: progress)
        fencer.fenceCommandQuietSeconds = fenceCommandQuietSeconds
        return fencer
    }

    /// Rewrites every service config of the inventory to the new primary (one verified,
    /// undoable step per file through the change engine), then logs in as each consumer.
    /// - Parameter command: `failover` or `switchover`: a plain `undo` never undoes such a run.
    func repointServices(to target: DatabaseNode, inventoryText: String, command: String, report: inout Report) async throws {
        let inventory = try InventoryParser.parse(inventoryText, path: inventoryPath)
        guard !inventory.services.isEmpty else { return }
        let started = ContinuousClock.now
        progress("repoint \(inventory.services.count) service config(s) to \(target.host):\(target.port)")
        var request = ServiceChangeRequest()
        request.hosts = [ConnectionHostList.Host(name: target.host, port: target.port)]
        let plan = try ServiceFleet.plan(inventory, request: request)
        let keyFile = SealingKeyFile.default(stateDirectory: inventory.stateDirectory)
        let executor = PlanExecutor(journal: Journal(inventory: inventory),
                                    performer: SiteStepPerformer(access: SiteAccess(inventory: inventory, secrets: access.secrets), keyFile: keyFile.exists ? keyFile : nil),
                                    command: command, refusesOnInterrupted: false)
        switch try await executor.run(plan) {
        case .completed(let applied):
            report.servicesRepointed = applied
        case .rolledBack(let step, let error):
            report.notes.append("services NOT repointed (\(step): \(error)); every file was restored; fix it and run: pgwarden services apply --repoint \(target.host):\(target.port)")
        case .rollbackFailed(let step, let error, let left):
            report.notes.append("services repoint failed at \(step): \(error); still changed: \(left.map(\.id).joined(separator: ", "))")
        }
        report.phases.append(Phase(name: "repoint", milliseconds: Self.milliseconds(since: started)))
        let verifyStarted = ContinuousClock.now
        progress("verify: each consumer logs in to \(target.name) with its own settings")
        report.consumerLogins = await ConsumerLoginCheck.run(services: inventory.services, keyFile: keyFile.exists ? keyFile : nil)
        for failed in report.consumerLogins where !failed.ok {
            report.notes.append("\(failed.service) [\(failed.entry)] cannot log in: \(failed.problem ?? "unknown")")
        }
        report.phases.append(Phase(name: "verify", milliseconds: Self.milliseconds(since: verifyStarted)))
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    // MARK: Phases

    /// pg_promote(), then wait until a transaction id can be assigned (a real write).
    func promote(_ node: DatabaseNode) async throws {
        try await access.withSuperuser(on: node) { session in
            let promoted = try await session.value("SELECT pg_promote(true, \(Int(writableWaitSeconds)))::text")
            guard promoted == "true" else {
                throw HostError(.verification, "pg_promote() on \(node.name) did not finish within \(Int(writableWaitSeconds)) s", hint: "see the node's server log")
            }
        }
        try await waitUntilWritable(node)
    }

    /// Waits until `node` is out of recovery and assigns a transaction id (a real write).
    func waitUntilWritable(_ node: DatabaseNode) async throws {
        let deadline = ContinuousClock.now + .seconds(writableWaitSeconds)
        while true {
            do {
                let writable = try await access.withSuperuser(on: node) { session -> Bool in
                    guard try await session.value("SELECT pg_is_in_recovery()::text") == "false" else { return false }
                    _ = try await session.value("SELECT txid_current()::text")
                    return true
                }
                if writable { return }
            } catch where ContinuousClock.now < deadline {}
            guard ContinuousClock.now < deadline else {
                throw HostError(.verification, "\(node.name) was promoted but does not accept writes", hint: "see the node's server log")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
