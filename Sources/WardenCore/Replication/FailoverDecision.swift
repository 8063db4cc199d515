// MARK: - Which standby to promote, and whether it is safe

/// The pure decision at the heart of `pgwarden failover`: given what every node looks like,
/// pick the standby to promote and say what must happen to the old primary.
///
/// Kept free of I/O so every branch (target given or not, lagging target, unreachable
/// primary, no candidate) is tested with plain values, like PostgresNIO's state machines.
public struct FailoverDecision: Sendable, Hashable {
    /// What the coordinator must do.
    public enum Outcome: Sendable, Hashable {
        /// Promote `target`; fence `fence` first when it is reachable (it is still running).
        case promote(target: String, fence: String?, fenceReachable: Bool, lagBytes: UInt64)
        case refuse(reason: String, hint: String)
    }

    public var inventoryPrimary: String?
    public var nodes: [NodeReplicationState]
    public var requestedTarget: String?
    /// Promote even when the target is behind the most advanced node, or lags more than allowed.
    public var force: Bool
    /// The largest lag, in bytes behind the most advanced node, accepted without `force`.
    public var maximumLagBytes: UInt64

    public init(inventoryPrimary: String?, nodes: [NodeReplicationState], requestedTarget: String?, force: Bool, maximumLagBytes: UInt64 = 0) {
        self.inventoryPrimary = inventoryPrimary
        self.nodes = nodes
        self.requestedTarget = requestedTarget
        self.force = force
        self.maximumLagBytes = maximumLagBytes
    }

    public var outcome: Outcome {
        let standbys = nodes.filter { $0.reachable && $0.role == .standby && $0.name != inventoryPrimary }
        guard !standbys.isEmpty else {
            return .refuse(reason: "no reachable standby to promote", hint: "check `pgwarden status`; add one with `pgwarden replica add NODE`")
        }
        let oldPrimary = nodes.first { $0.name == inventoryPrimary }
        // A second primary among the others means someone already promoted: never make a third.
        if let stray = nodes.first(where: { $0.reachable && $0.role == .primary && $0.name != inventoryPrimary }) {
            return .refuse(reason: "\(stray.name) is already a primary", hint: "the site may have failed over already; check `pgwarden status` and the inventory")
        }
        let best = standbys.max { ($0.furthestPosition ?? LSN(0)) < ($1.furthestPosition ?? LSN(0)) }
        let target: NodeReplicationState
        if let requestedTarget {
            guard let requested = nodes.first(where: { $0.name == requestedTarget }) else {
                return .refuse(reason: "no database node named \(requestedTarget)", hint: "known nodes: \(nodes.map(\.name).joined(separator: ", "))")
            }
            guard requested.name != inventoryPrimary else {
                return .refuse(reason: "\(requestedTarget) is already the primary", hint: "name a standby with --to")
            }
            guard requested.reachable, requested.role == .standby else {
                return .refuse(reason: "\(requestedTarget) is not a reachable standby (\(requested.problem ?? requested.role.rawValue))", hint: "check `pgwarden status`")
            }
            target = requested
        } else if let best {
            target = best
        } else {
            return .refuse(reason: "no reachable standby to promote", hint: "check `pgwarden status`")
        }
        // How far behind the target is: against the most advanced node we can see, which
        // includes the old primary when it is still reachable.
        let reference = ([oldPrimary].compactMap { $0 }.filter(\.reachable) + standbys).compactMap(\.furthestPosition).max()
        let lag = reference.map { $0.bytes(since: target.furthestPosition ?? LSN(0)) } ?? 0
        if lag > maximumLagBytes && !force {
            return .refuse(
                reason: "\(target.name) is \(lag) bytes behind the most advanced node; promoting it would lose those transactions",
                hint: "wait for it to catch up, pick the most advanced standby (omit --to), or accept the loss with --force")
        }
        return .promote(target: target.name, fence: oldPrimary?.name, fenceReachable: oldPrimary?.reachable ?? false, lagBytes: lag)
    }
}
