import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - A disposable local site

/// A local copy of the reference deployment as a fresh install leaves it: one PostgreSQL
/// primary on 127.0.0.1 with md5 everywhere, a central and a rim node full of service
/// configs with plaintext passwords, and a pgpass file with the superuser's password.
///
/// `pgwarden lab` and the integration tests both build sites through this type, so the
/// tests exercise exactly what users try. Everything lives under one folder; ``down()``
/// stops every server it started and removes the folder.
public struct LabSite: Sendable {
    public let directory: String
    public let state: LabState

    public static let superuser = "postgres"
    public static let repositoryRole = "qliksenserepository"
    public static let replicationRole = "replicator"
    public static let databases = ["QSR", "QSMQ", "Licenses", "SenseServices"]

    public var inventoryPath: String { directory + "/warden.yaml" }
    static func statePath(_ directory: String) -> String { directory + "/lab.json" }

    /// Opens an existing lab.
    public static func open(directory: String) throws(LabError) -> LabSite {
        let directory = PathResolution.resolve(directory, against: FileManager.default.currentDirectoryPath)
        do {
            return LabSite(directory: directory, state: try LabState.read(from: statePath(directory)))
        } catch {
            throw LabError("no lab in \(directory)", hint: "create one with: pgwarden lab up --dir \(directory)")
        }
    }

    /// The lab's inventory, parsed.
    public func inventory() throws -> Inventory {
        try InventoryParser.parse(try AtomicFile.readText(inventoryPath), path: inventoryPath)
    }

    // MARK: Status

    public struct NodeStatus: Sendable, Codable {
        public var name: String
        public var port: Int
        public var role: String
        public var provisioned: Bool
        public var running: Bool
        public var acceptsConnections: Bool
        public var problem: String?
    }

    public func status() async -> [NodeStatus] {
        var result: [NodeStatus] = []
        let access = try? SiteAccess(inventory: inventory())
        for node in state.nodes {
            var status = NodeStatus(name: node.name, port: node.port, role: node.role, provisioned: node.provisioned, running: false, acceptsConnections: false)
            if node.provisioned {
                status.running = control(node).isRunning
                if !status.running {
                    status.problem = "server is not running (see \(node.logFile))"
                } else if let access, let dbNode = access.inventory.databaseNode(named: node.name) {
                    do {
                        try await access.withSuperuser(on: dbNode) { session in try await session.execute("SELECT 1") }
                        status.acceptsConnections = true
                    } catch {
                        status.problem = "running but not accepting connections: \(error)"
                    }
                }
            }
            result.append(status)
        }
        return result
    }

    // MARK: Down

    /// Stops every server of the lab and removes the folder. The lab is disposable, so
    /// the shutdown is immediate (no shutdown checkpoint to wait for); SIGKILL if that fails.
    public func down() async throws {
        for node in state.nodes where node.provisioned || AtomicFile.exists(node.dataDirectory + "/postmaster.pid") {
            try await control(node).stop(mode: "immediate")
        }
        try Directories.remove(directory)
    }

    /// pg_ctl for one of the lab's servers: to restart it after a setting that needs a
    /// restart, or to start it under a launcher (``PostgresServerControl/start(logFile:timeoutSeconds:launcher:)``).
    public func control(_ node: LabState.Node) -> PostgresServerControl {
        PostgresServerControl(binaries: PostgresBinaries(directory: state.binDirectory), dataDirectory: node.dataDirectory, osUser: state.osUser)
    }
}
