import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

/// The audit against real PostgreSQL: a fresh lab (weak), the same lab hardened by hand,
/// and a lab made deliberately permissive on the wire.
@Suite("pgwarden audit on lab sites", .serialized)
struct AuditLabTests {
    /// What a fresh lab must show: the reference page's problems.
    static let expectedOnFreshLab = [
        "AUTH-003", "AUTH-005", "AUTH-006", "AUTH-009", "HBA-001", "HBA-002", "HBA-003", "HBA-005", "HBA-007", "TLS-001", "TLS-009",
        "SVC-001", "SVC-003", "SVC-004", "FILE-001", "LOG-001", "LOG-002",
    ]

    @Test("a fresh lab shows the reference page's problems, with exact evidence")
    func freshLab() async throws {
        try await withAuditLab { site in
            let facts = try await SiteFactsCollector.lab(site)
            let report = AuditReport.audit(facts)
            let ids = Set(report.findings.map(\.id))
            for id in Self.expectedOnFreshLab { #expect(ids.contains(id), "\(id) did not fire on a fresh lab") }
            #expect(!ids.contains { $0.hasPrefix("NODE-") }, "the lab should be fully visible: \(report.findings.filter { $0.id.hasPrefix("NODE") })")
            let node = try #require(facts.nodes.first)
            #expect(node.reachability == .reached(user: "postgres"))
            #expect(node.rolesSource == "pg_authid")
            #expect(node.roles?.first { $0.name == "qliksenserepository" }?.password == .md5)
            let hba = try #require(node.hbaRules?.first)
            #expect(hba.text == "host all all 0.0.0.0/0 md5")
            let md5Line = try #require(report.findings.first { $0.id == "AUTH-003" })
            #expect(md5Line.evidence.hasSuffix("pg_hba.conf:3: host all all 0.0.0.0/0 md5"))
            #expect(md5Line.location?.line == 3)
            let plaintext = try #require(report.findings.first { $0.id == "TLS-009" && $0.evidence.contains("qliksenserepository") })
            #expect(plaintext.evidence.contains("AuthenticationMD5Password"))
            #expect(node.wire?.sslAnswer == .unwilling)
            let stored = try #require(report.findings.first { $0.id == "FILE-001" })
            #expect(stored.evidence.contains("pgpass.conf:1: stored password for postgres@127.0.0.1"))
            #expect(facts.services.count == 14)
            #expect(facts.services.allSatisfy { $0.problem == nil })
            // Never a secret in the report.
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            let admin = LabAdmin(site: site)
            for role in ["postgres", "qliksenserepository"] { #expect(!json.contains(try admin.password(role).revealed)) }
        }
    }

    @Test("the same lab hardened by hand: no rule fires")
    func hardenedLab() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            try await harden(admin)
            let facts = try await SiteFactsCollector.lab(site) { inventory in hardenedServices(site, &inventory) }
            #expect(facts.services.count == 3 && facts.services.allSatisfy { $0.problem == nil })
            let report = AuditReport.audit(facts)
            #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.id): \($0.evidence)" })")
            let tls = try #require(facts.nodes.first?.wire?.tls)
            #expect(tls.acceptedVersions == [.tls12, .tls13])
            let check = try #require(tls.hostChecks.first)
            #expect(tls.hostChecks.count == 1 && check.host == "localhost" && check.matches && check.rule == "dnsSubjectAltName")
            // verify-full as both services make it: one check (same name, CA and role), logged in.
            #expect(check.verifyFull.map(\.outcome) == [.passed])
            #expect(check.verifyFull.first?.services.count == 2)
            #expect(check.verifyFull.first?.login == "logged in as qliksenserepository")
            #expect(facts.nodes.first?.wire?.plaintextLogins.allSatisfy { $0.outcome == .rejected } == true)
        }
    }

    @Test("the wire probe tells a weak server from a hardened one exactly")
    func wireWeakVersusHardened() async throws {
        let weak = try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            try await makeWireWeak(admin)
            return try await SiteFactsCollector.lab(site)
        }
        let hardened = try await withAuditLab { site in
            try await harden(LabAdmin(site: site))
            return try await SiteFactsCollector.lab(site) { hardenedServices(site, &$0) }
        }
        let weakTLS = try #require(weak.nodes.first?.wire?.tls)
        let hardTLS = try #require(hardened.nodes.first?.wire?.tls)
        #expect(weakTLS.acceptedVersions == [.tls10, .tls11, .tls12, .tls13])
        #expect(hardTLS.acceptedVersions == [.tls12, .tls13])
        #expect(!weakTLS.suites.filter(\.isAnonymous).isEmpty)
        #expect(hardTLS.suites.filter(\.isAnonymous).isEmpty)
        #expect(hardTLS.suites.allSatisfy { $0.isForwardSecret && !$0.isWeak })
        #expect(weak.nodes.first?.wire?.plaintextLogins.contains { $0.outcome == .noPasswordAsked } == true)
        #expect(hardened.nodes.first?.wire?.plaintextLogins.contains { $0.reachesAuthentication } == false)

        // And the rules that judge the wire and the certificate fire on the weak server only.
        let weakIDs = Set(AuditReport.audit(weak).findings.map(\.id))
        for id in ["AUTH-001", "AUTH-011", "TLS-002", "TLS-003", "TLS-005", "TLS-007", "TLS-012", "TLS-013", "TLS-014", "TLS-015", "HBA-003"] {
            #expect(weakIDs.contains(id), "\(id) did not fire on the weak wire lab")
        }
    }

    @Test("the audit writes nothing: files, inventory and database are unchanged")
    func writesNothing() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            let filesBefore = try admin.configSnapshot()
            let databaseBefore = try await admin.databaseSnapshot()
            let facts = try await SiteFactsCollector.lab(site)
            _ = AuditReport.audit(facts)
            #expect(!facts.nodes.isEmpty && facts.nodes[0].reachability.isReached)
            let filesAfter = try admin.configSnapshot()
            #expect(filesAfter.keys.sorted() == filesBefore.keys.sorted())
            for (path, bytes) in filesBefore { #expect(filesAfter[path] == bytes, "\(path) changed") }
            #expect(filesBefore["warden.yaml"] != nil && filesBefore["data/postgresql.auto.conf"] != nil)
            #expect(try await admin.databaseSnapshot() == databaseBefore)
        }
    }

    @Test("a session without TLS is seen at runtime")
    func plaintextSession() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            let session = try await PostgresSession.connect(try admin.target(LabSite.repositoryRole, database: "QSR", sslMode: .disable))
            do {
                let facts = try await SiteFactsCollector.lab(site)
                let finding = AuditReport.audit(facts).findings.first { $0.id == "TLS-016" }
                #expect(finding?.evidence.contains("qliksenserepository@QSR from 127.0.0.1") == true)
                #expect(finding?.evidence.hasSuffix("no TLS") == true)
                await session.close()
            } catch {
                await session.close()
                throw error
            }
        }
    }

    // MARK: Faults

    @Test("an unreachable node becomes a finding and the rest of the audit goes on")
    func unreachableNode() async throws {
        try await withAuditLab { site in
            let closedPort = try await closedLoopbackPort()
            let facts = try await SiteFactsCollector.lab(site) { inventory in
                inventory.databaseNodes.append(DatabaseNode(name: "gone", host: "127.0.0.1", port: closedPort, dataDirectory: "/nonexistent", binDirectory: nil, role: .standby, access: .local))
            }
            let report = AuditReport.audit(facts)
            let finding = try #require(report.findings.first { $0.id == "NODE-001" })
            #expect(finding.subject == "node gone")
            #expect(finding.evidence.contains("127.0.0.1:\(closedPort)"))
            #expect(report.findings.contains { $0.id == "AUTH-003" && $0.subject == "node db1" })
            #expect(report.summary.nodes == 2 && report.summary.nodesReached == 1)
        }
    }

    @Test("a wrong password is reported as such")
    func wrongPassword() async throws {
        try await withAuditLab { site in
            try AtomicFile.write(Array("not-the-password\n".utf8), to: site.directory + "/secrets/postgres.password", mode: 0o600)
            let facts = try await SiteFactsCollector.lab(site)
            #expect(facts.nodes.first?.reachability == .wrongPassword(user: "postgres"))
            let finding = try #require(AuditReport.audit(facts).findings.first { $0.id == "NODE-002" })
            #expect(finding.evidence.contains("password authentication failed for postgres"))
            // The wire half still ran.
            #expect(facts.nodes.first?.wire?.sslAnswer == .unwilling)
        }
    }

    @Test("a malformed service config gets file:line:col and the audit continues")
    func malformedServiceConfig() async throws {
        try await withAuditLab { site in
            let path = site.directory + "/nodes/central/Licenses/appsettings.json"
            try AtomicFile.write(Array("{\n  \"licenses\": {\n    \"host\": ,\n  }\n}\n".utf8), to: path, mode: 0o644)
            let report = AuditReport.audit(try await SiteFactsCollector.lab(site))
            let finding = try #require(report.findings.first { $0.id == "SVC-005" })
            #expect(finding.evidence.hasPrefix("nodes/central/Licenses/appsettings.json:3:"))
            #expect(finding.location?.line == 3 && finding.location?.column != nil)
            #expect(report.findings.contains { $0.id == "SVC-004" && $0.subject.contains("notifier") })
        }
    }

    @Test("audited as a non-superuser, the audit says what it could not see")
    func nonSuperuser() async throws {
        try await withAuditLab { site in
            let facts = try await SiteFactsCollector.lab(site) { $0.superuser = LabSite.repositoryRole }
            let node = try #require(facts.nodes.first)
            #expect(node.reachability == .reached(user: LabSite.repositoryRole))
            #expect(node.rolesSource == "pg_roles")
            #expect(node.roles?.allSatisfy { $0.password == nil } == true)
            #expect(node.hbaRules == nil)
            #expect(node.settings["ssl"]?.value == "off")
            let unseen = AuditReport.audit(facts).findings.filter { $0.id == "NODE-003" }.map(\.evidence)
            #expect(unseen.contains { $0.hasPrefix("pg_authid") })
            #expect(unseen.contains { $0.hasPrefix("pg_hba_file_rules") })
        }
    }

    // MARK: Making labs weak and hard

    func harden(_ admin: LabAdmin) async throws {
        try await admin.installCASignedCertificate()
        let superuser = try SCRAMVerifier.make(password: try admin.password(LabSite.superuser)).text
        let repository = try SCRAMVerifier.make(password: try admin.password(LabSite.repositoryRole)).text
        try await admin.sql([
            "ALTER SYSTEM SET ssl = on",
            "ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2'",
            "ALTER SYSTEM SET ssl_ciphers = 'ECDHE+AESGCM:ECDHE+CHACHA20'",
            "ALTER SYSTEM SET password_encryption = 'scram-sha-256'",
            "ALTER SYSTEM SET log_connections = on",
            "ALTER SYSTEM SET log_disconnections = on",
            "ALTER ROLE postgres PASSWORD \(try SQLQuote.literal(superuser))",
            "ALTER ROLE qliksenserepository PASSWORD \(try SQLQuote.literal(repository))",
        ])
        try admin.writeHBA("""
            # hardened by the audit test
            hostssl QSR,QSMQ,Licenses,SenseServices qliksenserepository 127.0.0.1/32 scram-sha-256
            hostssl postgres                         postgres            127.0.0.1/32 scram-sha-256

            """)
        try await admin.reload()
    }

    func makeWireWeak(_ admin: LabAdmin) async throws {
        try await admin.installWeakCertificate()
        try await admin.sql([
            "ALTER SYSTEM SET ssl = on",
            "ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1'",
            "ALTER SYSTEM SET ssl_ciphers = 'ALL:@SECLEVEL=0'",
        ])
        try admin.writeHBA("""
            hostnossl all all 127.0.0.1/32 trust
            hostssl   all all 127.0.0.1/32 md5

            """)
        try await admin.reload()
    }

    /// Replaces the lab's service configs with hardened ones (verify-full with the site CA as
    /// root certificate, TLS 1.2 pins, no stored passwords).
    func hardenedServices(_ site: LabSite, _ inventory: inout Inventory) {
        let port = site.state.nodes[0].port
        let root = site.directory + "/pki/ca.crt"
        let files: [(String, ServiceProfile, String)] = [
            ("hardened/Repository.exe.config", .repository, """
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <connectionStrings>
                    <add name="QSR" connectionString="User ID=qliksenserepository;Ssl Mode=VerifyFull;SSL TLS Protocol=1.2;SSL CA Cert=\(root);Host=localhost;Port=\(port);Database=QSR;" providerName="Devart.Data.PostgreSql" />
                  </connectionStrings>
                </configuration>

                """),
            ("hardened/backup.conninfo", .libpqFile, "host=localhost port=\(port) dbname=QSR user=qliksenserepository sslmode=verify-full sslrootcert=\(root) ssl_min_protocol_version=TLSv1.2\n"),
            ("hardened/services.conf", .serviceDispatcher, "[resource-distribution.parameters]\r\n--secure\r\n--ssl=369098752\r\n"),
        ]
        try? Directories.create(site.directory + "/hardened")
        inventory.services = files.map { relative, profile, text in
            let path = site.directory + "/" + relative
            do { try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644) } catch { Issue.record("cannot write \(path): \(error)") }
            return ServiceSpec(name: "central/\(profile.name)", node: "central", profile: profile, file: path)
        }
        inventory.storedPasswordFiles = []
    }

    /// A loopback port nothing listens on (bound, then released).
    func closedLoopbackPort() async throws -> Int {
        var port = 0
        for candidate in 40000..<40100 {
            if (try? await WireProbe(host: "127.0.0.1", port: candidate, timeout: .milliseconds(300)).sslAnswer()) == nil { port = candidate; break }
        }
        guard port != 0 else { throw HostError(.io, "no closed loopback port found") }
        return port
    }
}
