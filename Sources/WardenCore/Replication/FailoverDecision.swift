// MARK: - Which standby to promote, and whether it is safe

/// The pure decision at the heart of `pgwarden failover`: given what every node looks like,
/// pick the standby to promote and say how the old primary is fenced.
///
/// Kept free of I/O so every branch (target given or not, lagging target, unreachable
/// primary, unprovable data directory, no candidate) is tested with plain values, like
/// PostgresNIO's state machines.
///
/// Two separate risks need two separate words from the operator, never one `--force`:
/// `acceptLag` (promote a standby that is behind: transactions are lost) and
/// `unfenced` naming the node (promote although that node could not be fenced: two
/// primaries are possible). Without them the decision refuses and nothing is changed.
public struct FailoverDecision: Sendable, Hashable {
    /// What the coordinator must do.
    public enum Outcome: Sendable, Hashable {
        /// Fence the old primary as `fence` says (nil: the inventory names none), then
        /// promote `target`. `risks` are the accepted risks in words, to be printed.
        case promote(target: String, fence: FencePlan?, lagBytes: UInt64, risks: [String])
        case refuse(reason: String, hint: String)
    }

    /// What is known about fencing the inventory's primary.
    public struct OldPrimary: Sendable, Hashable {
        /// Whether its `data_dir` is here and proven to be its own.
        public var directory: DataDirectoryIdentity.Verdict
        /// Whether the inventory gives it a `fence_command`.
        public var hasFenceCommand: Bool

        public init(directory: DataDirectoryIdentity.Verdict, hasFenceCommand: Bool = false) {
            self.directory = directory
            self.hasFenceCommand = hasFenceCommand
        }
    }

    public var inventoryPrimary: String?
    public var nodes: [NodeReplicationState]
    public var requestedTarget: String?
    /// How the inventory's primary can be fenced (nil only when there is none).
    public var oldPrimary: OldPrimary?
    /// Promote even when the target is behind the most advanced node, or lags more than allowed.
    public var acceptLag: Bool
    /// The node the operator allows to stay unfenced (`--unfenced NODE`).
    public var unfenced: String?
    /// The largest lag, in bytes behind the most advanced node, accepted without `acceptLag`.
    public var maximumLagBytes: UInt64

    public init(inventoryPrimary: String?, nodes: [NodeReplicationState], requestedTarget: String?, oldPrimary: OldPrimary?,
                acceptLag: Bool = false, unfenced: String? = nil, maximumLagBytes: UInt64 = 0) {
        self.inventoryPrimary = inventoryPrimary
        self.nodes = nodes
        self.requestedTarget = requestedTarget
        self.oldPrimary = oldPrimary
        self.acceptLag = acceptLag
        self.unfenced = unfenced
        self.maximumLagBytes = maximumLagBytes
    }

    public var outcome: Outcome {
        let standbys = nodes.filter { $0.reachable && $0.role == .standby && $0.name != inventoryPrimary }
        guard !standbys.isEmpty else {
            return .refuse(reason: "no reachable standby to promote", hint: "check `pgwarden status`; add one with `pgwarden replica add NODE`")
        }
        let oldPrimaryState = nodes.first { $0.name == inventoryPrimary }
        // A second primary among the others means someone already promoted: never make a third.
        if let stray = nodes.first(where: { $0.reachable && $0.role == .primary && $0.name != inventoryPrimary }) {
            return .refuse(reason: "\(stray.name) is already a primary", hint: "the site may have failed over already; check `pgwarden status` and the inventory")
        }
        if let unfenced, unfenced != inventoryPrimary {
            return .refuse(reason: "--unfenced names \(unfenced), but the node to fence is \(inventoryPrimary ?? "none")",
                           hint: inventoryPrimary.map { "name the old primary: --unfenced \($0)" } ?? "drop --unfenced: the inventory names no primary")
        }
        let target: NodeReplicationState
        switch chooseTarget(standbys) {
        case .success(let chosen): target = chosen
        case .failure(let refusal): return .refuse(reason: refusal.reason, hint: refusal.hint)
        }
        var risks: [String] = []
        // How far behind the target is: against the most advanced node we can see, which
        // includes the old primary when it is still reachable.
        let reference = ([oldPrimaryState].compactMap { $0 }.filter(\.reachable) + standbys).compactMap(\.furthestPosition).max()
        let lag = reference.map { $0.bytes(since: target.furthestPosition ?? LSN(0)) } ?? 0
        if lag > maximumLagBytes {
            guard acceptLag else {
                return .refuse(
                    reason: "\(target.name) is \(lag) bytes behind the most advanced node; promoting it would lose those transactions",
                    hint: "wait for it to catch up, pick the most advanced standby (omit --to), or accept the loss with --accept-lag")
            }
            risks.append("--accept-lag: \(target.name) was promoted \(lag) bytes behind the most advanced node; the transactions in those bytes are lost for good")
        }
        guard let primaryName = inventoryPrimary else {
            return .promote(target: target.name, fence: nil, lagBytes: lag, risks: risks)
        }
        let reachable = oldPrimaryState?.reachable ?? false
        switch fenceMethod(primaryName, reachable: reachable) {
        case .success(let method):
            if case .unfenced(let risk) = method { risks.append(risk) }
            return .promote(target: target.name, fence: FencePlan(node: primaryName, reachable: reachable, method: method), lagBytes: lag, risks: risks)
        case .failure(let refusal):
            return .refuse(reason: refusal.reason, hint: refusal.hint)
        }
    }

    // MARK: Parts

    struct Refusal: Error {
        var reason: String
        var hint: String
    }

    private func chooseTarget(_ standbys: [NodeReplicationState]) -> Result<NodeReplicationState, Refusal> {
        guard let requestedTarget else {
            guard let best = standbys.max(by: { ($0.furthestPosition ?? LSN(0)) < ($1.furthestPosition ?? LSN(0)) }) else {
                return .failure(Refusal(reason: "no reachable standby to promote", hint: "check `pgwarden status`"))
            }
            return .success(best)
        }
        guard let requested = nodes.first(where: { $0.name == requestedTarget }) else {
            return .failure(Refusal(reason: "no database node named \(requestedTarget)", hint: "known nodes: \(nodes.map(\.name).joined(separator: ", "))"))
        }
        guard requested.name != inventoryPrimary else {
            return .failure(Refusal(reason: "\(requestedTarget) is already the primary", hint: "name a standby with --to"))
        }
        guard requested.reachable, requested.role == .standby else {
            return .failure(Refusal(reason: "\(requestedTarget) is not a reachable standby (\(requested.problem ?? requested.role.rawValue))", hint: "check `pgwarden status`"))
        }
        return .success(requested)
    }

    /// A verified local directory is fenced here; else a fence_command; else only the
    /// operator's `--unfenced NODE` lets the failover go on.
    private func fenceMethod(_ name: String, reachable: Bool) -> Result<FencePlan.Method, Refusal> {
        let directory = oldPrimary?.directory ?? .missing("nothing is known about \(name)'s data directory")
        if directory.isVerified { return .success(.instance) }
        if oldPrimary?.hasFenceCommand == true { return .success(.command) }
        if unfenced == name {
            let state = reachable ? "it still answers" : "it did not answer, which does not mean it is down"
            return .success(.unfenced(risk: "--unfenced \(name): \(name) was NOT fenced (\(directory.explanation); \(state)). If it runs or comes back, it takes writes as a second primary and those writes are lost; power it off and keep it off until `pgwarden rejoin \(name)`"))
        }
        let hint = "fix \(name)'s data_dir in warden.yaml, give it a fence_command (e.g. a power-off), or — only if you know it is down for good — pass --unfenced \(name)"
        if reachable {
            return .failure(Refusal(reason: "\(name) answers but cannot be fenced from here: \(directory.explanation)", hint: hint))
        }
        return .failure(Refusal(reason: "\(name)'s state cannot be established: it does not answer, and \(directory.explanation)", hint: hint))
    }
}
