import WardenCore
import WardenHost

// MARK: - Every pg_hba.conf on this machine, parsed before a plan starts

/// Reads the pg_hba.conf of every database node whose files are on this machine and
/// refuses (``HBAFileSnapshot/requireParsable(_:path:node:)``) when one does not parse.
///
/// Standbys count too: a standby's file is the one in force after a failover. The path is
/// the server's own `hba_file` (it may live outside the data directory); a node that does
/// not answer is read at `DATA_DIR/pg_hba.conf`. A file that cannot be read at all is left
/// to the collectors, which say so where they need it.
public enum SiteHBAFiles {
    /// Snapshots by node name; throws the first file that does not parse (`CoreError`, exit 2).
    public static func requireParsable(_ access: SiteAccess) async throws -> [String: HBAFileSnapshot] {
        var snapshots: [String: HBAFileSnapshot] = [:]
        for node in access.inventory.databaseNodes where node.access == .local {
            let path = await serverPath(node, access: access) ?? node.dataDirectory + "/pg_hba.conf"
            guard let bytes = try? AtomicFile.read(path) else { continue }
            snapshots[node.name] = try HBAFileSnapshot.requireParsable(bytes, path: path, node: node.name)
        }
        return snapshots
    }

    /// `SHOW hba_file`, or nil when the node does not answer.
    private static func serverPath(_ node: DatabaseNode, access: SiteAccess) async -> String? {
        try? await access.withSuperuser(on: node) { session in try await session.value("SHOW hba_file") }
    }
}
