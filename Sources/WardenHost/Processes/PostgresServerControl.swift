import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Starting and stopping a local server

/// initdb / pg_ctl for a data directory on this machine, run as the directory's owner.
public struct PostgresServerControl: Sendable {
    public let binaries: PostgresBinaries
    public let dataDirectory: String
    /// The OS account that owns the data directory and runs the server.
    public let osUser: String
    private let runner = ProcessRunner()

    public init(binaries: PostgresBinaries, dataDirectory: String, osUser: String) {
        self.binaries = binaries
        self.dataDirectory = dataDirectory
        self.osUser = osUser
    }

    /// The account a new server should run as: `postgres` when we are root (the server
    /// refuses to run as root), else whoever we are.
    public static var defaultOSUser: String { OSAccount.isRoot ? "postgres" : OSAccount.currentName }

    /// `initdb` with the superuser's password read from an owner-only file that is
    /// removed afterwards (never on the command line).
    /// `durable: false` skips initdb's final fsync (for disposable labs only);
    /// `dataChecksums` lets pg_rewind work on the cluster later.
    public func initialize(superuser: String, password: Secret, authHost: String = "md5", durable: Bool = true, dataChecksums: Bool = false) async throws(HostError) {
        let parent = (dataDirectory as NSString).deletingLastPathComponent
        let passwordFile = parent + "/.initdb-pw-\(UInt32.random(in: 0...UInt32.max))"
        try AtomicFile.create(Array((password.revealed + "\n").utf8), at: passwordFile, mode: 0o600)
        defer { unlink(passwordFile) }
        if OSAccount.isRoot { try OSAccount.changeOwner(passwordFile, to: osUser, recursive: false) }
        let result = try await runner.run(binaries.path("initdb"), [
            "-D", dataDirectory, "-U", superuser, "--pwfile=\(passwordFile)",
            "--auth-host=\(authHost)", "--auth-local=peer", "-E", "UTF8", "--locale=C", "--no-instructions",
        ] + (durable ? [] : ["--no-sync"]) + (dataChecksums ? ["--data-checksums"] : []), user: osUser)
        guard result.succeeded else {
            throw HostError(.process, "initdb failed: \(Self.lastLines(result.standardError))", hint: "check that \(osUser) can write \(parent)")
        }
    }

    /// `pg_ctl start -w`, logging to `logFile`.
    ///
    /// `launcher` is a command line that pg_ctl is run under, for the rare server that must
    /// start differently and that only a root caller sets up — e.g. `env OPENSSL_CONF=FILE`
    /// (an OpenSSL configuration for this server alone) or `unshare --net …` (a network
    /// namespace of its own). It runs as the caller and must end by running its arguments;
    /// pg_ctl is appended, still switched to `osUser` by `runuser`. Empty for the usual start.
    public func start(logFile: String, timeoutSeconds: Int = 30, launcher: [String] = []) async throws(HostError) {
        let arguments = ["-D", dataDirectory, "-l", logFile, "-w", "-t", String(timeoutSeconds), "start"]
        let result: ProcessRunner.Result
        if let program = launcher.first {
            let switchUser = OSAccount.isRoot && osUser != OSAccount.currentName ? [OSAccount.runuserPath, "-u", osUser, "--"] : []
            result = try await runner.run(program, Array(launcher.dropFirst()) + switchUser + [binaries.path("pg_ctl")] + arguments)
        } else {
            result = try await runner.run(binaries.path("pg_ctl"), arguments, user: osUser)
        }
        guard result.succeeded else {
            let log = (try? AtomicFile.readText(logFile)).map(Self.lastLines) ?? ""
            throw HostError(.process, "the server in \(dataDirectory) did not start: \(Self.lastLines(result.standardError)) \(log)", hint: "see \(logFile)")
        }
    }

    /// `pg_ctl stop -m MODE -w`; falls back to SIGKILL of the postmaster if it will not stop.
    public func stop(mode: String = "fast") async throws(HostError) {
        guard let pid = postmasterPID(), OSProcess.isAlive(pid) else { return }
        let result = try await runner.run(binaries.path("pg_ctl"), ["-D", dataDirectory, "-m", mode, "-w", "-t", "30", "stop"], user: osUser)
        if !result.succeeded || OSProcess.isAlive(pid) {
            kill(pid, SIGKILL)
            try await OSProcess.waitForExit(pid, seconds: 10)
        }
    }

    /// The postmaster's pid from `postmaster.pid`, if the file exists.
    public func postmasterPID() -> pid_t? {
        guard let text = try? AtomicFile.readText(dataDirectory + "/postmaster.pid"),
              let first = text.split(separator: "\n").first, let pid = pid_t(first) else { return nil }
        return pid
    }

    /// Whether a postmaster for this data directory is running.
    public var isRunning: Bool {
        guard let pid = postmasterPID() else { return false }
        return OSProcess.isAlive(pid)
    }

    static func lastLines(_ text: String) -> String {
        text.split(separator: "\n").suffix(3).joined(separator: " | ")
    }
}

// MARK: - Processes by pid

public enum OSProcess {
    public static func isAlive(_ pid: pid_t) -> Bool {
        if kill(pid, 0) == 0 { return !isZombie(pid) }
        return errno == EPERM
    }

    private static func isZombie(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = status.lastIndex(of: ")") else { return false }
        return status[status.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    public static func waitForExit(_ pid: pid_t, seconds: Double) async throws(HostError) {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while isAlive(pid) {
            if ContinuousClock.now >= deadline {
                throw HostError(.process, "process \(pid) did not exit within \(Int(seconds)) s")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
