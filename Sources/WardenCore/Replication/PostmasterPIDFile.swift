import Foundation

// MARK: - postmaster.pid

/// The lock file a running (or crashed) postmaster leaves in its data directory.
///
/// Line 1 is the postmaster's PID, line 2 the data directory, line 4 the port. pgwarden
/// uses the port line to prove that the server answering on a node's port is the one of this
/// directory; the PID is never signalled on the file's word alone (it may have been recycled).
public struct PostmasterPIDFile: Sendable, Hashable {
    public var pid: Int32
    public var dataDirectory: String
    public var port: Int

    public init(pid: Int32, dataDirectory: String, port: Int) {
        self.pid = pid
        self.dataDirectory = dataDirectory
        self.port = port
    }

    /// Nil when the first four lines are not there or not numbers where numbers belong
    /// (a file being written, or not a postmaster.pid).
    public static func parse(_ text: String) -> PostmasterPIDFile? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 4, let pid = Int32(lines[0]), pid > 0, !lines[1].isEmpty,
              let port = Int(lines[3]), (1...65535).contains(port) else { return nil }
        return PostmasterPIDFile(pid: pid, dataDirectory: lines[1], port: port)
    }
}
