import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Running PostgreSQL's own programs

/// Runs a program to completion and captures its output.
///
/// Secrets never go on a command line (any local user can read another process's argv
/// from /proc): pass them through `standardInput` or an owner-only file instead.
/// When pgwarden runs as root, PostgreSQL programs must run as the data directory's owner
/// (the server refuses root), so `user` switches to that account with `runuser`.
public struct ProcessRunner: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        public var succeeded: Bool { status == 0 }
    }

    public init() {}

    /// Runs `executable` with `arguments`. Fails if the program cannot be started or does
    /// not finish within `timeoutSeconds` (it is then killed: no caller waits forever on a
    /// program that hangs); a non-zero exit is returned in the result for the caller to judge.
    public func run(
        _ executable: String, _ arguments: [String], user: String? = nil,
        standardInput: [UInt8]? = nil, environment: [String: String]? = nil,
        workingDirectory: String? = nil, timeoutSeconds: Double = 600
    ) async throws(HostError) -> Result {
        var launchPath = executable
        var launchArguments = arguments
        if let user, OSAccount.isRoot, user != OSAccount.currentName {
            launchPath = OSAccount.runuserPath
            launchArguments = ["-u", user, "--", executable] + arguments
        }
        let request = SpawnRequest(
            path: launchPath, arguments: [launchPath] + launchArguments,
            environment: environment, standardInput: standardInput,
            workingDirectory: workingDirectory ?? "/", timeoutSeconds: timeoutSeconds)
        // The child is waited for with blocking calls, on a thread of its own rather than
        // one of the few threads Swift concurrency runs on.
        let outcome: Swift.Result<Result, HostError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: request.spawnAndWait())
            }
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error) where error.kind == .timeout:
            throw HostError(.timeout, "\(executable) \(arguments.first ?? "") \(error.message)", hint: "see the program's log; it was killed")
        case .failure(let error):
            throw HostError(.process, "cannot start \(executable): \(error.message)", hint: "check that it is installed and executable")
        }
    }
}

// MARK: - posix_spawn, pipes, poll, waitpid

/// One child process, run with the plain POSIX calls.
///
/// Foundation's `Process` was tried first and hung: its exit monitoring did not fire for a
/// `runuser` child whose grandchild (the postmaster) lives on, leaving a zombie and a
/// spinning wait. The POSIX calls have no such surprises. Every pipe is created close-on-exec,
/// so a server started by one child never inherits another child's pipes (which would
/// keep them open and make a reader wait forever).
private struct SpawnRequest: Sendable {
    var path: String
    var arguments: [String]
    var environment: [String: String]?
    var standardInput: [UInt8]?
    var workingDirectory: String
    var timeoutSeconds: Double

    func spawnAndWait() -> Swift.Result<ProcessRunner.Result, HostError> {
        var output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1], input: [Int32] = [-1, -1]
        guard systemPipe2(&output, O_CLOEXEC) == 0, systemPipe2(&errors, O_CLOEXEC) == 0, systemPipe2(&input, O_CLOEXEC) == 0 else {
            return .failure(HostError(.process, "cannot create pipes: \(String(cString: strerror(errno)))"))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if standardInput != nil {
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        _ = systemSpawnAddChdir(&actions, workingDirectory)

        let environmentPairs = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            withCStrings(environmentPairs) { envp in
                posix_spawn(&pid, path, &actions, nil, argv, envp)
            }
        }
        close(output[1]); close(errors[1]); close(input[0])
        guard spawned == 0 else {
            close(output[0]); close(errors[0]); close(input[1])
            return .failure(HostError(.process, String(cString: strerror(spawned))))
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        let exchanged = exchange(input: input[1], output: output[0], errors: errors[0], deadline: deadline)
        if exchanged == nil { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard let (stdout, stderr) = exchanged else {
            return .failure(HostError(.timeout, "did not finish within \(timeoutSeconds.formatted(.number.precision(.fractionLength(0...1)))) s"))
        }
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return .success(ProcessRunner.Result(
            status: exitCode,
            standardOutput: String(decoding: stdout, as: UTF8.self),
            standardError: String(decoding: stderr, as: UTF8.self)))
    }

    /// Feeds standard input and drains both outputs together, so neither side can block
    /// the other on a full pipe. Nil when `deadline` passes first (every pipe is closed).
    private func exchange(input: Int32, output: Int32, errors: Int32, deadline: ContinuousClock.Instant) -> ([UInt8], [UInt8])? {
        var pending = standardInput ?? []
        var inputFD: Int32 = pending.isEmpty ? -1 : input
        if inputFD < 0 { close(input) }
        var open: [Int32: [UInt8]] = [output: [], errors: []]
        var collected: [Int32: [UInt8]] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty || inputFD >= 0 {
            var fds = open.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inputFD >= 0 { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            let remaining = deadline - .now
            guard remaining > .zero else {
                for fd in Array(open.keys) + (inputFD >= 0 ? [inputFD] : []) { close(fd) }
                return nil
            }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == inputFD {
                    // POLLOUT promises room for PIPE_BUF bytes; a larger write could block
                    // while the child waits for us to drain its output.
                    let chunk = min(pending.count, Int(PIPE_BUF))
                    let written = pending.withUnsafeBytes { write(inputFD, $0.baseAddress, chunk) }
                    if written > 0 { pending.removeFirst(written) }
                    if written < 0 && errno != EINTR && errno != EAGAIN || pending.isEmpty {
                        close(inputFD)
                        inputFD = -1
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    open[entry.fd, default: []].append(contentsOf: buffer[0..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    collected[entry.fd] = open.removeValue(forKey: entry.fd)
                    close(entry.fd)
                }
            }
        }
        return (collected[output] ?? [], collected[errors] ?? [])
    }
}

// glibc has both (2.9 and 2.29), but the Glibc module does not export them without _GNU_SOURCE.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func systemSpawnAddChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32

/// Runs `body` with a NULL-terminated C array of the strings.
private func withCStrings(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32) -> Int32 {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return EINVAL }
        return body(base)
    }
}

// MARK: - OS accounts

/// The operating-system accounts pgwarden deals with.
public enum OSAccount {
    public static var isRoot: Bool { geteuid() == 0 }

    public static var currentName: String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "" }
        return String(cString: name)
    }

    static let runuserPath: String = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first { access($0, X_OK) == 0 } ?? "/usr/sbin/runuser"

    /// uid and gid of a user name, or nil if there is no such user.
    public static func ids(of user: String) -> (uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam(user) else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// The name of the user owning `path`.
    public static func owner(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, let entry = getpwuid(info.st_uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// `chown -R user:group path` (no links followed).
    public static func changeOwner(_ path: String, to user: String, recursive: Bool = true) throws(HostError) {
        guard let ids = ids(of: user) else {
            throw HostError(.permission, "there is no OS user '\(user)'", hint: "install the PostgreSQL server package, which creates the postgres user")
        }
        guard lchown(path, ids.uid, ids.gid) == 0 else { throw HostError.posix("change the owner of", path, errno: errno) }
        guard recursive, let enumerator = FileManager.default.enumerator(atPath: path) else { return }
        for case let relative as String in enumerator {
            let child = path + "/" + relative
            guard lchown(child, ids.uid, ids.gid) == 0 else { throw HostError.posix("change the owner of", child, errno: errno) }
        }
    }
}
