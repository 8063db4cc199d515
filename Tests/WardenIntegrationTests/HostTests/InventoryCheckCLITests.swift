import Foundation
import Testing
import WardenCore
import WardenHost

// MARK: - `pgwarden inventory check` looks at this machine's data directories

@Suite("inventory check refuses a local data_dir that is not there", .serialized)
struct InventoryCheckCLITests {
    static func inventory(db2DataDir: String) -> String {
        """
        site: plant-a
        database_nodes:
          - name: db1
            host: 127.0.0.1
            port: 4432
            data_dir: db1/data
            role: primary
          - name: db2
            host: 127.0.0.1
            port: 4433
            data_dir: \(db2DataDir)
            role: standby
        """
    }

    /// Both data directories exist: exit 0. db2's is missing, then a plain file: exit 2 at
    /// `warden.yaml:11:15` (its `data_dir:` value), naming the node and the resolved path,
    /// with a hint.
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

        for (value, what) in [("db2/gone", "does not exist"), ("db2/file", "is not a directory")] {
            try AtomicFile.write(Array(Self.inventory(db2DataDir: value).utf8), to: path)
            let result = try await ConnstrCLITests.run(["inventory", "check", "--inventory", path])
            #expect(result.status == 2, "\(value): \(result.standardOutput)\n\(result.standardError)")
            let resolved = PathResolution.resolve(value, against: PathResolution.directory(of: path))
            #expect(result.standardError.contains(
                "error: \(PathResolution.resolve(path, against: "/")):11:15: database node 'db2' (access: local): data_dir \(resolved) \(what) on this machine"),
                "\(result.standardError)")
            #expect(result.standardError.contains("\nhint: give the directory that holds the node's PG_VERSION"))
            #expect(!result.standardOutput.contains("OK"))
        }
    }
}
