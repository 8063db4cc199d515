// MARK: - The one error type of WardenHost

/// Errors from files, processes, secrets and the executor, each with a hint.
public struct HostError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case io, permission, process, secret, journal, verification
        /// A program did not finish in the time it was given (and was killed).
        case timeout
        /// Another pgwarden holds the site's lock (``SiteLock``), or the journal shows a run
        /// that must be resumed or undone first.
        case busy
        /// Refused before changing anything, because acting could do harm (exit 2).
        case refused
        /// Failed midway and put back as it was before (exit 3).
        case rolledBack
        /// Failed midway and could NOT be put back; the message says what is left (exit 4).
        case notRolledBack
    }

    public var kind: Kind
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String { message }

    /// An `errno`-based error about `path`.
    public static func posix(_ operation: String, _ path: String, errno code: Int32, hint: String? = nil) -> HostError {
        let reason = String(cString: strerror(code))
        let kind: Kind = (code == EACCES || code == EPERM) ? .permission : .io
        return HostError(kind, "cannot \(operation) \(path): \(reason)", hint: hint ?? (kind == .permission ? "check the file's owner and mode, or run pgwarden as a user allowed to change it" : nil))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
