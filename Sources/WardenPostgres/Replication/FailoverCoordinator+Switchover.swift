import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden switchover

extension FailoverCoordinator {
    /// Checks that a switchover to `targetName` can start (a streaming standby, a local
    /// primary) and says what it will do; changes nothing.
    public func prepareSwitchover(to targetName: String) async throws -> SwitchoverPlan {
        guard let old = access.inventory.primary else {
            throw HostError(.refused, "the inventory names no primary", hint: "mark one database node role: primary")
        }
        let target = try access.node(targetName)
        let targetState = await ReplicationStatusCollector.collect(node: target, access: access, timeoutSeconds: 1)
        guard targetState.role == .standby, targetState.streaming == true else {
            throw HostError(.refused, "\(targetName) is not a streaming standby (\(targetState.problem ?? targetState.role.rawValue))", hint: "check `pgwarden status`; a switchover needs the target streaming from the primary")
        }
        guard old.access == .local, AtomicFile.exists(old.dataDirectory + "/PG_VERSION") else {
            throw HostError(.refused, "the primary's data directory is not on this machine", hint: "switchover stops the primary cleanly, which pgwarden can only do for local nodes")
        }
        let oldState = await ReplicationStatusCollector.collect(node: old, access: access, timeoutSeconds: 1)
        let lag = oldState.position.map { $0.bytes(since: targetState.position ?? LSN(0)) } ?? 0
        return SwitchoverPlan(oldPrimary: old.name, target: targetName, lagBytes: lag, servicesToRepoint: access.inventory.services.count)
    }

    /// Checks and carries out a switchover without asking.
    public func switchover(to targetName: String) async throws -> Report {
        try await switchover(try await prepareSwitchover(to: targetName))
    }

    /// A planned switchover without data loss: checkpoint and cleanly stop the primary, wait
    /// until the target has replayed its shutdown checkpoint, promote the target, record the
    /// swap in the inventory, and start the old primary as a standby of the new one.
    ///
    /// When the target fails before it takes writes, the switchover rolls back (exit 3):
    /// the target is fenced first if `pg_promote()` was sent (its startup process may finish
    /// promoting later — reproduction 9), then the old primary starts again as primary and
    /// must take a write. When the target cannot be fenced, the old primary stays stopped
    /// (exit 4): two primaries are worse than none.
    public func switchover(_ plan: SwitchoverPlan) async throws -> Report {
        var phases: [Phase] = []
        var clock = ContinuousClock.now
        func phase(_ name: String) {
            phases.append(Phase(name: name, milliseconds: Self.milliseconds(since: clock)))
            clock = ContinuousClock.now
        }
        let old = try access.node(plan.oldPrimary)
        let target = try access.node(plan.target)
        let targetName = target.name
        let binaries = try await PostgresBinaries.locate(explicit: old.binDirectory)
        let owner = OSAccount.owner(of: old.dataDirectory) ?? PostgresServerControl.defaultOSUser
        let control = PostgresServerControl(binaries: binaries, dataDirectory: old.dataDirectory, osUser: owner)
        let run = "switchover-\(Int(Date().timeIntervalSince1970))"
        let journal = Journal(stateDirectory: access.inventory.stateDirectory)
        phase("observe")

        progress("checkpoint and stop \(old.name) cleanly")
        try await access.withSuperuser(on: old) { session in try await session.execute("CHECKPOINT") }
        try await control.stop(mode: "fast")
        var signalInfo = stat()
        guard stat(old.dataDirectory, &signalInfo) == 0 else { throw HostError.posix("read the owner of", old.dataDirectory, errno: errno) }
        try AtomicFile.write([], to: old.dataDirectory + "/standby.signal", mode: 0o600, owner: FileOwner(uid: signalInfo.st_uid, gid: signalInfo.st_gid))
        let controlData = try await DataDirectoryInspector.controlData(of: old.dataDirectory, binaries: binaries)
        guard let finalCheckpoint = controlData.latestCheckpoint, let systemIdentifier = controlData.systemIdentifier else {
            throw try await rollBack(old: old, control: control, target: target, promoteSent: false, systemIdentifier: nil, run: run,
                                     reason: "cannot read \(old.name)'s last checkpoint from pg_controldata")
        }
        phase("stop")

        progress("wait until \(targetName) has replayed \(old.name)'s shutdown checkpoint (\(finalCheckpoint))")
        let deadline = ContinuousClock.now + .seconds(writableWaitSeconds)
        while true {
            let replayed = try? await access.withSuperuser(on: target) { session in
                try await session.value("SELECT pg_last_wal_replay_lsn()::text").flatMap(LSN.init)
            }
            if let replayed, replayed > finalCheckpoint { break }
            guard ContinuousClock.now < deadline else {
                throw try await rollBack(old: old, control: control, target: target, promoteSent: false, systemIdentifier: systemIdentifier, run: run,
                                         reason: "\(targetName) did not replay \(old.name)'s last WAL within \(Int(writableWaitSeconds)) s")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        phase("catch-up")

        progress("promote \(targetName)")
        do {
            if let beforePromote { try await beforePromote(target) }
            try await promote(target)
        } catch {
            throw try await rollBack(old: old, control: control, target: target, promoteSent: true, systemIdentifier: systemIdentifier, run: run,
                                     reason: "promoting \(targetName) failed: \((error as? HostError)?.message ?? String(describing: error))")
        }
        phase("promote")

        var text = try AtomicFile.readText(inventoryPath)
        text = try InventoryRoleEdit.setRole(.primary, ofNode: targetName, in: text, path: inventoryPath)
        text = try InventoryRoleEdit.setRole(.standby, ofNode: old.name, in: text, path: inventoryPath)
        try AtomicFile.write(Array(text.utf8), to: inventoryPath, backupPath: access.inventory.stateDirectory + "/backups/warden.yaml.\(run)")
        try journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "switchover \(old.name) -> \(targetName)"))
        phase("inventory")

        var report = Report(promoted: targetName, fenced: nil, fenceAction: "\(old.name) stopped cleanly and now follows \(targetName)", lagBytes: 0, phases: phases, notes: [])
        try await repointServices(to: target, inventoryText: text, command: "switchover", report: &report)

        progress("start \(old.name) as a standby of \(targetName)")
        let rejoinStarted = ContinuousClock.now
        let swapped = SiteAccess(inventory: try InventoryParser.parse(text, path: inventoryPath), secrets: access.secrets)
        try await ReplicaProvisioner(access: swapped, progress: progress).follow(old.name)
        report.phases.append(Phase(name: "rejoin", milliseconds: Self.milliseconds(since: rejoinStarted)))
        return report
    }

    // MARK: Rollback

    /// Puts the site back as it was before the switchover and returns the error to throw:
    /// `.rolledBack` (exit 3) when the old primary takes writes again, `.notRolledBack`
    /// (exit 4) when it could not be made so safely.
    ///
    /// Once `pg_promote()` was sent, the target may still finish promoting on its own, so
    /// it is fenced (every process of it, here, or its fence_command) before the old primary
    /// may start as primary; the inventory then marks the target `fenced`.
    private func rollBack(old: DatabaseNode, control: PostgresServerControl, target: DatabaseNode, promoteSent: Bool,
                          systemIdentifier: String?, run: String, reason: String) async throws -> HostError {
        let journal = Journal(stateDirectory: access.inventory.stateDirectory)
        var done: [String] = []
        if promoteSent {
            progress("roll back: fence \(target.name) before \(old.name) may start again")
            do {
                let plan: FencePlan
                let expectation: InstanceFence.Expectation?
                if let systemIdentifier, target.access == .local, AtomicFile.exists(target.dataDirectory + "/PG_VERSION") {
                    plan = FencePlan(node: target.name, reachable: false, method: .instance)
                    expectation = InstanceFence.Expectation(node: target.name, systemIdentifier: systemIdentifier, port: target.port)
                } else if target.fenceCommand != nil {
                    plan = FencePlan(node: target.name, reachable: false, method: .command)
                    expectation = nil
                } else {
                    throw HostError(.refused, "\(target.name) cannot be fenced from here (no local data directory, no fence_command)")
                }
                let (action, _) = try await fencer.fence(target, plan: plan, expectation: expectation)
                done.append("\(target.name) fenced: \(action)")
                var text = try AtomicFile.readText(inventoryPath)
                text = try InventoryRoleEdit.setRole(.fenced, ofNode: target.name, in: text, path: inventoryPath)
                try AtomicFile.write(Array(text.utf8), to: inventoryPath, backupPath: access.inventory.stateDirectory + "/backups/warden.yaml.\(run)")
            } catch {
                let why = (error as? HostError)?.message ?? String(describing: error)
                try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "switchover to \(target.name) failed (\(reason)); \(target.name) could not be fenced (\(why)); \(old.name) left stopped"))
                return HostError(.notRolledBack,
                                 "switchover to \(target.name) failed (\(reason)) and was NOT rolled back: \(target.name) could not be fenced (\(why)), so \(old.name) was left stopped, with a standby.signal, to avoid two primaries",
                                 hint: "make sure \(target.name) is down, then on \(old.name): rm \(old.dataDirectory)/standby.signal && pg_ctl -D \(old.dataDirectory) start")
            }
        }
        progress("roll back: start \(old.name) as the primary again")
        do {
            let signal = old.dataDirectory + "/standby.signal"
            if AtomicFile.exists(signal) {
                guard unlink(signal) == 0 else { throw HostError.posix("remove", signal, errno: errno) }
                try AtomicFile.syncDirectory(old.dataDirectory)
            }
            try await control.start(logFile: (old.dataDirectory as NSString).deletingLastPathComponent + "/server.log")
            try await waitUntilWritable(old)
            done.append("\(old.name) is the primary again and takes writes")
        } catch {
            let why = (error as? HostError)?.message ?? String(describing: error)
            try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "switchover to \(target.name) failed (\(reason)); restarting \(old.name) failed: \(why)"))
            return HostError(.notRolledBack, "switchover to \(target.name) failed (\(reason)) and \(old.name) could not be started again as primary: \(why)\(done.isEmpty ? "" : "; " + done.joined(separator: "; "))",
                             hint: "see \(old.name)'s server log; start it by hand with pg_ctl -D \(old.dataDirectory) start")
        }
        try? journal.append(JournalRecord(time: Journal.now(), run: run, event: .failover, message: "switchover to \(target.name) rolled back (\(reason)): \(done.joined(separator: "; "))"))
        return HostError(.rolledBack, "switchover to \(target.name) failed and was rolled back: \(reason); \(done.joined(separator: "; "))",
                         hint: promoteSent ? "find out why \(target.name) failed (its server log), then `pgwarden rejoin \(target.name)`" : "check replication with `pgwarden status`, then try again")
    }
}
