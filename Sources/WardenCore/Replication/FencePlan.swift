// MARK: - How the old primary is kept from taking writes

/// What a failover does to the old primary before it promotes anyone, as decided by
/// ``FailoverDecision``.
///
/// A fence must be *proven*: every process of the server ended (local), or a power-off
/// that succeeded and a port that went silent (`fence_command`). Anything else is
/// ``Method/unfenced(risk:)``, which only an operator's `--unfenced NODE` allows, and the
/// risk is carried as words so the CLI prints exactly what was accepted.
public struct FencePlan: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        /// Its data directory is here and verified: end every process of the instance.
        case instance
        /// Run the node's `fence_command` and wait until host:port stops answering.
        case command
        /// Not fenced, on the operator's word (`--unfenced NODE`).
        case unfenced(risk: String)
    }

    public var node: String
    /// Whether it answered when observed (it is still running).
    public var reachable: Bool
    public var method: Method

    public init(node: String, reachable: Bool, method: Method) {
        self.node = node
        self.reachable = reachable
        self.method = method
    }
}
