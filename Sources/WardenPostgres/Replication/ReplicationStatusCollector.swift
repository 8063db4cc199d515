import WardenCore

// MARK: - Reading every node's replication state

/// Connects to each node of the inventory as the superuser and reads its role, timeline,
/// WAL positions, slots and replicas. An unreachable node is a state, not an error.
public enum ReplicationStatusCollector {
    public static func collect(_ access: SiteAccess, timeoutSeconds: Double = 2) async -> [NodeReplicationState] {
        var states: [NodeReplicationState] = []
        for node in access.inventory.databaseNodes {
            states.append(await collect(node: node, access: access, timeoutSeconds: timeoutSeconds))
        }
        return states
    }

    public static func collect(node: DatabaseNode, access: SiteAccess, timeoutSeconds: Double = 2) async -> NodeReplicationState {
        do {
            var target = try access.target(node: node)
            target.connectTimeout = timeoutSeconds
            return try await PostgresSession.with(target) { session in try await read(node.name, session) }
        } catch {
            return NodeReplicationState(name: node.name, reachable: false, role: .unknown, problem: String(describing: error))
        }
    }

    private static func read(_ name: String, _ session: PostgresSession) async throws -> NodeReplicationState {
        let inRecovery = try await session.value("SELECT pg_is_in_recovery()::text") == "true"
        let timeline = try await session.value("SELECT timeline_id::text FROM pg_control_checkpoint()").flatMap { Int($0) }
        if inRecovery {
            let row = try await session.rows("""
                SELECT pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn()::text,
                       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::text
                """).first ?? []
            let receiver = try await session.value("SELECT status FROM pg_stat_wal_receiver")
            return NodeReplicationState(
                name: name, reachable: true, role: .standby, timeline: timeline,
                position: row.first.flatMap { $0.flatMap(LSN.init) },
                receivedPosition: row.count > 1 ? row[1].flatMap(LSN.init) : nil,
                replayDelaySeconds: row.count > 2 ? row[2].flatMap(Double.init) : nil,
                streaming: receiver == "streaming")
        }
        let current = try await session.value("SELECT pg_current_wal_lsn()::text").flatMap(LSN.init)
        let slots = try await session.rows("SELECT slot_name::text, active::text, restart_lsn::text FROM pg_replication_slots WHERE slot_type = 'physical' ORDER BY 1")
            .map { NodeReplicationState.Slot(name: $0[0] ?? "", active: $0[1] == "true", restartPosition: $0[2].flatMap(LSN.init)) }
        let replicas = try await session.rows("""
            SELECT application_name, state, sync_state, replay_lsn::text,
                   (pg_current_wal_lsn() - replay_lsn)::bigint::text
            FROM pg_stat_replication ORDER BY 1
            """).map {
                NodeReplicationState.Replica(applicationName: $0[0] ?? "", state: $0[1] ?? "", syncState: $0[2] ?? "",
                                             replayPosition: $0[3].flatMap(LSN.init), lagBytes: $0[4].flatMap(UInt64.init))
            }
        return NodeReplicationState(name: name, reachable: true, role: .primary, timeline: timeline, position: current, slots: slots, replicas: replicas)
    }
}
