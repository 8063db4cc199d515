import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

/// A lab misconfigured the many ways the reference page and the CIS benchmark warn about,
/// on a real server: the rules that a fresh lab does not show must fire here.
@Suite("pgwarden audit on a misconfigured lab", .serialized)
struct AuditMisconfiguredLabTests {
    @Test("each misconfiguration is found, with its evidence")
    func misconfigured() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            let lowIterations = try SCRAMVerifier.make(password: Secret("not-a-real-secret-1"), iterations: 1000).text
            let md5 = MD5Verifier(password: Secret("not-a-real-secret-2"), role: "backup").text
            try await admin.sql([
                "CREATE ROLE nopass LOGIN",
                "CREATE ROLE lowiter LOGIN PASSWORD \(try SQLQuote.literal(lowIterations))",
                "CREATE ROLE backup LOGIN REPLICATION PASSWORD \(try SQLQuote.literal(md5))",
                "ALTER SYSTEM SET ssl = on",  // no certificate: the reload cannot turn TLS on
                "ALTER SYSTEM SET ssl_prefer_server_ciphers = off",
                "ALTER SYSTEM SET authentication_timeout = '5min'",
                "ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 user=replicator password=not-a-real-secret-3'",
            ])
            // A key file anyone may read (not a usable key: only its mode matters here).
            try AtomicFile.write(Array("not a key\n".utf8), to: admin.dataDirectory + "/server.key", mode: 0o644)
            try admin.writeHBA("""
                host    QSR          qliksenserepository 127.0.0.1/32 password
                host    all          nopass              127.0.0.1/32 trust
                host    all          identuser           127.0.0.1/32 ident
                host    replication  all                 0.0.0.0/0    md5
                host    all          all                 127.0.0.1/32 md5 nosuchoption=1
                host    all          all                 0.0.0.0/0    md5
                host    all          nopass              127.0.0.1/32 trust

                """)
            try await admin.reload()

            // Files on the service nodes.
            let pgpass = site.directory + "/nodes/central/AppData/postgresql/pgpass.conf"
            var pgpassText = try AtomicFile.readText(pgpass)
            pgpassText += "a-line-without-fields\n"
            try AtomicFile.write(Array(pgpassText.utf8), to: pgpass)
            #expect(chmod(pgpass, 0o644) == 0)  // AtomicFile keeps a file's mode; widen it by hand
            let dispatcher = site.directory + "/nodes/central/ServiceDispatcher/services.conf"
            try AtomicFile.write(Array((try AtomicFile.readText(dispatcher) + "--db-password=hunter2\r\n").utf8), to: dispatcher, mode: 0o644)
            let licenses = site.directory + "/nodes/central/Licenses/appsettings.json"
            let licensesText = try AtomicFile.readText(licenses).replacingOccurrences(of: "\"sslMode\": \"disable\"", with: "\"sslMode\": \"require\"")
            try AtomicFile.write(Array(licensesText.utf8), to: licenses, mode: 0o644)
            let notifier = site.directory + "/nodes/rim1/NotifierService/appsettings.json"
            let repositoryPassword = try admin.password(LabSite.repositoryRole).revealed
            let dpapi = ConfigPasswordKind.dpapiBase64Prefix + "BAAAAnq+F3zxlakeZ96CexCiJJwQAAAACAAAAAAAQZgAAAAEAACAAAAA="
            let notifierText = try AtomicFile.readText(notifier).replacingOccurrences(of: repositoryPassword, with: dpapi)
            try AtomicFile.write(Array(notifierText.utf8), to: notifier, mode: 0o644)

            let facts = try await SiteFactsCollector.lab(site)
            let report = AuditReport.audit(facts)
            func evidence(_ id: String) -> [String] { report.findings.filter { $0.id == id }.map(\.evidence) }

            #expect(evidence("AUTH-002").contains { $0.hasSuffix(":1: host QSR qliksenserepository 127.0.0.1/32 password") })
            #expect(evidence("AUTH-001").contains { $0.hasSuffix(":2: host all nopass 127.0.0.1/32 trust") })
            #expect(evidence("AUTH-007").contains { $0.hasPrefix("role nopass has no password") })
            #expect(evidence("AUTH-004").contains { $0.hasSuffix(":3: host all identuser 127.0.0.1/32 ident") })
            #expect(evidence("AUTH-008") == ["role lowiter: SCRAM-SHA-256 verifier with 1000 iterations"])
            #expect(evidence("REPL-001").contains { $0.hasSuffix(":4: host replication all 0.0.0.0/0 md5") })
            #expect(evidence("REPL-002").contains { $0.hasPrefix("role backup has REPLICATION") })
            #expect(evidence("REPL-003").count == 1)
            #expect(evidence("HBA-004").contains { $0.contains(":5: ") })
            #expect(evidence("HBA-006").contains { $0.contains(":7: host all nopass 127.0.0.1/32 trust — a duplicate of line 2") }, "\(evidence("HBA-006"))")
            #expect(evidence("TLS-004").contains { $0.contains("ssl = 'on'") && $0.contains("answers SSLRequest with N") })
            #expect(evidence("TLS-008").count == 1)
            #expect(evidence("LOG-003").first?.hasPrefix("authentication_timeout = '300'") == true)
            #expect(evidence("FILE-002").first?.hasSuffix("mode 0644") == true)
            #expect(evidence("FILE-003").first?.contains("server.key: mode 0644") == true)
            #expect(evidence("FILE-004").contains { $0.hasPrefix("nodes/central/ServiceDispatcher/services.conf:") })
            #expect(evidence("FILE-005").contains { $0.hasPrefix("nodes/central/AppData/postgresql/pgpass.conf:2:") })
            #expect(evidence("SVC-002").filter { $0.hasPrefix("nodes/central/Licenses/appsettings.json") }.count == 2)
            #expect(evidence("SVC-006").filter { $0.hasPrefix("nodes/rim1/NotifierService/appsettings.json") }.count == 2)
            #expect(!evidence("SVC-004").contains { $0.hasPrefix("nodes/rim1/NotifierService") })
            // Secrets never leak into the report.
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            for secret in ["hunter2", "not-a-real-secret-3", repositoryPassword] { #expect(!json.contains(secret), "leaked \(secret)") }
        }
    }
}
