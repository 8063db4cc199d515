import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Fencing a local PostgreSQL instance: every process, not the postmaster alone

/// Ends every process of a PostgreSQL server on this machine so that nothing of it can
/// commit again, and leaves it able to start only as a read-only standby.
///
/// Why not `pg_ctl stop`: it signals the PID in postmaster.pid (which may be recycled) and
/// only the postmaster. A SIGSTOPped postmaster never forwards the shutdown, and when the
/// postmaster is killed its backends live on for a second or more — long enough for an
/// in-flight transaction to COMMIT after a standby was promoted (issue 11, reproduction 4a).
///
/// The order matters:
/// 1. the directory's identity is proven (``DataDirectoryIdentity``): a wrong `data_dir`
///    must not receive a standby.signal nor have "its" processes killed;
/// 2. `standby.signal` is written and fsync'd with its directory *first*, so a restart by a
///    service manager at any later moment comes up read-only;
/// 3. every process whose `/proc/PID/cwd` is the data directory (each PostgreSQL process
///    changes into it) and whose executable is `postgres` is opened by pidfd;
/// 4. all are SIGSTOPped before any is killed, so none can act (fork, commit, restart a
///    child) while the others die — a stopped postmaster is covered the same way;
/// 5. all get SIGKILL, and the directory is rescanned until no process is left or the
///    deadline passes. A zombie is gone; a process in D-state with SIGKILL pending can never
///    run user code again, counts as fenced and is listed in the report.
///
/// No cgroup is used, neither to freeze nor to kill: a server started by hand lives in the
/// admin's session scope, and killing that kills the admin's shell; the per-process pidfd
/// path works for every way a server can be started. The SysV shared-memory `nattch` check
/// is not made; the directory scan is the proof.
public struct InstanceFence: Sendable {
    /// What the fence must find before it acts.
    public struct Expectation: Sendable, Hashable {
        /// The node's name, for messages.
        public var node: String
        /// The system identifier the directory must carry (from the node or a standby).
        public var systemIdentifier: String
        /// The node's port, which postmaster.pid must name when it exists.
        public var port: Int

        public init(node: String, systemIdentifier: String, port: Int) {
            self.node = node
            self.systemIdentifier = systemIdentifier
            self.port = port
        }
    }

    /// What the fence did.
    public struct Report: Sendable, Codable, Hashable {
        public var dataDirectory: String
        /// Processes that were stopped and killed, by PID.
        public var killed: [Int32]
        /// Processes left in D-state with SIGKILL pending: fenced, but not yet exited.
        public var stuck: [Int32]
        public var milliseconds: Double
        /// Scans of the directory it took until nothing was left.
        public var rounds: Int
        /// Whether signals went through pidfds (false: `kill` after a re-check).
        public var usedPIDFileDescriptors: Bool

        public var summary: String {
            var text = "standby.signal written; \(killed.count) process(es) stopped and killed in \(String(format: "%.0f", milliseconds)) ms"
            if !stuck.isEmpty { text += "; \(stuck.count) stuck in uninterruptible I/O with SIGKILL pending (fenced, listed): \(stuck.map(String.init).joined(separator: ", "))" }
            return text
        }
    }

    public let dataDirectory: String
    public let binaries: PostgresBinaries
    /// How long the fence keeps rescanning before it gives up.
    public var deadlineSeconds: Double = 10
    /// How long a process in D-state with SIGKILL pending is waited for before it is counted
    /// as stuck-but-fenced: an exiting process passes through D briefly (flushing, freeing
    /// memory under load); only one that stays there is stuck on hung storage.
    public var stuckGraceSeconds: Double = 2

    public init(dataDirectory: String, binaries: PostgresBinaries) {
        self.dataDirectory = dataDirectory
        self.binaries = binaries
    }

    // MARK: Fence

    /// Proves the identity, writes standby.signal, and ends every process of the instance.
    /// Throws `.refused` (nothing done) when the directory is not the expected one, and
    /// `.process` when processes are still running at the deadline.
    public func fence(expecting expectation: Expectation) async throws(HostError) -> Report {
        let started = ContinuousClock.now
        let observed = await DataDirectoryInspector.observe(dataDirectory, binaries: binaries)
        let realDirectory = try verifyIdentity(expectation, observed: observed)
        try writeStandbySignal()

        var killed: Set<Int32> = []
        var stuck: Set<Int32> = []
        var rounds = 0
        var pidfds = true
        let deadline = ContinuousClock.now + .milliseconds(Int(deadlineSeconds * 1000))
        let graceEnds = ContinuousClock.now + .milliseconds(Int(min(stuckGraceSeconds, deadlineSeconds) * 1000))
        while true {
            rounds += 1
            let handles = Self.scan(realDirectory).compactMap { pid in
                ProcessHandle.open(pid) { Self.belongs(pid, to: realDirectory) }
            }
            let pending = handles.filter { !stuck.contains($0.pid) && !(Self.status(of: $0.pid)?.isGone ?? true) }
            if pending.isEmpty { break }
            // Freeze all first, then kill: nothing of the instance runs while others die.
            for handle in pending { handle.send(SIGSTOP) }
            for handle in pending where handle.send(SIGKILL) { killed.insert(handle.pid) }
            pidfds = pidfds && pending.allSatisfy(\.usesPIDFileDescriptor)
            // Wait for these to go, briefly, before rescanning for any they forked.
            while pending.contains(where: { Self.isRunning($0, stuck: &stuck, graceOver: ContinuousClock.now >= graceEnds) }) {
                guard ContinuousClock.now < deadline else {
                    let left = pending.filter { Self.isRunning($0, stuck: &stuck, graceOver: true) }.map(\.pid)
                    throw HostError(.process, "could not end every process of \(dataDirectory): still running after \(Int(deadlineSeconds)) s: \(left.map(String.init).joined(separator: ", "))",
                                    hint: "check them with `ps -o pid,stat,wchan -p \(left.map(String.init).joined(separator: ","))`; until they are gone the node is NOT fenced")
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return Report(dataDirectory: realDirectory, killed: killed.sorted(), stuck: stuck.sorted(),
                      milliseconds: Self.milliseconds(since: started), rounds: rounds, usedPIDFileDescriptors: pidfds)
    }

    /// The identity check alone (also run by `fence` right before it acts). Returns the
    /// directory with symbolic links resolved.
    @discardableResult
    public func verifyIdentity(_ expectation: Expectation) async throws(HostError) -> String {
        let observed = await DataDirectoryInspector.observe(dataDirectory, binaries: binaries)
        return try verifyIdentity(expectation, observed: observed)
    }

    private func verifyIdentity(_ expectation: Expectation, observed: DataDirectoryIdentity.Observed) throws(HostError) -> String {
        let identity = DataDirectoryIdentity(node: expectation.node, port: expectation.port, observed: observed,
                                             serverSystemIdentifier: expectation.systemIdentifier, siteSystemIdentifier: nil)
        guard identity.verdict.isVerified, let real = DataDirectoryInspector.realPath(dataDirectory) else {
            throw HostError(.refused, "will not fence \(dataDirectory): \(identity.verdict.explanation)",
                            hint: "nothing was changed; check \(expectation.node)'s data_dir in warden.yaml")
        }
        return real
    }

    /// An empty standby.signal owned like the data directory, fsync'd with the directory.
    private func writeStandbySignal() throws(HostError) {
        var info = stat()
        guard stat(dataDirectory, &info) == 0 else { throw HostError.posix("read the owner of", dataDirectory, errno: errno) }
        try AtomicFile.write([], to: dataDirectory + "/standby.signal", mode: 0o600, owner: FileOwner(uid: info.st_uid, gid: info.st_gid))
    }

    // MARK: Processes of the instance

    /// Every process (other than this one) whose cwd is `realDirectory` and whose program
    /// is `postgres`.
    public static func processes(of dataDirectory: String) -> [Int32] {
        guard let real = DataDirectoryInspector.realPath(dataDirectory) else { return [] }
        return scan(real)
    }

    static func scan(_ realDirectory: String) -> [Int32] {
        let own = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { $0 != own && belongs($0, to: realDirectory) }.sorted()
    }

    /// cwd is the data directory and the executable is a `postgres` binary: an admin's
    /// shell sitting in the directory is never taken for a server process.
    static func belongs(_ pid: Int32, to realDirectory: String) -> Bool {
        guard let cwd = link("/proc/\(pid)/cwd"), cwd == realDirectory, let exe = link("/proc/\(pid)/exe") else { return false }
        return ProcessStatus.programName(executableLink: exe) == "postgres"
    }

    private static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func status(of pid: Int32) -> ProcessStatus? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return ProcessStatus.parse(text)
    }

    /// Still running: alive, not a zombie, and not stuck-but-fenced once the grace is over
    /// (those are noted in `stuck`).
    private static func isRunning(_ handle: ProcessHandle, stuck: inout Set<Int32>, graceOver: Bool) -> Bool {
        guard handle.isAlive, let status = status(of: handle.pid), !status.isGone else { return false }
        if status.isStuckButFenced && graceOver {
            stuck.insert(handle.pid)
            return false
        }
        return true
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
