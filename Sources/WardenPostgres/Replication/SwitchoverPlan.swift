import WardenCore

// MARK: - What a switchover is about to do

/// A checked switchover, before anything is touched: shown to the operator for confirmation,
/// then carried out by ``FailoverCoordinator/switchover(_:)``.
public struct SwitchoverPlan: Sendable {
    /// The primary that is stopped cleanly and then follows the target.
    public var oldPrimary: String
    public var target: String
    /// How far the target's replay is behind the primary right now (it catches up before
    /// promotion: nothing is lost).
    public var lagBytes: UInt64
    public var servicesToRepoint: Int

    public var lines: [String] {
        [
            "stop \(oldPrimary) cleanly (checkpoint, then a fast shutdown) and leave a standby.signal in it",
            "wait until \(target) has replayed everything (\(lagBytes) bytes behind now), then promote it",
            "repoint \(servicesToRepoint) service config file(s) to \(target)",
            "start \(oldPrimary) as a standby of \(target)",
        ]
    }
}
