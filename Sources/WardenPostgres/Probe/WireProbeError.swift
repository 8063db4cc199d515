// MARK: - When the probe cannot reach the server

/// Why a wire probe could not get an answer at all: the network failed us, as opposed to
/// the server answering "no" (that is a result, not an error).
public struct WireProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case resolveFailed
        case connectFailed
        case timedOut
        /// The server hung up where an answer was required.
        case closed
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
}
