import Foundation
import Testing
@testable import WardenCore

@Suite("Audit rules on plain facts")
struct AuditRuleTests {
    static let ids = AuditCatalogue.rules.map(\.id)

    @Test("every rule fires on the weak site", arguments: ids)
    func firesOnWeak(id: String) throws {
        let rule = try #require(AuditCatalogue.rule(id))
        let findings = rule.evaluate(AuditFixtures.weak)
        #expect(!findings.isEmpty, "\(id) found nothing on the weak site")
        for finding in findings {
            #expect(finding.id == id)
            #expect(!finding.evidence.isEmpty)
            #expect(!finding.fix.isEmpty)
        }
    }

    @Test("no rule fires on the hardened site", arguments: ids)
    func silentOnHardened(id: String) throws {
        let rule = try #require(AuditCatalogue.rule(id))
        let findings = rule.evaluate(AuditFixtures.hardened)
        #expect(findings.isEmpty, "\(id) fired on the hardened site: \(findings.map(\.evidence))")
    }

    @Test("IDs are unique, well formed, and every rule says why and how")
    func catalogueIsComplete() {
        #expect(Set(Self.ids).count == Self.ids.count)
        let prefixes: Set<String> = ["NODE", "AUTH", "HBA", "NET", "TLS", "SVC", "FILE", "REPL", "LOG"]
        for rule in AuditCatalogue.rules {
            let parts = rule.id.split(separator: "-")
            #expect(parts.count == 2 && prefixes.contains(String(parts[0])) && parts[1].count == 3 && Int(parts[1]) != nil, "bad id \(rule.id)")
            #expect(!rule.rationale.isEmpty && !rule.fix.isEmpty && !rule.title.isEmpty)
            // That each command exists, with its options, is checked against the CLI itself
            // (AuditCommandTests.ruleCommandsExist).
            if let command = rule.command {
                #expect(command.hasPrefix("pgwarden "), "\(rule.id): \(command)")
            }
        }
        for required in ["AUTH-001", "AUTH-003", "AUTH-006", "AUTH-007", "AUTH-009", "HBA-001", "HBA-002", "NET-001", "TLS-001", "TLS-003",
                         "TLS-004", "TLS-005", "TLS-015", "SVC-001", "SVC-004", "FILE-001", "REPL-001", "LOG-001"] {
            #expect(AuditCatalogue.rule(required) != nil)
        }
        #expect(AuditCatalogue.rule("tls-005")?.id == "TLS-005")
        #expect(AuditCatalogue.rule("NOPE-001") == nil)
    }

    // MARK: Specific judgements

    @Test("a trust line on a TCP line is critical, on a local line high")
    func trustSeverity() throws {
        var facts = AuditFixtures.hardened
        facts.nodes[0].hbaRules = [
            HBARuleFact(lineNumber: 7, type: "local", method: "trust"),
            HBARuleFact(lineNumber: 8, type: "hostssl", databases: ["QSR"], users: ["x"], address: "10.0.0.1", netmask: "255.255.255.255", method: "trust"),
        ]
        let findings = try #require(AuditCatalogue.rule("AUTH-001")).evaluate(facts)
        #expect(findings.map(\.severity) == [.high, .critical])
        #expect(findings[1].location == FileLocation(file: "pg_hba.conf", line: 8))
        #expect(findings[1].evidence == "pg_hba.conf:8: hostssl QSR x 10.0.0.1/32 trust")
    }

    @Test("a role without a password admitted only by password lines is low, not critical")
    func nullPasswordWithoutTrust() throws {
        var facts = AuditFixtures.hardened
        facts.nodes[0].roles?.append(RoleFacts(name: "qliksenserepository2", password: PasswordFact.none))
        facts.nodes[0].hbaRules?.append(HBARuleFact(lineNumber: 9, type: "hostssl", users: ["qliksenserepository2"], address: "10.0.0.1", netmask: "255.255.255.255", method: "scram-sha-256"))
        let findings = try #require(AuditCatalogue.rule("AUTH-007")).evaluate(facts)
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .low)
    }

    @Test("md5 verifiers of roles no line admits are not reported")
    func md5OnlyWhenAdmitted() throws {
        var facts = AuditFixtures.hardened
        facts.nodes[0].roles?.append(RoleFacts(name: "orphan", password: .md5))
        #expect(try #require(AuditCatalogue.rule("AUTH-006")).evaluate(facts).isEmpty)
        facts.nodes[0].hbaRules?.append(HBARuleFact(lineNumber: 9, type: "hostssl", users: ["orphan"], address: "10.0.0.1", netmask: "255.255.255.255", method: "md5"))
        let findings = try #require(AuditCatalogue.rule("AUTH-006")).evaluate(facts)
        #expect(findings.count == 1)
        #expect(findings.first?.evidence.contains("pg_hba.conf:9") == true)
    }

    @Test("drift is reported in both directions")
    func driftBothWays() throws {
        let rule = try #require(AuditCatalogue.rule("TLS-004"))
        var facts = AuditFixtures.hardened
        // Setting says 1.2, wire accepts 1.0: the server is more permissive than configured.
        facts.nodes[0].wire?.tls?.acceptedVersions = [.tls10, .tls12, .tls13]
        #expect(rule.evaluate(facts).map(\.severity) == [.high])
        // Setting says TLSv1, wire refuses below 1.2 (OpenSSL's level): latent weakness.
        facts = AuditFixtures.hardened
        facts.nodes[0].settings["ssl_min_protocol_version"] = SettingFact("TLSv1")
        #expect(rule.evaluate(facts).map(\.severity) == [.low])
        // ssl on but SSLRequest refused.
        facts = AuditFixtures.hardened
        facts.nodes[0].wire?.sslAnswer = .unwilling
        #expect(rule.evaluate(facts).count == 1)
    }

    @Test("suites are judged from what the server accepted, grouped by name with versions")
    func suiteEvidence() throws {
        let rule = try #require(AuditCatalogue.rule("TLS-005"))
        let finding = try #require(rule.evaluate(AuditFixtures.weak).first)
        #expect(finding.evidence == "127.0.0.1:4432 accepts 1 such suite: ADH-AES128-SHA (TLSv1)")
    }

    @Test("the policy floor decides what is too old")
    func policyFloor() throws {
        var facts = AuditFixtures.hardened
        facts.policy.tlsMinimumVersion = "TLSv1.3"
        #expect(try #require(AuditCatalogue.rule("TLS-003")).evaluate(facts).count == 1)
        #expect(try #require(AuditCatalogue.rule("TLS-002")).evaluate(facts).count == 1)
    }

    @Test("a certificate is judged at the moment the facts were collected")
    func certificateValidity() throws {
        var facts = AuditFixtures.hardened
        let rule = try #require(AuditCatalogue.rule("TLS-010"))
        #expect(rule.evaluate(facts).isEmpty)
        facts.observedAt = AuditFixtures.now + 400 * AuditFixtures.day
        #expect(rule.evaluate(facts).count == 1)
        facts.observedAt = AuditFixtures.now - 2 * AuditFixtures.day
        #expect(rule.evaluate(facts).first?.evidence.contains("not valid before") == true)
    }

    @Test("missing facts make rules silent, and NODE-003 says what was not seen")
    func unseenFacts() {
        var node = AuditFixtures.hardenedNode
        node.roles = nil
        node.hbaRules = nil
        node.unseen = ["pg_authid: needs a superuser"]
        var facts = AuditFixtures.hardened
        facts.nodes = [node]
        let report = AuditReport.audit(facts)
        #expect(report.findings.map(\.id) == ["NODE-003"])
        #expect(report.findings.first?.severity == .info)
    }
}

@Suite("Client networks of the policy")
struct ClientNetworkTests {
    @Test("containment of ranges", arguments: [
        ("10.0.0.0/24", "10.0.0.7/32", true), ("10.0.0.0/24", "10.0.1.7/32", false), ("10.0.0.0/24", "10.0.0.0/16", false),
        ("0.0.0.0/0", "192.168.1.0/24", true), ("10.0.0.1", "10.0.0.1/32", true), ("fd00::/8", "fd12::1/128", true),
        ("fd00::/8", "10.0.0.1/32", false), ("10.0.0.0/25", "10.0.0.128/32", false),
    ])
    func containment(network: String, candidate: String, expected: Bool) throws {
        let outer = try #require(ClientNetwork(network))
        let inner = try #require(ClientNetwork(candidate))
        #expect(outer.contains(inner) == expected)
    }

    @Test("malformed networks are not networks", arguments: ["10.0.0.0/33", "db.example.com", "10.0.0/8", "::1/129", ""])
    func malformed(text: String) {
        #expect(ClientNetwork(text) == nil)
    }

    @Test("a pg_hba line's range comes from address and netmask")
    func fromRule() throws {
        let line = HBARuleFact(lineNumber: 1, type: "host", address: "10.0.0.0", netmask: "255.255.255.0", method: "md5")
        let range = try #require(ClientNetwork(rule: line))
        #expect(range.prefixLength == 24)
        #expect(ClientNetwork(rule: HBARuleFact(lineNumber: 1, type: "host", address: "db1", method: "md5")) == nil)
    }

    @Test("a netmask with holes is judged by the addresses it admits")
    func maskWithHoles() throws {
        let holes = HBARuleFact(lineNumber: 1, type: "host", address: "10.0.0.77", netmask: "255.0.0.255", method: "md5")
        let range = try #require(ClientNetwork(rule: holes))
        #expect(range.prefixLength == nil)
        #expect(try #require(ClientNetwork("10.0.0.0/8")).contains(range))
        #expect(!(try #require(ClientNetwork("10.0.0.0/16")).contains(range)), "it admits 10.9.9.77 too")
        #expect(range.contains(try #require(ClientNetwork("10.200.3.77"))))
        let loopbackLooking = HBARuleFact(lineNumber: 1, type: "host", address: "127.0.0.1", netmask: "0.0.0.255", method: "trust")
        #expect(!loopbackLooking.isLoopbackOnly, "127.0.0.1 0.0.0.255 admits every x.y.z.1")
        #expect(HBARuleFact(lineNumber: 1, type: "host", address: "127.0.0.1", netmask: "255.0.0.0", method: "trust").isLoopbackOnly)
    }
}

@Suite("Audit: first match and unreachable lines from our own pg_hba.conf parse")
struct AuditHBAEvaluationTests {
    @Test func shadowedLineIsNamedWithTheLineThatTakesItsConnections() throws {
        let findings = try #require(AuditCatalogue.rule("HBA-006")).evaluate(AuditFixtures.weak)
        // Line 3 (`host all all 0.0.0.0/0 md5`) takes every TCP connection: 4 and 5 are dead.
        #expect(findings.map(\.location) == [FileLocation(file: "pg_hba.conf", line: 4), FileLocation(file: "pg_hba.conf", line: 5)])
        #expect(findings.allSatisfy { $0.evidence.hasSuffix("shadowed by line 3") }, "\(findings.map(\.evidence))")
    }

    @Test func serviceConnectionIsFollowedToTheLineItReaches() throws {
        let findings = try #require(AuditCatalogue.rule("HBA-007")).evaluate(AuditFixtures.weak)
        let evidence = findings.map(\.evidence)
        #expect(evidence.contains { $0.hasPrefix("qliksenserepository → QSR from 10.0.0.1 without TLS (central/repository) reaches pg_hba.conf:2: password") }, "\(evidence)")
    }

    @Test func aServiceWithNoLineIsCritical() throws {
        var facts = AuditFixtures.hardened
        facts.services[0].connections[0].database = "Licenses"
        let findings = try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts)
        #expect(findings.map(\.severity) == [.critical])
        #expect(findings.first?.evidence.contains("reaches no line") == true)
    }

    @Test func aServiceThatReachesARejectLineIsLockedOut() throws {
        var facts = AuditFixtures.hardened
        facts.nodes[0].hbaFile = HBAFileFact(path: "pg_hba.conf", text: "hostssl QSR all 10.0.0.0/24 reject\nhostssl all all all scram-sha-256\n")
        let findings = try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts)
        #expect(findings.map(\.severity) == [.critical])
        #expect(findings.first?.location == FileLocation(file: "pg_hba.conf", line: 1))
        #expect(findings.first?.evidence.contains("reaches pg_hba.conf:1: reject") == true, "\(findings.map(\.evidence))")
        #expect(findings.first?.evidence.contains("devart behaviour modelled, not proven") == true)
    }

    /// Issue 12's reproduction: a member of `grp` through a sub-group reaches the `+grp` line.
    @Test func membershipsFromTheCatalogDecideGroupLines() throws {
        var facts = AuditFixtures.hardened
        facts.services[0].driver = .libpq
        facts.services[0].connections[0].sslMode = .disable
        facts.nodes[0].hbaFile = HBAFileFact(path: "pg_hba.conf", text: "host QSR +grp 10.0.0.1/32 md5\nhost all all all scram-sha-256\n")
        #expect(try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts).isEmpty)
        facts.nodes[0].roles = facts.nodes[0].roles?.map { role in
            var role = role
            if role.name == "qliksenserepository" { role.memberOf = ["sub", "grp"] }
            return role
        }
        let evidence = try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts).map(\.evidence)
        #expect(evidence == ["qliksenserepository → QSR from 10.0.0.1 without TLS (central/repository) reaches pg_hba.conf:1: md5"])
    }

    /// libpq without sslmode tries TLS first when the server has ssl on, and only after a
    /// refusal (here a reject line) plaintext.
    @Test func libpqPreferIsFollowedThroughBothAttempts() throws {
        var facts = AuditFixtures.hardened
        facts.services[0].driver = .libpq
        facts.services[0].connections[0].sslMode = nil
        facts.nodes[0].hbaFile = HBAFileFact(path: "pg_hba.conf", text: "hostssl all all all md5\nhost all all all scram-sha-256\n")
        #expect(try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts).map(\.evidence)
            == ["qliksenserepository → QSR from 10.0.0.1 with TLS (central/repository) reaches pg_hba.conf:1: md5"])
        facts.nodes[0].hbaFile = HBAFileFact(path: "pg_hba.conf", text: "hostssl all all all reject\nhost all all all md5\n")
        #expect(try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts).map(\.evidence)
            == ["first with TLS reaches pg_hba.conf:1 (reject), then qliksenserepository → QSR from 10.0.0.1 without TLS (central/repository) reaches pg_hba.conf:2: md5"])
        facts.nodes[0].settings["ssl"] = SettingFact("off")
        #expect(try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts).map(\.evidence)
            == ["qliksenserepository → QSR from 10.0.0.1 without TLS (central/repository) reaches pg_hba.conf:2: md5"])
    }

    @Test func unparsableOrMissingFileKeepsTheRulesSilent() throws {
        var facts = AuditFixtures.weak
        facts.nodes[0].hbaFile = HBAFileFact(path: "pg_hba.conf", text: "host all all 10.0.0.0/33 md5\n")
        #expect(try #require(AuditCatalogue.rule("HBA-006")).evaluate(facts).isEmpty)
        facts.nodes[0].hbaFile = nil
        #expect(try #require(AuditCatalogue.rule("HBA-007")).evaluate(facts).isEmpty)
    }
}
