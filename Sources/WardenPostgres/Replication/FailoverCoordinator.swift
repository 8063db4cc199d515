import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden failover

/// Carries out a ``FailoverDecision``: fence the old primary, promote the target, wait
/// until it takes writes, and record the new roles in the inventory and the journal.
///
/// Fencing means two things: the old primary is stopped when it is reachable, and a
/// `standby.signal` is left in its data directory, so that whoever starts it again — a
/// reboot, a service manager, a hurried admin — gets a read-only standby, never a second
/// primary. The inventory marks it `fenced`; `pgwarden rejoin` turns it into a real standby.
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
    }

    let access: SiteAccess
    let inventoryPath: String
    let progress: Progress
    var writableWaitSeconds: Double = 30

    public init(access: SiteAccess, inventoryPath: String, progress: @escaping Progress = { _ in }) {
        self.access = access
        self.inventoryPath = inventoryPath
        self.progress = progress
    }

    public func failover(to requested: String?, force: Bool) async throws -> Report {
        var phases: [Phase] = []
        var clock = ContinuousClock.now
        func phase(_ name: String) {
            phases.append(Phase(name: name, milliseconds: Self.milliseconds(since: clock)))
            clock = ContinuousClock.now
        }

        progress("observe: every node's role and WAL position")
        let states = await ReplicationStatusCollector.collect(access, timeoutSeconds: 1)
        let decision = FailoverDecision(inventoryPrimary: access.inventory.primary?.name, nodes: states, requestedTarget: requested, force: force)
        guard case .promote(let targetName, let fenceName, let fenceReachable, let lag) = decision.outcome else {
            if case .refuse(let reason, let hint) = decision.outcome { throw HostError(.verification, reason, hint: hint) }
            throw HostError(.verification, "failover refused")
        }
        phase("observe")
        let journal = Journal(stateDirectory: access.inventory.stateDirectory)
        let run = "failover-\(Int(Date().timeIntervalSince1970))"

        // Fence first: two writable primaries are worse than a short outage.
        var fenceAction = "none (no old primary in the inventory)"
        if let fenceName, let old = access.inventory.databaseNode(named: fenceName) {
            fenceAction = try await fence(old, reachable: fenceReachable)
            try journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "fenced \(fenceName): \(fenceAction)"))
        }
        phase("fence")

        progress("promote \(targetName) and wait until it takes writes")
        let target = try access.node(targetName)
        try await promote(target)
        phase("promote")
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "promoted \(targetName) (lag \(lag) bytes)"))

        progress("inventory: \(targetName) is the primary\(fenceName.map { ", \($0) is fenced" } ?? "")")
        var text = try AtomicFile.readText(inventoryPath)
        text = try InventoryRoleEdit.setRole(.primary, ofNode: targetName, in: text, path: inventoryPath)
        if let fenceName { text = try InventoryRoleEdit.setRole(.fenced, ofNode: fenceName, in: text, path: inventoryPath) }
        try AtomicFile.write(Array(text.utf8), to: inventoryPath, backupPath: access.inventory.stateDirectory + "/backups/warden.yaml.\(run)")
        phase("inventory")

        var report = Report(promoted: targetName, fenced: fenceName, fenceAction: fenceAction, lagBytes: lag, phases: phases, notes: [])
        try await repointServices(to: target, inventoryText: text, report: &report)
        if let share = access.inventory.fileShare {
            let drift = try ShareScanner.drift(share)
            report.notes.append("file share \(share.replica): \(drift?.summary ?? "not compared")\(drift?.inStep == false ? " — copy the share before services use it" : "")")
        }
        return report
    }

    /// Rewrites every service config of the inventory to the new primary (one verified,
    /// undoable step per file through the change engine), then logs in as each consumer.
    private func repointServices(to target: DatabaseNode, inventoryText: String, report: inout Report) async throws {
        let inventory = try InventoryParser.parse(inventoryText, path: inventoryPath)
        guard !inventory.services.isEmpty else { return }
        let started = ContinuousClock.now
        progress("repoint \(inventory.services.count) service config(s) to \(target.host):\(target.port)")
        var request = ServiceChangeRequest()
        request.hosts = [ConnectionHostList.Host(name: target.host, port: target.port)]
        let plan = try ServiceFleet.plan(inventory, request: request)
        let keyFile = SealingKeyFile.default(stateDirectory: inventory.stateDirectory)
        let executor = PlanExecutor(journal: Journal(stateDirectory: inventory.stateDirectory),
                                    performer: SiteStepPerformer(access: SiteAccess(inventory: inventory, secrets: access.secrets), keyFile: keyFile.exists ? keyFile : nil))
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

    /// A planned switchover without data loss: checkpoint and cleanly stop the primary, wait
    /// until the target has replayed its shutdown checkpoint, promote the target, record the
    /// swap in the inventory, and start the old primary as a standby of the new one.
    public func switchover(to targetName: String) async throws -> Report {
        var phases: [Phase] = []
        var clock = ContinuousClock.now
        func phase(_ name: String) {
            phases.append(Phase(name: name, milliseconds: Self.milliseconds(since: clock)))
            clock = ContinuousClock.now
        }
        guard let old = access.inventory.primary else {
            throw HostError(.verification, "the inventory names no primary", hint: "mark one database node role: primary")
        }
        let target = try access.node(targetName)
        let targetState = await ReplicationStatusCollector.collect(node: target, access: access, timeoutSeconds: 1)
        guard targetState.role == .standby, targetState.streaming == true else {
            throw HostError(.verification, "\(targetName) is not a streaming standby (\(targetState.problem ?? targetState.role.rawValue))", hint: "check `pgwarden status`; a switchover needs the target streaming from the primary")
        }
        guard old.access == .local, AtomicFile.exists(old.dataDirectory + "/PG_VERSION") else {
            throw HostError(.verification, "the primary's data directory is not on this machine", hint: "switchover stops the primary cleanly, which pgwarden can only do for local nodes")
        }
        let binaries = try await PostgresBinaries.locate(explicit: old.binDirectory)
        let owner = OSAccount.owner(of: old.dataDirectory) ?? PostgresServerControl.defaultOSUser
        let control = PostgresServerControl(binaries: binaries, dataDirectory: old.dataDirectory, osUser: owner)
        phase("observe")

        progress("checkpoint and stop \(old.name) cleanly")
        try await access.withSuperuser(on: old) { session in try await session.execute("CHECKPOINT") }
        try await control.stop(mode: "fast")
        try AtomicFile.write([], to: old.dataDirectory + "/standby.signal", mode: 0o600)
        if OSAccount.isRoot { try OSAccount.changeOwner(old.dataDirectory + "/standby.signal", to: owner, recursive: false) }
        let finalCheckpoint = try await latestCheckpoint(binaries: binaries, dataDirectory: old.dataDirectory, owner: owner)
        phase("stop")

        progress("wait until \(targetName) has replayed \(old.name)'s shutdown checkpoint (\(finalCheckpoint))")
        let deadline = ContinuousClock.now + .seconds(writableWaitSeconds)
        while true {
            let replayed = try await access.withSuperuser(on: target) { session in
                try await session.value("SELECT pg_last_wal_replay_lsn()::text").flatMap(LSN.init)
            }
            if let replayed, replayed > finalCheckpoint { break }
            guard ContinuousClock.now < deadline else {
                throw HostError(.verification, "\(targetName) did not replay \(old.name)'s last WAL in time; nothing promoted", hint: "start \(old.name) again (it has a standby.signal now: remove it first) and check replication")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        phase("catch-up")

        progress("promote \(targetName)")
        try await promote(target)
        phase("promote")

        let run = "switchover-\(Int(Date().timeIntervalSince1970))"
        var text = try AtomicFile.readText(inventoryPath)
        text = try InventoryRoleEdit.setRole(.primary, ofNode: targetName, in: text, path: inventoryPath)
        text = try InventoryRoleEdit.setRole(.standby, ofNode: old.name, in: text, path: inventoryPath)
        try AtomicFile.write(Array(text.utf8), to: inventoryPath, backupPath: access.inventory.stateDirectory + "/backups/warden.yaml.\(run)")
        try Journal(stateDirectory: access.inventory.stateDirectory).append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "switchover \(old.name) -> \(targetName)"))
        phase("inventory")

        var report = Report(promoted: targetName, fenced: nil, fenceAction: "\(old.name) stopped cleanly and now follows \(targetName)", lagBytes: 0, phases: phases, notes: [])
        try await repointServices(to: target, inventoryText: text, report: &report)

        progress("start \(old.name) as a standby of \(targetName)")
        let rejoinStarted = ContinuousClock.now
        let swapped = SiteAccess(inventory: try InventoryParser.parse(text, path: inventoryPath), secrets: access.secrets)
        try await ReplicaProvisioner(access: swapped, progress: progress).follow(old.name)
        report.phases.append(Phase(name: "rejoin", milliseconds: Self.milliseconds(since: rejoinStarted)))
        return report
    }

    /// `Latest checkpoint location` from pg_controldata of a stopped cluster.
    private func latestCheckpoint(binaries: PostgresBinaries, dataDirectory: String, owner: String) async throws -> LSN {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        let result = try await ProcessRunner().run(binaries.path("pg_controldata"), [dataDirectory], user: owner, environment: environment)
        for line in result.standardOutput.split(separator: "\n") where line.hasPrefix("Latest checkpoint location:") {
            if let text = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces), let lsn = LSN(text) { return lsn }
        }
        throw HostError(.process, "cannot read the last checkpoint of \(dataDirectory) from pg_controldata", hint: result.standardError)
    }

    // MARK: Phases

    /// Stops the old primary when it runs here and leaves a standby.signal behind.
    private func fence(_ node: DatabaseNode, reachable: Bool) async throws -> String {
        guard node.access == .local, AtomicFile.exists(node.dataDirectory + "/PG_VERSION") else {
            return reachable ? "NOT fenced: its data directory is not on this machine; stop it by hand" : "unreachable and not on this machine; it must not be restarted"
        }
        let owner = OSAccount.owner(of: node.dataDirectory) ?? PostgresServerControl.defaultOSUser
        let control = PostgresServerControl(binaries: try await PostgresBinaries.locate(explicit: node.binDirectory), dataDirectory: node.dataDirectory, osUser: owner)
        var actions: [String] = []
        if control.isRunning {
            progress("fence \(node.name): stop it")
            try await control.stop(mode: "fast")
            actions.append("stopped")
        } else {
            actions.append("not running")
        }
        let signal = node.dataDirectory + "/standby.signal"
        if !AtomicFile.exists(signal) {
            try AtomicFile.write([], to: signal, mode: 0o600)
            if OSAccount.isRoot { try OSAccount.changeOwner(signal, to: owner, recursive: false) }
        }
        actions.append("standby.signal written so it can only start read-only")
        return actions.joined(separator: "; ")
    }

    /// pg_promote(), then wait until a transaction id can be assigned (a real write).
    private func promote(_ node: DatabaseNode) async throws {
        try await access.withSuperuser(on: node) { session in
            let promoted = try await session.value("SELECT pg_promote(true, \(Int(writableWaitSeconds)))::text")
            guard promoted == "true" else {
                throw HostError(.verification, "pg_promote() on \(node.name) did not finish within \(Int(writableWaitSeconds)) s", hint: "see the node's server log")
            }
        }
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
