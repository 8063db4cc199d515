import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Deterministic crash points (test-only)

/// Named places in the write path where a test can make pgwarden die or fail on purpose.
///
/// **Test-only.** Production never sets these variables; they exist so the fault tests can
/// prove "a crash at any point converges or undoes byte for byte" without timing luck:
///
/// - `PGWARDEN_FAULT=NAME[#N][:ACTION][,…]`: at the N-th time (default 1) the point NAME is
///   reached, ACTION happens: `exit` (default: `_exit(137)`, like kill -9 — no cleanup, no
///   buffered output), `stop` (the process SIGSTOPs itself, holding whatever it holds), or an
///   errno name (`ENOSPC`, `EIO`, `EROFS`, `EBUSY`, `EXDEV`) thrown as that I/O error.
/// - `PGWARDEN_FAULT_TRACE=PATH`: every point reached is appended to PATH as
///   `NAME#N` (one line each), so a sweep first lists the points of a run, then crashes at
///   each one in turn.
public enum FaultPoint {
    private struct Config: Sendable {
        var name: String
        var occurrence: Int
        var action: String
    }

    private static let configs: [Config] = {
        guard let specs = ProcessInfo.processInfo.environment["PGWARDEN_FAULT"], !specs.isEmpty else { return [] }
        return specs.split(separator: ",").map(parse)
    }()

    private static func parse(_ spec: Substring) -> Config {
        var rest = spec
        var action = "exit"
        if let colon = rest.lastIndex(of: ":") {
            action = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        var occurrence = 1
        if let hash = rest.lastIndex(of: "#"), let count = Int(rest[rest.index(after: hash)...]) {
            occurrence = count
            rest = rest[..<hash]
        }
        return Config(name: String(rest), occurrence: occurrence, action: action)
    }

    private static let tracePath = ProcessInfo.processInfo.environment["PGWARDEN_FAULT_TRACE"]
    private static let counts = Mutex<[String: Int]>([:])

    /// Marks the point `name`; dies, stops or throws when the test switch says so.
    public static func reach(_ name: String) throws(HostError) {
        guard !configs.isEmpty || tracePath != nil else { return }
        let count = counts.withLock { counts -> Int in
            counts[name, default: 0] += 1
            return counts[name]!
        }
        if let tracePath {
            let fd = open(tracePath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 {
                let line = Array("\(name)#\(count)\n".utf8)
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
        }
        guard let config = configs.first(where: { $0.name == name && $0.occurrence == count }) else { return }
        switch config.action {
        case "exit":
            _exit(137)
        case "stop":
            raise(SIGSTOP)
        default:
            let code = errnoCodes[config.action] ?? EIO
            throw HostError.posix("complete \(name) (injected fault)", "", errno: code)
        }
    }

    private static let errnoCodes: [String: Int32] = [
        "ENOSPC": ENOSPC, "EIO": EIO, "EROFS": EROFS, "EBUSY": EBUSY, "EXDEV": EXDEV, "EACCES": EACCES,
    ]
}
