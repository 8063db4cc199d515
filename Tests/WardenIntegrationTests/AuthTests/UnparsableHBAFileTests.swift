import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - A pg_hba.conf that does not parse stops every scope

@Suite("An unparsable pg_hba.conf is refused before anything changes", .serialized)
struct UnparsableHBAFileTests {
    /// One bad record appended to the lab's pg_hba.conf: `plan` and `apply` of every scope
    /// (and of all of them) exit 2 naming `pg_hba.conf:LINE:COL` of the bad token, with a
    /// hint; afterwards every configuration file of the server, every service config and
    /// secret, and every verifier is exactly as before, and nothing was journaled. With the
    /// line gone, planning works again.
    @Test func everyScopeRefusesWithThePosition() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            let original = try AtomicFile.read(admin.hbaPath)
            let broken = "host    all             all             127.0.0.1/32            md6\n"
            try admin.writeHBA(String(decoding: original, as: UTF8.self) + broken)
            let line = original.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = broken.distance(from: broken.startIndex, to: try #require(broken.range(of: "md6")).lowerBound) + 1

            let filesBefore = try Self.serverFiles(admin).merging(try serviceAndSecretFiles(site)) { first, _ in first }
            let verifiersBefore = try await admin.verifiers()
            let scopes: [[String]] = [[], ["--only", "settings"], ["--only", "auth"], ["--only", "tls"], ["--only", "auth,tls"]]
            for command in ["plan", "apply"] {
                for scope in scopes {
                    let result = try await ConnstrCLITests.run([command] + scope + common)
                    let label = ([command] + scope).joined(separator: " ")
                    #expect(result.status == 2, "\(label): \(result.standardOutput)\n\(result.standardError)")
                    #expect(result.standardError.contains("pg_hba.conf:\(line):\(column): db1's pg_hba.conf does not parse: invalid authentication method \"md6\""),
                            "\(label): \(result.standardError)")
                    #expect(result.standardError.contains("\nhint: ") && result.standardError.contains("Correct this line"), "\(label): \(result.standardError)")
                    #expect(!result.standardOutput.contains("Applied"), "\(label)")
                }
            }
            let filesAfter = try Self.serverFiles(admin).merging(try serviceAndSecretFiles(site)) { first, _ in first }
            #expect(filesAfter == filesBefore, "changed: \(filesAfter.keys.filter { filesAfter[$0] != filesBefore[$0] }.sorted())")
            #expect(try await admin.verifiers() == verifiersBefore)
            #expect(!AtomicFile.exists(site.directory + "/state/journal.jsonl"), "no run was journaled")

            try admin.writeHBA(String(decoding: original, as: UTF8.self))
            let plan = try await ConnstrCLITests.run(["plan", "--only", "auth"] + common)
            #expect(plan.status == 0, "\(plan.standardError)")
        }
    }

    /// Every file at the top of the data directory (pg_hba.conf, postgresql.conf,
    /// postgresql.auto.conf, certificates), by path.
    static func serverFiles(_ admin: LabAdmin) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: admin.dataDirectory) {
            let path = admin.dataDirectory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  name != "postmaster.pid", name != "postmaster.opts" else { continue }
            files[path] = try AtomicFile.read(path)
        }
        return files
    }
}
