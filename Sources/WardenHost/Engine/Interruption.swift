import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Ctrl-C, a dropped terminal, a closed pipe

/// How a run reacts to SIGINT, SIGTERM and SIGHUP (Ctrl-C, `kill`, an SSH session that
/// drops), and to SIGPIPE (`pgwarden apply | head`).
///
/// A signal in the middle of a step must not leave it half done: the first one only sets a
/// flag that the executor reads at the next step boundary, where it rolls back what the run
/// applied (exit 3). A second one exits at once (130); the journal's intents then let
/// `pgwarden undo` or a re-run recover. SIGPIPE is ignored, so a closed output pipe is an
/// ordinary write error, not a kill in the middle of a step.
public enum Interruption {
    private static let count = Atomic<Int>(0)

    /// Installs the handlers (once, at the start of a command that changes something).
    public static func install() {
        signal(SIGPIPE, SIG_IGN)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { _ in
                let (_, now) = Interruption.count.add(1, ordering: .sequentiallyConsistent)
                if now > 1 { _exit(130) }
            }
        }
    }

    /// True once a stop was asked for; the executor stops at the next step boundary.
    public static var requested: Bool {
        count.load(ordering: .sequentiallyConsistent) > 0
    }
}
