import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Asking before an act that cannot be undone

/// The y/N question `failover` and `switchover` ask on a terminal before fencing anything,
/// as patronictl does: the operator sees which node is fenced, which is promoted, how far
/// behind it is and how many services move, and nothing happens without a "y".
///
/// Only when both stdin and stdout are terminals: scripts, tests and the demo act as they
/// always did, and `--yes` skips the question.
enum Confirmation {
    static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

    /// Prints `lines` and `question` and reads an answer; only "y" or "yes" is yes, and the
    /// end of input is no.
    static func ask(_ title: String, _ lines: [String], question: String) -> Bool {
        Console.out(title)
        for line in lines { Console.out("  - " + line) }
        print(question + " [y/N] ", terminator: "")
        fflush(nil)  // every output stream: the question must show before the read
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }
}
