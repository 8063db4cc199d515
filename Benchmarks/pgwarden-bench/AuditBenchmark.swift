import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - pgwarden audit benchmarks

/// 1. Full audit of a fresh lab (target: under 1 s wall).
/// 2. A site with 10,000 login roles and 200 service configs.
/// 3. The wire probe's full TLS scan side by side with `sslscan --starttls-psql` on the
///    same deliberately permissive server, with both result sets compared.
enum AuditBenchmark {
    static func run() async throws {
        try await labAudit()
        try await largeSite()
        try await scanVersusSSLScan()
    }

    // MARK: 1. Lab audit

    static func labAudit() async throws {
        try await withLab { site in
            var times: [Duration] = []
            var findings = 0
            for _ in 0..<5 {
                let clock = ContinuousClock()
                let start = clock.now
                let facts = try await SiteFactsCollector(access: SiteAccess(inventory: site.inventory())).collect()
                findings = AuditReport.audit(facts).findings.count
                times.append(clock.now - start)
            }
            print("lab audit (1 node, 14 service configs, \(findings) findings): \(summary(times)) wall over \(times.count) runs (target < 1 s)")
        }
    }

    // MARK: 2. 10,000 roles, 200 service configs

    static func largeSite() async throws {
        try await withLab { site in
            let admin = try Admin(site: site)
            try await admin.sql([
                """
                DO $$ BEGIN FOR i IN 1..10000 LOOP
                  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', 'svc' || i, 'md5' || md5('pw' || i || 'svc' || i));
                END LOOP; END $$
                """,
            ])
            var inventory = try site.inventory()
            let template = try AtomicFile.readText(site.directory + "/nodes/central/Licenses/appsettings.json")
            var services: [ServiceSpec] = []
            for index in 1...200 {
                let path = site.directory + "/bench/services/\(index)/appsettings.json"
                try Directories.create((path as NSString).deletingLastPathComponent)
                try AtomicFile.write(Array(template.utf8), to: path, mode: 0o644)
                services.append(ServiceSpec(name: "bench/licenses-\(index)", node: "central", profile: .licenses, file: path))
            }
            inventory.services = services
            let clock = ContinuousClock()
            var start = clock.now
            let facts = await SiteFactsCollector(access: SiteAccess(inventory: inventory)).collect()
            let collect = clock.now - start
            start = clock.now
            let report = AuditReport.audit(facts)
            let rules = clock.now - start
            let roles = facts.nodes.first?.roles?.count ?? 0
            print("large site (\(roles) roles, \(facts.services.count) service configs, \(facts.services.flatMap(\.connections).count) connections): collect \(format(collect)), rules \(format(rules)), \(report.findings.count) findings")
        }
    }

    // MARK: 3. Our scan vs sslscan

    static func scanVersusSSLScan() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sslscan") else {
            print("wire scan vs sslscan: skipped (sslscan not installed: apt-get install -y sslscan)")
            return
        }
        try await withLab { site in
            let admin = try Admin(site: site)
            try await admin.makeWireWeak()
            let port = site.state.nodes[0].port
            let clock = ContinuousClock()
            var start = clock.now
            let scan = try await WireProbe(host: "127.0.0.1", port: port).scanTLS()
            let ours = clock.now - start
            start = clock.now
            let result = try await ProcessRunner().run("/usr/bin/sslscan", ["--starttls-psql", "--no-colour", "--no-heartbleed", "--no-renegotiation", "--no-compression", "--no-groups", "--no-fallback", "127.0.0.1:\(port)"])
            let theirs = clock.now - start
            let theirsParsed = SSLScanOutput(result.standardOutput)
            let ourProtocols = Set(scan.acceptedVersions.map(\.name))
            var ourSuites = Set<String>()
            for version in scan.versions where version.isAccepted {
                for code in version.cipherSuites { ourSuites.insert("\(version.version.name) \(CipherSuiteCatalogue.suite(code)?.openSSLName ?? String(code, radix: 16))") }
            }
            print("wire scan of one permissive server (TLSv1..1.3, ALL:@SECLEVEL=0):")
            print("  pgwarden WireProbe.scanTLS: \(format(ours)), \(scan.helloCount) ClientHellos, \(ourProtocols.count) protocols, \(ourSuites.count) version/suite pairs")
            print("  sslscan --starttls-psql:    \(format(theirs)), exit \(result.status), \(theirsParsed.protocols.count) protocols, \(theirsParsed.suites.count) version/suite pairs")
            print("  protocols equal: \(ourProtocols == theirsParsed.protocols) (ours \(ourProtocols.sorted()), sslscan \(theirsParsed.protocols.sorted()))")
            let onlyOurs = ourSuites.subtracting(theirsParsed.suites).sorted()
            let onlyTheirs = theirsParsed.suites.subtracting(ourSuites).sorted()
            print("  suites equal: \(onlyOurs.isEmpty && onlyTheirs.isEmpty); only pgwarden: \(onlyOurs.count) \(onlyOurs.prefix(12)); only sslscan: \(onlyTheirs.count) \(onlyTheirs.prefix(12))")
            let ourAnonymous = scan.versions.flatMap { $0.suites.filter(\.isAnonymous) }.count
            let theirAnonymous = theirsParsed.suites.filter { $0.contains(" ADH-") || $0.contains(" AECDH-") }.count
            print("  anonymous version/suite pairs: pgwarden \(ourAnonymous), sslscan \(theirAnonymous) (by OpenSSL name)")
        }
    }

    // MARK: Support

    static func withLab(_ body: (LabSite) async throws -> Void) async throws {
        let site = try await LabSite.up(directory: NSTemporaryDirectory() + "pgwarden-aud-bench-" + UUID().uuidString.prefix(8))
        do {
            try await body(site)
            try await site.down()
        } catch {
            try? await site.down()
            throw error
        }
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    static func summary(_ times: [Duration]) -> String {
        let sorted = times.sorted()
        return "min \(format(sorted[0])), median \(format(sorted[sorted.count / 2])), max \(format(sorted[sorted.count - 1]))"
    }

    /// Just enough lab administration for the benchmarks (the tests have their own).
    struct Admin {
        let site: LabSite
        let target: ConnectionTarget

        init(site: LabSite) throws {
            self.site = site
            let password = Secret(try AtomicFile.readText(site.directory + "/secrets/postgres.password").trimmingCharacters(in: .whitespacesAndNewlines))
            target = ConnectionTarget(host: "127.0.0.1", port: site.state.nodes[0].port, user: "postgres", password: password, sslMode: .prefer)
        }

        func sql(_ statements: [String]) async throws {
            try await PostgresSession.with(target) { session in
                for statement in statements { try await session.execute(statement) }
            }
        }

        func makeWireWeak() async throws {
            let data = site.state.nodes[0].dataDirectory
            let work = site.directory + "/pki"
            try Directories.create(work, mode: 0o700)
            let made = try await ProcessRunner().run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.crt",
                                                                           "-days", "30", "-subj", "/CN=localhost"], workingDirectory: work)
            guard made.succeeded else { throw HostError(.process, "openssl: \(made.standardError)") }
            for name in ["server.crt", "server.key"] {
                try AtomicFile.write(try AtomicFile.read(work + "/" + name), to: data + "/" + name, mode: 0o600)
                if OSAccount.isRoot { try OSAccount.changeOwner(data + "/" + name, to: site.state.osUser, recursive: false) }
            }
            try await sql([
                "ALTER SYSTEM SET ssl = on", "ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1'",
                "ALTER SYSTEM SET ssl_ciphers = 'ALL:@SECLEVEL=0'", "SELECT pg_reload_conf()",
            ])
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// The protocols and accepted suites in sslscan 2's text output.
struct SSLScanOutput {
    var protocols: Set<String> = []
    var suites: Set<String> = []

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if words.count >= 2, words[1] == "enabled", let name = Self.protocolName(words[0]) { protocols.insert(name) }
            if words.count >= 5, words[0] == "Accepted" || words[0] == "Preferred", let name = Self.protocolName(words[1]) {
                suites.insert("\(name) \(words[4])")
            }
        }
    }

    /// sslscan's `TLSv1.0` → PostgreSQL's `TLSv1`.
    static func protocolName(_ word: String) -> String? {
        switch word {
        case "TLSv1.0": "TLSv1"
        case "TLSv1.1", "TLSv1.2", "TLSv1.3": word
        default: nil
        }
    }
}
