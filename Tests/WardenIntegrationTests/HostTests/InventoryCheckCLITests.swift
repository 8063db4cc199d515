import Foundation
import Testing
import WardenCore
import WardenHost

// MARK: - `pgwarden inventory check` looks at this machine's data directories

@Suite("inventory check refuses a local data_dir that is not there", .serialized)
struct InventoryCheckCLITests {
    static func inventory(db1DataDir: String = "db1/data", db2DataDir: String) -> String {
        """
        site: plant-a
        database_nodes:
          - name: db1
            host: 127.0.0.1
            port: 4432
            data_dir: \(db1DataDir)
            role: primary
          - name: db2
            host: 127.0.0.1
            port: 4433
            data_dir: \(db2DataDir)
            role: standby
        """
    }

    /// Both data directories exist: exit 0. A standby's missing directory is a note (not
    /// provisioned yet). The primary's missing directory, and a standby's that is a plain
    /// file: exit 2 at the `data_dir:` value, naming the node and the resolved path, with a hint.
    @Test func missingOrNotADirectoryIsRefused() async throws {
        let directory = try makeTemporaryDirectory("pgwarden-inventory-check")
        defer { try? Directories.remove(directory) }
        try Directories.create(directory + "/db1/data")
        try Directories.create(directory + "/db2/data")
        try AtomicFile.write(Array("not a directory\n".utf8), to: directory + "/db2/file")
        let path = directory + "/warden.yaml"

        try AtomicFile.write(Array(Self.inventory(db2DataDir: "db2/data").utf8), to: path)
        let good = try await ConnstrCLITests.run(["inventory", "check", "--inventory", path])
        #expect(good.status == 0, "\(good.standardError)")

        // A standby not provisioned yet is a note: `replica add` makes its directory.
        try AtomicFile.write(Array(Self.inventory(db2DataDir: "db2/new").utf8), to: path)
        let unprovisioned = try await ConnstrCLITests.run(["inventory", "check", "--inventory", path])
        #expect(unprovisioned.status == 0, "\(unprovisioned.standardError)")
        #expect(unprovisioned.standardError.contains("note: standby 'db2' is not provisioned yet"))
        #expect(unprovisioned.standardError.contains("pgwarden replica add db2"))

        for (db1, db2, node, line, what) in [("db1/gone", "db2/data", "db1", 6, "does not exist"), ("db1/data", "db2/file", "db2", 11, "is not a directory")] {
            try AtomicFile.write(Array(Self.inventory(db1DataDir: db1, db2DataDir: db2).utf8), to: path)
            let result = try await ConnstrCLITests.run(["inventory", "check", "--inventory", path])
            let value = node == "db1" ? db1 : db2
            #expect(result.status == 2, "\(value): \(result.standardOutput)\n\(result.standardError)")
            let resolved = PathResolution.resolve(value, against: PathResolution.directory(of: path))
            #expect(result.standardError.contains(
                "error: \(PathResolution.resolve(path, against: "/")):\(line):15: database node '\(node)' (access: local): data_dir \(resolved) \(what) on this machine"),
                "\(result.standardError)")
            #expect(result.standardError.contains("\nhint: give the directory that holds the node's PG_VERSION"))
            #expect(!result.standardOutput.contains("OK"))
        }
    }
}
