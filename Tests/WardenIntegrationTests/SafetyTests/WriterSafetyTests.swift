import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Two writers, a full disk, a damaged journal

@Suite("One writer, full disks and damaged journals", .serialized)
struct WriterSafetyTests {
    static let servicesApply = FaultSweepTests.servicesApply

    @Test("two writers: the second gets exit 2 naming the first; the first finishes; undo works")
    func secondWriterIsRefused() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            // The first writer stops itself (SIGSTOP) in the middle of its second step, lock held.
            let first = Task { try await CLIProcess.run(Self.servicesApply + common, fault: "step.intent#2:stop") }
            let holder = try await Self.waitForStoppedHolder(stateDirectory: inventory.stateDirectory)
            let second = try await CLIProcess.run(Self.servicesApply + common)
            #expect(second.status == 2)
            #expect(second.standardError.contains("site '\(inventory.site)' is being changed by pid \(holder) (pgwarden services apply, since "), "\(second.standardError)")
            let undo = try await CLIProcess.run(["undo"] + common)
            #expect(undo.status == 2, "undo waits its turn too")
            // Read-only commands take no lock.
            #expect(try await CLIProcess.run(["services", "plan", "--require-ssl"] + common).status == 0)
            kill(holder, SIGCONT)
            let finished = try await first.value
            #expect(finished.status == 0, "\(finished.standardError)")
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original)
        }
    }

    /// The pid in `lock.holder` once that process is stopped (state T).
    static func waitForStoppedHolder(stateDirectory: String) async throws -> pid_t {
        for _ in 0..<600 {
            if let bytes = try? AtomicFile.read(stateDirectory + "/lock.holder"),
               let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
               let pid = object["pid"] as? Int,
               let stat = try? AtomicFile.readText("/proc/\(pid)/stat"),
               let close = stat.lastIndex(of: ")"),
               stat[stat.index(close, offsetBy: 2)] == "T" {
                return pid_t(pid)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HostError(.timeout, "the first writer never stopped holding the lock")
    }

    @Test("a state directory on a full tmpfs: nothing is left changed, the journal stays readable, undo and apply work once space is free")
    func fullDisk() async throws {
        guard geteuid() == 0 else {
            print("skipped: mounting a small tmpfs needs root")
            return
        }
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let stateDirectory = site.directory + "/small-state"
            try Directories.create(stateDirectory, mode: 0o700)
            let mount = try await ProcessRunner().run("/bin/mount", ["-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", stateDirectory])
            guard mount.status == 0 else {
                print("skipped: cannot mount a tmpfs here: \(mount.standardError)")
                return
            }
            defer { _ = umount2(stateDirectory, Int32(MNT_DETACH)) }
            let yaml = try AtomicFile.readText(site.inventoryPath)
            try AtomicFile.write(Array(yaml.replacingOccurrences(of: "state_dir: state", with: "state_dir: small-state").utf8), to: site.inventoryPath)
            let inventory = try site.inventory()
            #expect(inventory.stateDirectory == stateDirectory)
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            let filler = stateDirectory + "/filler"
            // Leave more and more room: the run fails somewhere else each time (backups,
            // intents, outcomes), or finishes. Either way no file is left half changed.
            var failures = 0
            for room in [0, 2048, 6144, 12288, 24576] {
                unlink(filler)
                Self.fill(filler, leaving: room, in: stateDirectory)
                let full = try await CLIProcess.run(Self.servicesApply + common)
                unlink(filler)
                if full.status == 0 {
                    #expect(try await CLIProcess.run(["undo"] + common).status == 0, "room \(room)")
                } else {
                    failures += 1
                    #expect(full.status == 2 || full.status == 3, "room \(room): \(full.standardOutput) \(full.standardError)")
                }
                #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original, "room \(room): files changed with a full state directory")
                let journal = try Journal(inventory: inventory).read()
                #expect(journal.tornTailOffset == nil && journal.damagedLines.isEmpty, "room \(room): a failed append left a torn line")
                let undo = try await CLIProcess.run(["undo"] + common)
                #expect(undo.status == 0, "room \(room): \(undo.standardError)")
            }
            #expect(failures >= 3, "the state directory was never full enough to fail a run")
            let applied = try await CLIProcess.run(Self.servicesApply + common)
            #expect(applied.status == 0, "with space again: \(applied.standardOutput) \(applied.standardError)")
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original)
        }
    }

    /// Writes `path` until the filesystem has about `room` bytes left.
    static func fill(_ path: String, leaving room: Int, in directory: String) {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return }
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x41, count: 1024)
        var left = max(0, free - room)
        while left > 0 {
            let count = min(left, chunk.count)
            guard chunk.withUnsafeBytes({ write(fd, $0.baseAddress, count) }) == count else { break }
            left -= count
        }
    }

    @Test("a torn last line is cut and said; a damaged line in the middle is skipped and said; undo still works")
    func damagedJournal() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            let journal = Journal(inventory: inventory)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            #expect(try await CLIProcess.run(["services", "apply", "--require-ssl"] + common).status == 0)
            var bytes = try AtomicFile.read(journal.path)
            // A damaged line in the middle (bit rot) and a torn tail (a crash mid-append).
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            var middle = Array(lines[2])
            middle[middle.count / 2] ^= 0x20
            bytes = Array((lines[0..<2] + [middle[...]] + lines[3...]).joined(separator: [0x0A]))
            bytes += Array("{\"event\":\"begin\",\"run\":\"x".utf8)
            try AtomicFile.write(bytes, to: journal.path)
            let undo = try await CLIProcess.run(["undo"] + common)
            #expect(undo.status == 0, "\(undo.standardError)")
            #expect(undo.standardError.contains("cut a torn last record"))
            #expect(undo.standardError.contains("skipped damaged line(s) 3"))
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original)
            let after = try journal.read()
            #expect(after.tornTailOffset == nil)
        }
    }

    @Test("connstr set on a site is a journaled step: backup in the state directory, undo restores, a crash mid-write is undone too")
    func connstrSetIsJournaled() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            let service = try #require(inventory.services.first { $0.file.hasSuffix("Repository.exe.config") })
            let original = try AtomicFile.read(service.file)
            let set = ["connstr", "set", service.file, "QSR", "ssl_mode=require", "password"] + common
            let written = try await CLIProcess.run(set, stdin: "a-new-repository-password\n")
            #expect(written.status == 0, "\(written.standardError)")
            #expect(written.standardOutput.contains("undo with: pgwarden undo"))
            #expect(!AtomicFile.exists(service.file + ".pgwarden-backup"), "no plaintext backup beside the file")
            #expect(AtomicFile.exists(AtomicFile.backupPath(stateDirectory: inventory.stateDirectory, kind: "services", sha256: FileDigest.sha256(original))))
            #expect(try AtomicFile.read(service.file) != original)
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try AtomicFile.read(service.file) == original)
            // Killed right after the rename: undo still finds the intent and restores.
            let crashed = try await CLIProcess.run(set, fault: "file.renamed#2", stdin: "a-new-repository-password\n")
            #expect(crashed.status == 137)
            #expect(try AtomicFile.read(service.file) != original)
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try AtomicFile.read(service.file) == original)
        }
    }

    @Test("undo stops at a step it cannot revert and undoes nothing after it; --skip STEP --reason goes past it, on the record")
    func undoStopsThenSkips() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            let applied = try await CLIProcess.run(["services", "apply", "--require-ssl", "--format", "json"] + common)
            #expect(applied.status == 0, "\(applied.standardError)")
            let run = try #require(UndoWork.latest(in: try Journal(inventory: inventory).records()))
            // Someone edits the file of the step undo meets first.
            let first = try #require(run.steps.first)
            guard case .editServiceFile(_, let edited, _, _, _) = first.step.action else { Issue.record("not a file step"); return }
            try AtomicFile.write(Array("edited by hand\n".utf8), to: edited)
            let afterApply = try inventory.services.map { try AtomicFile.read($0.file) }

            let stopped = try await CLIProcess.run(["undo"] + common)
            #expect(stopped.status == 1)
            #expect(stopped.standardError.contains("could not undo \(first.step.id)"))
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == afterApply, "nothing after the stuck step was undone")

            let noReason = try await CLIProcess.run(["undo", "--skip", first.step.id] + common)
            #expect(noReason.status != 0 && noReason.standardError.contains("--skip needs --reason"))
            let skipped = try await CLIProcess.run(["undo", "--skip", first.step.id, "--reason", "edited by the app team"] + common)
            #expect(skipped.status == 0, "\(skipped.standardError)")
            for (service, bytes) in zip(inventory.services, original) where service.file != edited {
                #expect(try AtomicFile.read(service.file) == bytes, "\(service.file) is back")
            }
            #expect(try AtomicFile.readText(edited) == "edited by hand\n", "the skipped file is left as it is")
            let records = try Journal(inventory: inventory).records()
            #expect(records.contains { $0.event == .undone && $0.stepID == first.step.id && $0.message == "skipped by the operator: edited by the app team" })
            #expect(try await CLIProcess.run(["undo"] + common).standardOutput.contains("Nothing to undo"))
        }
    }

    @Test("backups of files that hold passwords are sealed when the site has a key; undo opens them, across a key rotation too")
    func backupsAreSealed() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            let password = try AtomicFile.readText(site.directory + "/secrets/\(LabSite.repositoryRole).password").trimmingCharacters(in: .whitespacesAndNewlines)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            #expect(original.contains { String(decoding: $0, as: UTF8.self).contains(password) }, "the lab's configs hold the password in clear")
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            #expect(try await CLIProcess.run(["services", "apply", "--seal"] + common).status == 0)
            let backups = inventory.stateDirectory + "/backups/services"
            let names = try FileManager.default.contentsOfDirectory(atPath: backups)
            #expect(!names.isEmpty)
            for name in names {
                let text = String(decoding: try AtomicFile.read(backups + "/" + name), as: UTF8.self)
                #expect(text.hasPrefix("pgwarden sealed backup v1\n"), "\(name) is sealed")
                #expect(!text.contains(password), "\(name) holds the password in clear")
            }
            // A rotation retires the key that sealed the backups; undo still opens them.
            #expect(try await CLIProcess.run(["key", "rotate"] + common).status == 0)
            #expect(try await CLIProcess.run(["undo"] + common).status == 0, "undo of key rotate's re-seal")
            let undo = try await CLIProcess.run(["undo"] + common)
            #expect(undo.status == 0, "\(undo.standardError)")
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original)
        }
    }

    @Test("a journal written by a newer pgwarden is refused, never cut")
    func newerJournalIsRefused() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? Directories.remove(directory) }
        let journal = Journal(stateDirectory: directory, site: "lab")
        try journal.append(JournalRecord(time: "t", run: "r1", event: .runStarted))
        var record = JournalRecord(time: "t", run: "r1", event: .runFinished)
        record.format = JournalRecord.currentFormat + 1
        let newer = try Journal.encode(record)
        let before = try AtomicFile.read(journal.path) + newer
        try AtomicFile.write(before, to: journal.path)
        #expect(throws: HostError.self) { try journal.read() }
        #expect(throws: HostError.self) { try journal.repairTail() }
        #expect(try AtomicFile.read(journal.path) == before)
        // Another site's journal is refused too.
        #expect(throws: HostError.self) { try Journal(stateDirectory: directory, site: "other").read() }
    }
}

// MARK: - Ctrl-C, a dropped terminal, a closed pipe

@Suite("Signals stop a run at a step boundary and roll it back", .serialized)
struct SignalSafetyTests {
    static let servicesApply = FaultSweepTests.servicesApply

    /// The run stops itself in the middle of a step (after that step's rename), the signal
    /// arrives while it is stopped, and it is let go: the step in flight finishes, the run
    /// rolls back everything at the next boundary and exits 3.
    @Test("Ctrl-C (SIGINT) and a dropped terminal (SIGHUP) mid-step: rolled back, exit 3", arguments: [SIGINT, SIGHUP])
    func signalMidStep(_ signalNumber: Int32) async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            let run = Task { try await CLIProcess.run(Self.servicesApply + common, fault: "file.renamed#3:stop") }
            let pid = try await WriterSafetyTests.waitForStoppedHolder(stateDirectory: inventory.stateDirectory)
            kill(pid, signalNumber)
            kill(pid, SIGCONT)
            let result = try await run.value
            #expect(result.status == 3, "\(result.standardOutput) \(result.standardError)")
            #expect(result.standardError.contains("stopped by a signal"))
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original)
            #expect(try await CLIProcess.run(["undo"] + common).standardOutput.contains("Nothing to undo"))
        }
    }

    /// `pgwarden services apply 2>&1 | head -n 1`: every write after the first line meets a
    /// closed pipe. The run must not die in the middle of a step: it finishes (or rolls
    /// back) as if the output were still read, and undo restores every file.
    @Test("a closed output pipe (| head -n 1) never kills a run mid-step")
    func closedPipe() async throws {
        try await ServicesLabCLITests.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let inventory = try site.inventory()
            #expect(try await CLIProcess.run(["key", "init"] + common).status == 0)
            let original = try inventory.services.map { try AtomicFile.read($0.file) }
            let command = ([CLIProcess.binary] + Self.servicesApply + common).map { "'\($0)'" }.joined(separator: " ")
            let piped = try await ProcessRunner().run("/bin/sh", ["-c", "\(command) 2>&1 | head -n 1; exit ${PIPESTATUS:-0}"], environment: ["PATH": "/usr/bin:/bin"])
            #expect(piped.status == 0, "\(piped.standardError)")
            let journal = try Journal(inventory: inventory).records()
            #expect(journal.last?.event == .runFinished, "the run went to its end: \(journal.last.map { "\($0.event)" } ?? "no journal")")
            #expect(try await CLIProcess.run(["undo"] + common).status == 0)
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == original)
        }
    }
}

// MARK: - The lock and the servers pgwarden starts

@Suite("A server pgwarden starts never holds the site lock")
struct LockInheritanceTests {
    /// `replica add` starts db2's postmaster while it holds the lock. Opened close-on-exec,
    /// the lock's descriptor does not reach pg_ctl or the postmaster: once pgwarden exits, no
    /// process has the lock file open, and the next writer gets the lock.
    @Test func replicaAddLeavesNoHolder() async throws {
        try await withLab(standby: true) { site in
            let common = ["--inventory", site.inventoryPath]
            let added = try await CLIProcess.run(["replica", "add", "db2"] + common)
            #expect(added.status == 0, "\(added.standardError)")
            let inventory = try site.inventory()
            let lock = inventory.stateDirectory + "/lock"
            #expect(AtomicFile.exists(lock))
            #expect(Self.processesHolding(lock).isEmpty, "processes with the lock open: \(Self.processesHolding(lock))")
            let next = try SiteLock.acquire(stateDirectory: inventory.stateDirectory, site: inventory.site, command: "test")
            #expect(next.path == lock)
        }
    }

    /// Pids whose open descriptors include `path`.
    static func processesHolding(_ path: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.filter { pid in
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) == path }
        }
    }
}
