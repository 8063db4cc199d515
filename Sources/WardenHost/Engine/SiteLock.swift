import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - One writer per site

/// The exclusive lock every command that changes a site holds for its whole run.
///
/// Why each detail:
/// - `flock(2)` on `STATE_DIR/lock`, opened with `O_CLOEXEC`: a flock belongs to the open
///   file description, so a descriptor inherited through posix_spawn → pg_ctl → postmaster
///   would hold the site lock for as long as that server runs.
/// - The lock file is never renamed, truncated or deleted: a flock locks an inode, and a
///   replaced file would let two processes each hold "the" lock.
/// - Who holds it goes in a separate `STATE_DIR/lock.holder` (written atomically after the
///   lock is taken), and a waiter believes it only while that pid is alive with the same
///   process start time; otherwise it says "holder unknown".
/// - On NFS, SMB/CIFS and FUSE a flock is emulated or local only, so a state directory there
///   is refused: two hosts could each believe they hold it.
/// - The kernel drops the lock when the process dies (kill -9 included): no stale lock.
public final class SiteLock: Sendable {
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the site's lock without waiting, or throws naming whoever holds it.
    ///
    /// - Parameters:
    ///   - command: what this process is doing, for the holder file (`pgwarden services apply`).
    ///   - waitSeconds: how long to retry before giving up (0: refuse at once).
    public static func acquire(stateDirectory: String, site: String, command: String, waitSeconds: Double = 0) throws(HostError) -> SiteLock {
        try Directories.create(stateDirectory, mode: 0o700)
        try refuseNetworkFilesystem(stateDirectory)
        try refuseOpenStateDirectory(stateDirectory)
        let path = stateDirectory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError.posix("open the site lock", path, errno: errno) }
        let deadline = Date().addingTimeInterval(waitSeconds)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw HostError.posix("lock", path, errno: code)
            }
            if Date() >= deadline {
                close(fd)
                throw HostError(.busy, "site '\(site)' is being changed by \(holderDescription(stateDirectory: stateDirectory))",
                                hint: "wait for it to finish; only one pgwarden may change a site at a time (read-only commands such as plan, audit and status still work)")
            }
            usleep(50_000)
        }
        let lock = SiteLock(path: path, descriptor: fd)
        try? lock.writeHolder(stateDirectory: stateDirectory, command: command)
        return lock
    }

    // MARK: Holder details

    private func writeHolder(stateDirectory: String, command: String) throws(HostError) {
        let pid = getpid()
        let holder = Holder(pid: pid, startTime: Self.processStartTime(pid) ?? 0, command: command,
                            since: ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withInternetDateTime]),
                            host: ProcessInfo.processInfo.hostName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(holder) else { return }
        try AtomicFile.write(Array(data), to: stateDirectory + "/lock.holder", mode: 0o600)
    }

    struct Holder: Codable {
        var pid: Int32
        var startTime: UInt64
        var command: String
        var since: String
        var host: String
    }

    /// "pid 4242 (pgwarden services apply, since 12:01:03)" when the holder file names a
    /// live process started when the file says; else "another pgwarden (holder unknown)".
    static func holderDescription(stateDirectory: String) -> String {
        guard let bytes = try? AtomicFile.read(stateDirectory + "/lock.holder"),
              let holder = try? JSONDecoder().decode(Holder.self, from: Data(bytes)),
              holder.host == ProcessInfo.processInfo.hostName,
              processStartTime(holder.pid) == holder.startTime else {
            return "another pgwarden (holder unknown)"
        }
        let time = holder.since.split(separator: "T").last.map { String($0.prefix(8)) } ?? holder.since
        return "pid \(holder.pid) (\(holder.command), since \(time))"
    }

    /// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot): with the pid,
    /// it names one process, not whichever later reuses the number.
    static func processStartTime(_ pid: Int32) -> UInt64? {
        guard let bytes = try? AtomicFile.read("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    // MARK: A state directory others could write

    /// Undo writes what the journal and its backups say, as root: a state directory others
    /// can write would let them choose what a later `pgwarden undo` writes where.
    private static func refuseOpenStateDirectory(_ directory: String) throws(HostError) {
        var info = stat()
        guard stat(directory, &info) == 0 else { throw HostError.posix("read the state of", directory, errno: errno) }
        guard info.st_uid == geteuid(), info.st_mode & 0o022 == 0 else {
            throw HostError(.permission, "the state directory \(directory) is not owned by this user or others can write it (mode \(String(info.st_mode & 0o777, radix: 8)))",
                            hint: "chown it to the user that runs pgwarden and chmod 0700: the journal and backups there decide what undo writes")
        }
    }

    // MARK: Filesystems a flock cannot be trusted on

    private static func refuseNetworkFilesystem(_ directory: String) throws(HostError) {
        guard let type = filesystemType(of: directory) else { return }
        if ["nfs", "nfs4", "cifs", "smb3", "smbfs"].contains(type) || type.hasPrefix("fuse") {
            throw HostError(.io, "the state directory \(directory) is on \(type): a lock there cannot keep a second pgwarden out",
                            hint: "put state_dir on a local filesystem (the journal, backups and the site lock live there)")
        }
    }

    /// The type of the filesystem `directory` is on, from the longest mount point in
    /// `/proc/self/mounts` that contains it.
    static func filesystemType(of directory: String) -> String? {
        guard let real = realpath(directory, nil) else { return nil }
        let path = String(cString: real)
        free(real)
        guard let mounts = try? AtomicFile.readText("/proc/self/mounts") else { return nil }
        var best: (length: Int, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains, point.count >= (best?.length ?? -1) { best = (point.count, String(fields[2])) }
        }
        return best?.type
    }
}
