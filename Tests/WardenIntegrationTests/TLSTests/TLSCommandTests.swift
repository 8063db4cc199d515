import Foundation
import Testing
import WardenCore
import WardenHost

// MARK: - pgwarden tls: the CLI's real output (no server needed)

@Suite("pgwarden tls: the CLI's real output", .serialized)
struct TLSCommandTests {
    static let binary = ConnstrCLITests.binary

    /// A site with one node (no server running) known as db1.example.test.
    static func withSite(_ body: (String) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory("pgwarden-tls-cli")
        defer { try? Directories.remove(directory) }
        try Directories.create(directory + "/db1/data", mode: 0o700)
        let inventory = """
        site: cli
        state_dir: state
        database_nodes:
          - name: db1
            host: 127.0.0.1
            host_names: [db1.example.test]
            port: 1
            data_dir: db1/data
            role: primary
        tls:
          validity_days: 90
        """
        try AtomicFile.write(Array(inventory.utf8), to: directory + "/warden.yaml")
        try await body(directory)
    }

    static func run(_ directory: String, _ arguments: [String]) async throws -> ProcessRunner.Result {
        try #require(AtomicFile.exists(binary), "build pgwarden first (swift build --build-tests)")
        return try await ProcessRunner().run(binary, arguments + ["--inventory", directory + "/warden.yaml"], environment: ["PATH": "/usr/bin:/bin"])
    }

    @Test("ca init, issue (no install), show, client: files, modes, JSON, exit codes; no key text ever printed")
    func issueAndShow() async throws {
        try await Self.withSite { site in
            let created = try await Self.run(site, ["tls", "ca", "init"])
            #expect(created.status == 0, "\(created.standardError)")
            #expect(created.standardOutput.contains("CN=pgwarden cli CA"))
            #expect(try TLSFileSurvey.state(site + "/state/tls/ca.key").mode == 0o600)
            let again = try await Self.run(site, ["tls", "ca", "init"])
            #expect(again.status == 2)
            #expect(again.standardError.contains("hint: keep it, or replace it with `pgwarden tls ca init --force`"))

            let issued = try await Self.run(site, ["tls", "issue", "server", "--node", "db1", "--no-install", "--format", "json"])
            #expect(issued.status == 0, "\(issued.standardError)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(issued.standardOutput.utf8)) as? [String: Any])
            let certificate = try #require((report["certificate"] as? [String: Any])?["certificate"] as? [String: Any])
            #expect(certificate["dnsNames"] as? [String] == ["db1.example.test"])
            #expect(certificate["ipAddresses"] as? [String] == [])
            #expect(report["install"] == nil)
            #expect(try TLSFileSurvey.state(site + "/state/tls/nodes/db1/server.key").mode == 0o600)

            let withAddress = try await Self.run(site, ["tls", "issue", "server", "--node", "db1", "--no-install", "--ip-san"])
            #expect(withAddress.standardOutput.contains("IP: 127.0.0.1"))

            // Issued but not installed: show says so and exits 1.
            let shown = try await Self.run(site, ["tls", "show", "--format", "json"])
            #expect(shown.status == 1)
            let show = try #require(try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any])
            let node = try #require((show["nodes"] as? [[String: Any]])?.first)
            #expect(node["issued"] != nil && node["installed"] == nil && node["installedIsIssued"] as? Bool == false)

            let client = try await Self.run(site, ["tls", "issue", "client", "--user", "qliksenserepository"])
            #expect(client.status == 0, "\(client.standardError)")
            #expect(client.standardOutput.contains("CN=qliksenserepository"))
            #expect(try TLSFileSurvey.state(site + "/state/tls/clients/qliksenserepository/client.key").mode == 0o600)

            for result in [created, issued, withAddress, shown, client] {
                #expect(!(result.standardOutput + result.standardError).contains("PRIVATE KEY"))
            }
        }
    }

    @Test("on a lab: issue installs (exit 0), show is clean, rotate keeps what is not due, --force renews and reloads, undo puts it back")
    func lab() async throws {
        try await CertificateLab.with { lab in
            let site = lab.site.directory
            let issued = try await Self.run(site, ["tls", "issue", "server", "--node", "db1"])
            #expect(issued.status == 0, "\(issued.standardError)")
            #expect(issued.standardOutput.contains("Installed and verified 1 step(s). Undo with: pgwarden undo"))
            #expect(issued.standardOutput.contains("note: services dial 127.0.0.1, which the certificate does not name"))
            try await lab.turnSSLOn()
            let first = try await lab.servedFingerprint()

            let shown = try await Self.run(site, ["tls", "show"])
            #expect(shown.status == 0, "\(shown.standardOutput)\(shown.standardError)")
            #expect(shown.standardOutput.contains("key        server.key mode 0600, owner postgres"))

            let kept = try await Self.run(site, ["tls", "rotate", "--format", "json"])
            #expect(kept.status == 0, "\(kept.standardError)")
            let keptReport = try #require(try JSONSerialization.jsonObject(with: Data(kept.standardOutput.utf8)) as? [String: Any])
            #expect((keptReport["decisions"] as? [[String: Any]])?.first?["renew"] as? Bool == false)
            #expect(keptReport["install"] == nil)

            let rotated = try await Self.run(site, ["tls", "rotate", "--force", "--format", "json"])
            #expect(rotated.status == 0, "\(rotated.standardError)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(rotated.standardOutput.utf8)) as? [String: Any])
            #expect((report["install"] as? [String: Any])?["outcome"] as? String == "completed")
            let second = try await lab.servedFingerprint()
            #expect(second != first)

            let undone = try await Self.run(site, ["undo"])
            #expect(undone.status == 0, "\(undone.standardError)")
            #expect(try await lab.servedFingerprint() == first)
        }
    }

    @Test("bad input: unknown node, a readable CA key, a key that does not belong to the certificate, no CA")
    func badInput() async throws {
        try await Self.withSite { site in
            let noCA = try await Self.run(site, ["tls", "issue", "server", "--node", "db1", "--no-install"])
            #expect(noCA.status == 2)
            #expect(noCA.standardError.contains("hint: create one with `pgwarden tls ca init`"))

            _ = try await Self.run(site, ["tls", "ca", "init", "--rsa"])
            let unknown = try await Self.run(site, ["tls", "issue", "server", "--node", "db9"])
            #expect(unknown.status == 2)
            #expect(unknown.standardError.contains("no database node named 'db9'"))

            _ = try await Self.run(site, ["tls", "issue", "server", "--node", "db1", "--no-install"])
            _ = try await Self.run(site, ["tls", "issue", "client", "--user", "other"])
            let mismatch = try await Self.run(site, [
                "tls", "import", "--node", "db1", "--no-install",
                "--cert", site + "/state/tls/nodes/db1/server.crt", "--key", site + "/state/tls/clients/other/client.key",
            ])
            #expect(mismatch.status == 2)
            #expect(mismatch.standardError.contains("the private key does not belong to the certificate"))
            #expect(!mismatch.standardError.contains("PRIVATE KEY"))

            chmod(site + "/state/tls/ca.key", 0o640)
            let readable = try await Self.run(site, ["tls", "issue", "server", "--node", "db1", "--no-install"])
            #expect(readable.status == 2)
            #expect(readable.standardError.contains("can be read by others"))
            #expect(readable.standardError.contains("hint: run: chmod 600"))
        }
    }
}
