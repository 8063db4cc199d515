import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab

/// The debug binary built next to the tests (`swift build --build-tests`).
enum PGWardenBinary {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/pgwarden").path
    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: path) }
}

/// The `pgwarden audit` command as a user runs it: output formats and exit codes.
@Suite("pgwarden audit command", .serialized, .enabled(if: PGWardenBinary.isBuilt))
struct AuditCommandTests {

    func run(_ arguments: [String], inventory: String? = nil) async throws -> ProcessRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["PGWARDEN_INVENTORY"] = inventory
        return try await ProcessRunner().run(PGWardenBinary.path, arguments, environment: environment)
    }

    @Test("json, sarif and --fail-on against a fresh lab")
    func formatsAndExitCodes() async throws {
        try await withAuditLab { site in
            let json = try await run(["audit", "--format", "json"], inventory: site.inventoryPath)
            #expect(json.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
            let findings = try #require(object["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["id"] as? String == "AUTH-003" })
            #expect(json.standardError.contains("examining 1 database node"))  // progress on stderr, not stdout

            let sarif = try await run(["audit", "--format", "sarif", "--no-tls-scan"], inventory: site.inventoryPath)
            let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.standardOutput.utf8)) as? [String: Any])
            #expect(log["version"] as? String == "2.1.0")

            #expect(try await run(["audit", "--fail-on", "high"], inventory: site.inventoryPath).status == 1)
            #expect(try await run(["audit", "--fail-on", "critical"], inventory: site.inventoryPath).status == 0)
            let text = try await run(["audit"], inventory: site.inventoryPath)
            #expect(text.status == 0)
            #expect(!text.standardOutput.contains("\u{1B}["))  // not a TTY: no colour
            #expect(text.standardOutput.contains("HIGH ("))
        }
    }

    @Test("--explain, an unknown rule, and a missing inventory")
    func explainAndBadInput() async throws {
        let explain = try await run(["audit", "--explain", "tls-005"])
        #expect(explain.status == 0 && explain.standardOutput.hasPrefix("TLS-005: "))
        let unknown = try await run(["audit", "--explain", "NOPE-001"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("error: no audit rule 'NOPE-001'"))
        let missing = try await run(["audit"], inventory: "/nonexistent/warden.yaml")
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("hint: "))
    }

    /// Every rule's command is one the CLI has: each `pgwarden …` part's subcommand path
    /// answers `--help`, names each of its options there, and an `--only` scope exists.
    @Test("each audit rule's command exists, with its options")
    func ruleCommandsExist() async throws {
        let commands = Set(AuditCatalogue.rules.compactMap(\.command))
        #expect(commands.count > 10)
        for part in commands.flatMap({ $0.components(separatedBy: " && ") }) {
            let words = part.split(separator: " ").map(String.init)
            #expect(words.first == "pgwarden", "\(part)")
            // The subcommand path: lowercase words up to the first option or placeholder.
            let path = Array(words.dropFirst().prefix { !$0.hasPrefix("-") && $0 == $0.lowercased() })
            let help = try await run(path + ["--help"])
            #expect(help.status == 0, "\(part): \(help.standardError)")
            #expect(help.standardOutput.contains("USAGE: pgwarden \(path.joined(separator: " "))"), "\(part)")
            for option in words where option.hasPrefix("--") {
                #expect(help.standardOutput.contains(option), "\(part): no \(option) in its help")
            }
            if let only = words.firstIndex(of: "--only") {
                #expect(PlanScope(rawValue: words[only + 1]) != nil, "\(part)")
            }
        }
    }
}
