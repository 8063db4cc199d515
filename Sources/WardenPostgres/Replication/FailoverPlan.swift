import WardenCore
import WardenHost

// MARK: - What a failover is about to do

/// A decided failover, before anything is touched: shown to the operator for confirmation
/// (which node is fenced and how, which is promoted, how far behind, how many services move),
/// then carried out by ``FailoverCoordinator/failover(_:)``.
public struct FailoverPlan: Sendable {
    public var target: String
    /// Nil when the inventory names no primary.
    public var fence: FencePlan?
    public var lagBytes: UInt64
    /// Risks the operator accepted with --accept-lag / --unfenced, in words.
    public var risks: [String]
    /// Service config files the inventory lists (each is repointed to the new primary).
    public var servicesToRepoint: Int
    /// What the local fence must find again right before it acts.
    public var fenceExpectation: InstanceFence.Expectation?

    /// The same decision as `other`: same target, same fence, same lag class (zero or not).
    /// A prompt answered after the site changed must be asked again.
    public func decidesTheSame(as other: FailoverPlan) -> Bool {
        target == other.target && fence == other.fence && (lagBytes == 0) == (other.lagBytes == 0)
    }

    /// The plan in words, one line each, for the confirmation prompt.
    public var lines: [String] {
        var lines: [String] = []
        if let fence {
            switch fence.method {
            case .instance: lines.append("fence \(fence.node): write standby.signal, then stop and kill every process of its data directory")
            case .command: lines.append("fence \(fence.node): run its fence_command and wait until its port is silent")
            case .unfenced: lines.append("leave \(fence.node) UNFENCED (--unfenced)")
            }
        } else {
            lines.append("fence nothing: the inventory names no primary")
        }
        lines.append("promote \(target) (\(lagBytes) bytes behind the most advanced node)")
        lines.append("repoint \(servicesToRepoint) service config file(s) to \(target)")
        lines += risks.map { "RISK \($0)" }
        return lines
    }
}
