import Foundation
import WardenCore
import WardenHost
import WardenPostgres
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Building a lab

extension LabSite {
    public typealias Progress = @Sendable (String) -> Void

    /// Builds a lab in `directory` (which must not hold one already). With `standby`, a
    /// second database node is reserved (folder and port) for a later `replica add`.
    /// On any failure everything made so far is stopped and removed.
    public static func up(directory: String, standby: Bool = false, binDirectory: String? = nil, progress: Progress = { _ in }) async throws -> LabSite {
        let directory = PathResolution.resolve(directory, against: FileManager.default.currentDirectoryPath)
        if AtomicFile.exists(statePath(directory)) || AtomicFile.exists(directory + "/warden.yaml") {
            throw LabError("a lab already exists in \(directory)", hint: "use it (pgwarden lab status --dir \(directory)) or remove it first (pgwarden lab down --dir \(directory))")
        }
        let binaries = try await PostgresBinaries.locate(explicit: binDirectory)
        let major = try await binaries.majorVersion()
        let osUser = PostgresServerControl.defaultOSUser
        let createdDirectory = !AtomicFile.exists(directory)
        try Directories.create(directory, mode: 0o755)
        // The server runs as another account; it must be able to reach its folder.
        chmod(directory, 0o755)
        if OSAccount.isRoot, let closed = firstClosedAncestor(of: directory) {
            if createdDirectory { try? Directories.remove(directory) }
            throw LabError("the server's OS user \(osUser) cannot enter \(closed)", hint: "choose a lab folder whose parents others may enter (chmod o+x \(closed)), e.g. under /tmp")
        }

        var nodes = [LabState.Node(name: "db1", port: try FreePort.find(), dataDirectory: directory + "/db1/data", logFile: directory + "/db1/server.log", role: "primary", provisioned: false)]
        if standby {
            var port = try FreePort.find()
            while port == nodes[0].port { port = try FreePort.find() }
            nodes.append(LabState.Node(name: "db2", port: port, dataDirectory: directory + "/db2/data", logFile: directory + "/db2/server.log", role: "standby", provisioned: false))
        }
        var state = LabState(site: "lab", binDirectory: binaries.directory, majorVersion: major, osUser: osUser, nodes: nodes)
        do {
            try AtomicFile.write(try state.bytes(), to: statePath(directory), mode: 0o644)
            let passwords = try LabPasswords.generate()
            try writeSecrets(passwords, in: directory)
            progress("initdb: PostgreSQL \(major) in \(nodes[0].dataDirectory) (as OS user \(osUser))")
            try await initializePrimary(nodes[0], binaries: binaries, osUser: osUser, passwords: passwords)
            state.nodes[0].provisioned = true
            try AtomicFile.write(try state.bytes(), to: statePath(directory), mode: 0o644)
            progress("start: 127.0.0.1:\(nodes[0].port)")
            try await PostgresServerControl(binaries: binaries, dataDirectory: nodes[0].dataDirectory, osUser: osUser)
                .start(logFile: nodes[0].logFile)
            progress("roles and databases: \(superuser), \(repositoryRole) (md5 verifiers); \(databases.joined(separator: ", "))")
            try await createRolesAndDatabases(port: nodes[0].port, passwords: passwords)
            progress("service nodes: central and rim1 with their config files")
            let services = try writeServiceNodes(in: directory, port: nodes[0].port, passwords: passwords)
            if standby { try Directories.create(directory + "/db2", mode: 0o755) }
            try AtomicFile.write(Array(LabInventory.text(state: state, services: services).utf8), to: directory + "/warden.yaml", mode: 0o644)
            return LabSite(directory: directory, state: state)
        } catch {
            let partial = LabSite(directory: directory, state: state)
            for node in state.nodes { try? await partial.control(node).stop(mode: "immediate") }
            if createdDirectory { try? Directories.remove(directory) }
            throw error
        }
    }

    // MARK: Steps of up

    /// The first folder on the way to `path` that other users cannot enter, if any.
    private static func firstClosedAncestor(of path: String) -> String? {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            var info = stat()
            if stat(current, &info) == 0, info.st_mode & 0o001 == 0 { return current }
        }
        return nil
    }

    private static func writeSecrets(_ passwords: LabPasswords, in directory: String) throws(HostError) {
        try Directories.create(directory + "/secrets", mode: 0o700)
        try AtomicFile.create(Array((passwords.superuser.revealed + "\n").utf8), at: directory + "/secrets/\(superuser).password", mode: 0o600)
        try AtomicFile.create(Array((passwords.repository.revealed + "\n").utf8), at: directory + "/secrets/\(repositoryRole).password", mode: 0o600)
        try AtomicFile.create(Array((passwords.replication.revealed + "\n").utf8), at: directory + "/secrets/\(replicationRole).password", mode: 0o600)
    }

    private static func initializePrimary(_ node: LabState.Node, binaries: PostgresBinaries, osUser: String, passwords: LabPasswords) async throws {
        let nodeDirectory = (node.dataDirectory as NSString).deletingLastPathComponent
        try Directories.create(nodeDirectory, mode: 0o755)
        if OSAccount.isRoot { try OSAccount.changeOwner(nodeDirectory, to: osUser) }
        let control = PostgresServerControl(binaries: binaries, dataDirectory: node.dataDirectory, osUser: osUser)
        try await control.initialize(superuser: superuser, password: passwords.superuser, durable: false, dataChecksums: true)
        // The insecure baseline the reference page starts from, on loopback only.
        let settings = """

        # --- pgwarden lab: a fresh shared-persistence install (insecure on purpose) ---
        listen_addresses = '127.0.0.1'
        port = \(node.port)
        unix_socket_directories = ''
        password_encryption = md5
        ssl = off
        log_connections = off

        """
        let confPath = node.dataDirectory + "/postgresql.conf"
        var conf = try AtomicFile.read(confPath)
        conf.append(contentsOf: Array(settings.utf8))
        try AtomicFile.write(conf, to: confPath)
        let hba = """
        # pg_hba.conf as the reference deployment ships it: md5 from anywhere.
        # TYPE  DATABASE        USER            ADDRESS                 METHOD
        host    all             all             0.0.0.0/0               md5

        """
        try AtomicFile.write(Array(hba.utf8), to: node.dataDirectory + "/pg_hba.conf")
    }

    private static func createRolesAndDatabases(port: Int, passwords: LabPasswords) async throws {
        let target = ConnectionTarget(host: "127.0.0.1", port: port, user: superuser, password: passwords.superuser, sslMode: .disable)
        try await PostgresSession.with(target) { session in
            // Only verifiers travel to the server, never the passwords themselves, and not
            // into its log either (a lab may run with log_statement = all).
            try await session.hideStatementsFromLogs()
            let superuserVerifier = MD5Verifier(password: passwords.superuser, role: superuser).text
            let repositoryVerifier = MD5Verifier(password: passwords.repository, role: repositoryRole).text
            try await session.execute("ALTER ROLE \(try SQLQuote.identifier(superuser)) PASSWORD \(try SQLQuote.literal(superuserVerifier))")
            try await session.execute("CREATE ROLE \(try SQLQuote.identifier(repositoryRole)) LOGIN PASSWORD \(try SQLQuote.literal(repositoryVerifier))")
            for database in databases {
                try await session.execute("CREATE DATABASE \(try SQLQuote.identifier(database)) OWNER \(try SQLQuote.identifier(repositoryRole))")
            }
        }
    }

    private static func writeServiceNodes(in directory: String, port: Int, passwords: LabPasswords) throws(HostError) -> [LabInventory.Service] {
        let values = LabTemplates.Values(host: "127.0.0.1", port: port, user: repositoryRole, password: passwords.repository.revealed)
        var services: [LabInventory.Service] = []
        for (node, files) in [("central", LabTemplates.centralNode(values)), ("rim1", LabTemplates.rimNode(values))] {
            for file in files {
                let relative = "nodes/\(node)/\(file.path)"
                try Directories.create((directory + "/" + relative as NSString).deletingLastPathComponent)
                try AtomicFile.write(Array(file.contents.utf8), to: directory + "/" + relative, mode: 0o644)
                services.append(LabInventory.Service(node: node, profile: file.profile, file: relative))
            }
        }
        let pgpassDirectory = directory + "/nodes/central/AppData/postgresql"
        try Directories.create(pgpassDirectory)
        try AtomicFile.write(Array(LabTemplates.pgpass(host: "127.0.0.1", port: port, superuser: superuser, password: passwords.superuser.revealed).utf8),
                             to: pgpassDirectory + "/pgpass.conf", mode: 0o600)
        return services
    }
}

// MARK: - Passwords

struct LabPasswords {
    var superuser: Secret
    var repository: Secret
    /// For the replication role that `replica add` creates; the lab only stores it.
    var replication: Secret

    static func generate() throws -> LabPasswords {
        let generator = try PasswordGenerator(length: 24)
        return LabPasswords(superuser: generator.generate(), repository: generator.generate(), replication: generator.generate())
    }
}
