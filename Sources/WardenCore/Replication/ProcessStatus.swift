import Foundation

// MARK: - One process as /proc/PID/status describes it

/// The few lines of `/proc/PID/status` a fence needs: the scheduler state and the pending
/// signal masks.
///
/// Kept pure (text in, value out) so the rule "a process stuck in D-state with SIGKILL
/// pending counts as fenced" is tested with plain strings, not with hung storage.
public struct ProcessStatus: Sendable, Hashable {
    /// The state letter: R running, S sleeping, D uninterruptible, T stopped, Z zombie, X dead…
    public var state: Character
    /// `SigPnd`: signals pending for this thread.
    public var pendingSignals: UInt64
    /// `ShdPnd`: signals pending for the whole thread group.
    public var sharedPendingSignals: UInt64

    public init(state: Character, pendingSignals: UInt64 = 0, sharedPendingSignals: UInt64 = 0) {
        self.state = state
        self.pendingSignals = pendingSignals
        self.sharedPendingSignals = sharedPendingSignals
    }

    /// Reads `State:`, `SigPnd:` and `ShdPnd:`; nil when there is no `State:` line (the
    /// process vanished while being read, or the text is not a status file).
    public static func parse(_ text: String) -> ProcessStatus? {
        var state: Character?
        var pending: UInt64 = 0
        var shared: UInt64 = 0
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "State": state = value.first
            case "SigPnd": pending = UInt64(value, radix: 16) ?? 0
            case "ShdPnd": shared = UInt64(value, radix: 16) ?? 0
            default: continue
            }
        }
        return state.map { ProcessStatus(state: $0, pendingSignals: pending, sharedPendingSignals: shared) }
    }

    /// SIGKILL (signal 9) is bit 8 of the masks.
    static let killBit: UInt64 = 0x100

    /// A zombie or dead process holds no locks, shared memory or sockets: it is gone.
    public var isGone: Bool { state == "Z" || state == "X" }

    /// Whether SIGKILL is queued for it (the kernel delivers it as soon as the process
    /// leaves the uninterruptible wait; it never runs user code again).
    public var hasKillPending: Bool { (pendingSignals | sharedPendingSignals) & Self.killBit != 0 }

    /// In D-state with SIGKILL pending: it can never commit or answer again, so the fence
    /// counts it as fenced and lists it, instead of waiting forever for hung storage.
    public var isStuckButFenced: Bool { state == "D" && hasKillPending }

    /// The program's file name from the target of `/proc/PID/exe`, without the
    /// " (deleted)" the kernel appends after a package upgrade replaced the binary.
    public static func programName(executableLink: String) -> String {
        var path = executableLink
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}
