// MARK: - What one node looks like, replication-wise

/// One database node as `pgwarden status` observed it. Collected by WardenPostgres; judged
/// by ``FailoverDecision`` and printed by the CLI.
public struct NodeReplicationState: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case primary
        case standby
        /// Not reachable: we cannot tell.
        case unknown
    }

    public var name: String
    public var reachable: Bool
    public var role: Role
    public var timeline: Int?
    /// On a primary: pg_current_wal_lsn(). On a standby: the last replayed position.
    public var position: LSN?
    /// On a standby: the last position received from the primary.
    public var receivedPosition: LSN?
    /// On a standby: seconds since the last replayed transaction (nil when idle or unknown).
    public var replayDelaySeconds: Double?
    /// On a standby: whether its WAL receiver is streaming right now.
    public var streaming: Bool?
    /// On a primary: its physical replication slots and whether each is in use.
    public var slots: [Slot]
    /// On a primary: connected standbys as pg_stat_replication lists them.
    public var replicas: [Replica]
    /// Why the node could not be read, when it could not.
    public var problem: String?

    public struct Slot: Sendable, Hashable, Codable {
        public var name: String
        public var active: Bool
        public var restartPosition: LSN?
        public init(name: String, active: Bool, restartPosition: LSN?) {
            self.name = name
            self.active = active
            self.restartPosition = restartPosition
        }
    }

    public struct Replica: Sendable, Hashable, Codable {
        public var applicationName: String
        public var state: String
        public var syncState: String
        public var replayPosition: LSN?
        /// Bytes the replica's replay is behind the primary's current position.
        public var lagBytes: UInt64?
        public init(applicationName: String, state: String, syncState: String, replayPosition: LSN?, lagBytes: UInt64?) {
            self.applicationName = applicationName
            self.state = state
            self.syncState = syncState
            self.replayPosition = replayPosition
            self.lagBytes = lagBytes
        }
    }

    public init(name: String, reachable: Bool, role: Role, timeline: Int? = nil, position: LSN? = nil,
                receivedPosition: LSN? = nil, replayDelaySeconds: Double? = nil, streaming: Bool? = nil,
                slots: [Slot] = [], replicas: [Replica] = [], problem: String? = nil) {
        self.name = name
        self.reachable = reachable
        self.role = role
        self.timeline = timeline
        self.position = position
        self.receivedPosition = receivedPosition
        self.replayDelaySeconds = replayDelaySeconds
        self.streaming = streaming
        self.slots = slots
        self.replicas = replicas
        self.problem = problem
    }

    /// The furthest WAL position this node holds (received counts for a standby: it will
    /// replay what it received before a promotion completes).
    public var furthestPosition: LSN? {
        switch (position, receivedPosition) {
        case let (a?, b?): max(a, b)
        case let (a?, nil): a
        case let (nil, b?): b
        case (nil, nil): nil
        }
    }
}
