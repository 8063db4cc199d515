import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

/// Rules whose condition a fresh or merely weak lab does not have, made real on a lab server:
/// verify-full per service host name, NULL suites, certificates that are expired, too
/// small, unreadable or sent not at all, a password stored in clear, a primary that cannot serve
/// its standby, and a server listening on every address. Each check first shows the rule
/// silent, then creates the condition and shows it firing with its evidence.
@Suite("pgwarden audit: rare conditions on real labs", .serialized)
struct AuditRareConditionsTests {
    // MARK: verify-full per service host name (TLS-019, TLS-015)

    @Test("verify-full passes with the right CA, and TLS-019 fires with another CA and with a wrong host name")
    func verifyFull() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            let pki = try TestPKI(directory: site.directory + "/pki")
            let siteCA = try await pki.makeCA("site")
            let otherCA = try await pki.makeCA("other")
            // A DNS name and the loopback address: NIOSSL alone would accept any name for it.
            try admin.installServerCertificate(try await pki.issue("server", by: "site", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
            try admin.installDataFile(siteCA, as: "root.crt", mode: 0o644)
            try await admin.sql(["ALTER SYSTEM SET ssl = on", "ALTER SYSTEM SET ssl_ca_file = 'root.crt'"])
            try await admin.reload()

            // The right CA: the libpq service names none and the Devart one a Windows path,
            // so both trust the server's ssl_ca_file; one check stands for both, and logs in
            // (a login that leaves the database as it was).
            let databaseBefore = try await admin.databaseSnapshot()
            let right = try await Self.audit(site, host: "localhost", libpqRoot: nil)
            #expect(try await admin.databaseSnapshot() == databaseBefore)
            let check = try #require(right.facts.nodes.first?.wire?.tls?.hostChecks.first { $0.host == "localhost" })
            let passed = try #require(check.verifyFull.first)
            #expect(check.verifyFull.count == 1 && passed.outcome == .passed, "\(check.verifyFull)")
            #expect(passed.services == ["central/libpq (conninfo)", "central/repository (QSR)"])
            #expect(passed.login == "logged in as qliksenserepository")
            #expect(passed.trustRoot?.hasPrefix(admin.dataDirectory + "/root.crt (ssl_ca_file") == true)
            #expect(passed.trustRoot?.contains(#"names C:\certs\root.pem, not readable here"#) == true)
            #expect(right.evidence("TLS-019").isEmpty && right.evidence("TLS-015").isEmpty)

            // Another CA, named by the libpq service itself: its check fails, Devart's still passes.
            let other = try await Self.audit(site, host: "localhost", libpqRoot: otherCA)
            let failed = other.findings.filter { $0.id == "TLS-019" }
            #expect(failed.count == 1)
            #expect(failed.first?.severity == .high)  // the service is on verify-full: it fails today
            #expect(failed.first?.evidence.contains("as host 'localhost' (used by central/libpq (conninfo)) fails: the chain does not verify against the CA file") == true)
            #expect(failed.first?.evidence.hasSuffix("trusting \(otherCA) (root certificate of central/libpq (conninfo))") == true)
            #expect(other.evidence("TLS-015").isEmpty)

            // A host name the certificate lacks: NIOSSL lets it through on the IP SAN, our own check does not.
            let wrong = try await Self.audit(site, host: "wrong.lab.invalid", libpqRoot: siteCA)
            let mismatch = wrong.evidence("TLS-019")
            #expect(mismatch.count == 2, "\(mismatch)")
            #expect(mismatch.allSatisfy { $0.contains("fails: the certificate does not name 'wrong.lab.invalid'") })
            #expect(wrong.evidence("TLS-015").contains { $0.hasPrefix("host 'wrong.lab.invalid' (used by a service config) is not named by the certificate") })

            // The session underneath: verify-full to an IP host sends no SNI (NIOSSL would throw
            // on one) and matches the IP SAN; with a host address, the host name is checked
            // while the address is dialled (libpq's hostaddr).
            var byAddress = try admin.target(LabSite.repositoryRole, database: "QSR", sslMode: .verifyFull)
            byAddress.rootCertificatePath = siteCA
            let ssl = try await PostgresSession.with(byAddress) { session in try await session.value("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()") }
            #expect(ssl == "true")
            var byName = byAddress
            (byName.host, byName.hostAddress) = ("localhost", byAddress.host)
            try await PostgresSession.with(byName) { _ in }
            var untrusted = byName
            untrusted.rootCertificatePath = otherCA
            await #expect { try await PostgresSession.with(untrusted) { _ in } } throws: { ($0 as? PostgresError)?.kind == .tls }
            var addressAsName = byName
            (addressAsName.host, addressAsName.hostAddress) = ("127.0.0.1", "localhost")
            await #expect { try await PostgresSession.with(addressAsName) { _ in } } throws: {
                ($0 as? PostgresError)?.message == "host 127.0.0.1 is an IP address but the connection would go to localhost"
            }
        }
    }

    /// The lab audited with two verify-full services that reach it as `host`: a libpq file
    /// (with `libpqRoot` as sslrootcert when given) and a Devart config whose CA is a Windows path.
    static func audit(_ site: LabSite, host: String, libpqRoot: String?) async throws -> LabAudit {
        let port = site.state.nodes[0].port
        let folder = site.directory + "/verify-full"
        try Directories.create(folder)
        let files: [(String, ServiceProfile, String)] = [
            ("backup.conninfo", .libpqFile,
             "host=\(host) port=\(port) dbname=QSR user=qliksenserepository sslmode=verify-full" + (libpqRoot.map { " sslrootcert=\($0)" } ?? "") + "\n"),
            ("Repository.exe.config", .repository, """
                <configuration>
                  <connectionStrings>
                    <add name="QSR" connectionString="User ID=qliksenserepository;Ssl Mode=VerifyFull;SSL CA Cert=C:\\certs\\root.pem;Host=\(host);Port=\(port);Database=QSR;" providerName="Devart.Data.PostgreSql" />
                  </connectionStrings>
                </configuration>

                """),
        ]
        for (name, _, text) in files { try AtomicFile.write(Array(text.utf8), to: folder + "/" + name, mode: 0o644) }
        return LabAudit(try await SiteFactsCollector.lab(site) { inventory in
            inventory.services = files.map { name, profile, _ in
                ServiceSpec(name: "central/\(profile.name)", node: "central", profile: profile, file: folder + "/" + name)
            }
        })
    }

    // MARK: Suites and certificates on the wire (TLS-006, TLS-010, TLS-011, TLS-017, TLS-005)

    @Test("NULL suites, an expired certificate, an unreadable chain, a 1024-bit key and a server that sends no certificate, read from the wire")
    func wireConditions() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            let pki = try TestPKI(directory: site.directory + "/pki")
            try await pki.makeCA("site")
            try admin.installServerCertificate(try await pki.issue("good", by: "site", dnsNames: ["localhost"]))
            try await admin.sql(["ALTER SYSTEM SET ssl = on"])
            try await admin.reload()
            let before = try await Self.findings(site)
            for id in ["TLS-005", "TLS-006", "TLS-010", "TLS-011", "TLS-017"] {
                #expect(before.evidence(id).isEmpty, "\(id) fired on a good certificate with the default suites: \(before.evidence(id))")
            }

            // NULL suites: DEFAULT's !eNULL would strip them for good, so they are named, at security level 0.
            try await admin.sql(["ALTER SYSTEM SET ssl_ciphers = 'HIGH:eNULL:@SECLEVEL=0'"])
            try await admin.reload()
            let nullSuites = try await Self.findings(site)
            let accepted = nullSuites.facts.nodes.first?.wire?.tls?.distinctSuites.filter { $0.name.contains("NULL") && !$0.isAnonymous } ?? []
            #expect(accepted.map(\.name).contains("NULL-SHA256"), "\(accepted.map(\.name))")
            #expect(accepted.allSatisfy { $0.isWeak })
            let weak = nullSuites.evidence("TLS-006")
            #expect(weak.count == 1 && weak.first?.contains("NULL-SHA256") == true, "\(weak)")
            try await admin.sql(["ALTER SYSTEM RESET ssl_ciphers"])

            // An expired certificate (OpenSSL serves it; verifying clients refuse it).
            try admin.installServerCertificate(try await pki.issue("expired", by: "site", dnsNames: ["localhost"],
                                                                   validity: .between("20200101000000Z", "20200201000000Z")))
            try await admin.reload()
            let expired = try await Self.findings(site)
            #expect(expired.evidence("TLS-010") == ["certificate CN=localhost expired on 2020-02-01"], "\(expired.evidence("TLS-010"))")
            #expect(expired.evidence("TLS-017").isEmpty)

            // A chain OpenSSL serves but pgwarden's DER reader rejects: a good leaf followed by a
            // certificate whose subjectAltName is truncated (OpenSSL refuses such a leaf, not a chain member).
            let truncated = try await pki.issue("truncated", by: "site", dnsNames: [], subjectAltName: "DER:30:05:82:09:6C")
            let good = try await pki.issue("good-again", by: "site", dnsNames: ["localhost"])
            try admin.installServerCertificate(try pki.chain(good, then: [truncated], name: "unreadable-chain.crt"))
            try await admin.reload()
            let unreadable = try await Self.findings(site)
            #expect(unreadable.evidence("TLS-017") == ["\(unreadable.facts.nodes[0].address): certificate 2 of the chain: subjectAltName is truncated: "
                + "subjectAltName needs 5 byte(s), 3 left (at byte 2)"], "\(unreadable.evidence("TLS-017"))")
            #expect(unreadable.evidence("TLS-010").isEmpty)

            // A 1024-bit key: OpenSSL 3 refuses to load it at Debian's security level, so the
            // server is restarted with an OpenSSL configuration of level 0 for it alone.
            try admin.installServerCertificate(try await pki.issue("small", by: "site", dnsNames: ["localhost"], keyBits: 1024))
            let levelZero = ["/usr/bin/env", "OPENSSL_CONF=\(try pki.securityLevelZeroConfig())"]
            try await admin.restart(launcher: levelZero)
            let small = try await Self.findings(site)
            #expect(small.evidence("TLS-011") == ["certificate CN=localhost: RSA key of 1024 bits"], "\(small.evidence("TLS-011"))")
            #expect(small.evidence("TLS-010").isEmpty && small.evidence("TLS-017").isEmpty)

            // Anonymous suites only, TLS 1.2 at most: the server never sends a certificate. (Set
            // last, with a restart: pgwarden's own sessions cannot do anonymous TLS either.)
            try await admin.sql(["ALTER SYSTEM SET ssl_ciphers = 'aNULL:@SECLEVEL=0'", "ALTER SYSTEM SET ssl_max_protocol_version = 'TLSv1.2'"])
            try await admin.restart(launcher: levelZero)
            let anonymous = try await Self.findings(site)
            #expect(anonymous.evidence("TLS-017").contains { $0.hasSuffix("the server sent no certificate the probe could read") }, "\(anonymous.evidence("TLS-017"))")
            #expect(!anonymous.evidence("TLS-005").isEmpty)
        }
    }

    // MARK: Catalog and replication (AUTH-010, REPL-004)

    @Test("a password stored in clear (AUTH-010) and a primary that cannot serve the standby the inventory lists (REPL-004)")
    func catalogAndReplication() async throws {
        try await withLab(standby: true) { site in
            let admin = LabAdmin(site: site)
            try await admin.sql(["CREATE ROLE legacy LOGIN"])
            let before = try await Self.findings(site)
            #expect(before.evidence("AUTH-010").isEmpty && before.evidence("REPL-004").isEmpty)

            // What pg_upgrade from a server before 10 leaves behind: the password itself.
            try await admin.sql(["UPDATE pg_authid SET rolpassword = 'kept-in-clear-by-an-old-server' WHERE rolname = 'legacy'"])
            // wal_level = minimal needs max_wal_senders = 0, and both need a restart.
            try await admin.sql(["ALTER SYSTEM SET wal_level = 'minimal'", "ALTER SYSTEM SET max_wal_senders = 0"])
            try await admin.restart()
            let after = try await Self.findings(site)
            #expect(after.evidence("AUTH-010") == ["role legacy: the stored password is not a verifier"])
            let replication = after.evidence("REPL-004")
            #expect(replication.count == 1)
            #expect(replication.first?.hasPrefix("wal_level = 'minimal' (set at ") == true, "\(replication)")
            #expect(replication.first?.contains("max_wal_senders = '0' (set at ") == true)
            #expect(replication.first?.hasSuffix(" for 1 standby node(s)") == true)
        }
    }

    // MARK: Listening on every address (NET-001), only inside a namespace of our own

    @Test("listen_addresses = '*' (NET-001), only ever inside a network namespace whose one interface is loopback",
          .enabled(if: PGWardenBinary.isBuilt, "needs the pgwarden binary (swift build --build-tests)"),
          .enabled("network namespaces are not available here (unshare --net and ip link failed)") { await NetworkNamespace.isAvailable() })
    func listenOnEveryAddress() async throws {
        try await withAuditLab { site in
            let admin = LabAdmin(site: site)
            #expect(try await Self.cliFindings(site, namespaceOf: nil)["NET-001"] == nil)

            // Takes effect at the restart, which happens inside the new namespace only.
            try await admin.sql(["ALTER SYSTEM SET listen_addresses = '*'"])
            try await admin.restart(launcher: try NetworkNamespace.launcher())
            let postmaster = try #require(site.control(admin.node).postmasterPID())
            let interfaces = try await ProcessRunner().run("/usr/bin/nsenter", ["--net=/proc/\(postmaster)/ns/net", "--", try NetworkNamespace.ip(), "-o", "link"])
            #expect(interfaces.standardOutput.split(separator: "\n").map { $0.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces) } == ["lo"])

            let inside = try await Self.cliFindings(site, namespaceOf: postmaster)["NET-001"] ?? []
            #expect(inside.count == 1 && inside.first?.hasPrefix("listen_addresses = '*' (set at ") == true, "\(inside)")
        }
    }

    /// `pgwarden audit --format json` as a user runs it — inside the network namespace of
    /// process `namespaceOf` when given — as each rule's evidence, by rule ID.
    static func cliFindings(_ site: LabSite, namespaceOf pid: pid_t?) async throws -> [String: [String]] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGWARDEN_INVENTORY"] = site.inventoryPath
        let audit = [PGWardenBinary.path, "audit", "--format", "json", "--no-tls-scan"]
        let command = pid.map { ["/usr/bin/nsenter", "--net=/proc/\($0)/ns/net", "--"] + audit } ?? audit
        let result = try await ProcessRunner().run(command[0], Array(command.dropFirst()), environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        var evidence: [String: [String]] = [:]
        for finding in findings {
            guard let id = finding["id"] as? String, let text = finding["evidence"] as? String else { continue }
            evidence[id, default: []].append(text)
        }
        return evidence
    }

    // MARK: Helpers

    static func findings(_ site: LabSite) async throws -> LabAudit {
        LabAudit(try await SiteFactsCollector.lab(site))
    }
}

/// One audit of a lab: the facts and the findings, with each rule's evidence at hand.
struct LabAudit {
    var facts: SiteFacts
    var findings: [Finding]

    init(_ facts: SiteFacts) {
        self.facts = facts
        self.findings = AuditReport.audit(facts).findings
    }

    func evidence(_ id: String) -> [String] { findings.filter { $0.id == id }.map(\.evidence) }
}

/// A network namespace of the test's own, whose only interface is loopback.
enum NetworkNamespace {
    /// iproute2's `ip` (scripts/install-deps.sh installs it).
    static func ip() throws -> String {
        guard let path = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HostError(.process, "ip (iproute2) is not installed", hint: "run scripts/install-deps.sh")
        }
        return path
    }

    /// Runs its arguments in a new network namespace after bringing its loopback up (for
    /// `PostgresServerControl.start(launcher:)`).
    static func launcher() throws -> [String] {
        ["/usr/bin/unshare", "--net", "--", "/bin/sh", "-c", "\(try ip()) link set lo up && exec \"$@\"", "sh"]
    }

    /// Whether this machine lets us make one (root, unshare, ip).
    static func isAvailable() async -> Bool {
        guard let launcher = try? launcher() else { return false }
        let result = try? await ProcessRunner().run(launcher[0], Array(launcher.dropFirst()) + ["/bin/true"])
        return result?.succeeded == true
    }
}
