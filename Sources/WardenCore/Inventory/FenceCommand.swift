// MARK: - A node's own way to be switched off

/// `fence_command:` of a database node: a program that makes the node stop for good — an
/// IPMI, hypervisor or cloud power-off — for nodes pgwarden cannot fence itself (the data
/// directory is on another machine).
///
/// Without it, losing a remote primary would leave only `--unfenced`, and operators who
/// always pass it learn that the refusal protects nothing. It counts as a fence only when it
/// exits 0 *and* host:port then stops answering TCP. The argv is run as is, without a shell,
/// so no quoting can turn a node name into a second command; it must not hold secrets (any
/// local user can read a process's argv).
public struct FenceCommand: Sendable, Hashable {
    public var arguments: [String]
    /// How long the program may run before it is killed and the fence counts as failed.
    public var timeoutSeconds: Double

    public static let defaultTimeoutSeconds: Double = 60

    public init(arguments: [String], timeoutSeconds: Double = FenceCommand.defaultTimeoutSeconds) {
        self.arguments = arguments
        self.timeoutSeconds = timeoutSeconds
    }
}
