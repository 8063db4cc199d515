import Foundation
import Testing
@testable import WardenCore

// MARK: - The TLS planner, from plain values

@Suite("TLS planner: settings, hostssl-only, proof, refusals")
struct TLSPlannerTests {
    static func settingSteps(_ plan: Plan) -> [String] {
        plan.steps.compactMap { if case .setServerParameter(_, let name, _) = $0.action { name } else { nil } }
    }

    @Test("a fresh server: ssl settings with ssl=on last, no hba step, a note per consumer that blocks it, then the proof")
    func freshServer() throws {
        let plan = try TLSPlanner.plan(try TLSFixtures.input())
        #expect(Self.settingSteps(plan) == ["ssl_ca_file", "ssl_ciphers", "ssl"])
        #expect(plan.steps.first { $0.id == "db1/setting/ssl_ciphers" }?.action == .setServerParameter(node: "db1", name: "ssl_ciphers", value: TLSCipherPolicy.sslCiphers))
        #expect(plan.steps.last?.id == "db1/tls/proof")
        #expect(!plan.steps.contains { if case .editHBAFile = $0.action { true } else { false } })
        for entry in ["central/repository (central/Repository.exe.config) entry QSR", "entry QSMQ", "rim1/licenses (rim1/Licenses/appsettings.json) entry licenses"] {
            #expect(plan.notes.contains { $0.contains(entry) && $0.contains(TLSPlanner.consumerFix) }, "no note for \(entry): \(plan.notes)")
        }
        guard case .proveTLS(let proof)? = plan.steps.last?.action else { Issue.record("no proof"); return }
        #expect(proof.acceptedVersions == [.tls12, .tls13])
        #expect(proof.refusedVersions == [.tls10, .tls11])
        #expect(proof.allowedSuites == [0xC02B, 0xC02C, 0xCCA9, 0x1301, 0x1302, 0x1303])
        #expect(proof.plaintextRefused.isEmpty, "plaintext is still allowed while consumers do not require TLS")
        #expect(proof.hostNames == ["db1.plant.example"])
        #expect(proof.rootCertificate == "/srv/db1/root.crt")
        #expect(proof.consumers.count == 3)
        #expect(plan.notes.contains { $0.contains("db2 cannot be reached") })
    }

    @Test("every consumer requires TLS and logged in over it: login check, hostssl-only edit, proof with plaintext refused")
    func hostSSLOnly() throws {
        let input = try TLSFixtures.input(settings: TLSFixtures.tlsSettings(), services: TLSFixtures.services(repository: TLSFixtures.secured.repository, licenses: TLSFixtures.secured.licenses),
                                          logins: TLSFixtures.goodLogins)
        let plan = try TLSPlanner.plan(input)
        #expect(plan.steps.map(\.id) == ["db1/tls/consumer-logins", "db1/tls/hba", "db1/tls/proof"])
        guard case .editHBAFile(let node, let path, let expected, let result, let edits) = plan.steps[1].action else { Issue.record("no hba step"); return }
        #expect(node == "db1" && path == "/srv/db1/pg_hba.conf")
        let original = try HBAFile(parsing: TLSFixtures.hba)
        #expect(expected == FileDigest.sha256(original.bytes))
        let edited = try original.applying(edits)
        #expect(result == FileDigest.sha256(edited.bytes))
        #expect(edited.rules.map(\.rule.text) == [
            "hostnossl all all all reject",
            "hostssl replication replicator 10.0.4.11/32 scram-sha-256",
            "local all postgres peer",
            "hostssl all all 10.0.4.17/32 scram-sha-256",
            "hostssl all all 10.0.4.18/32 scram-sha-256",
            "hostssl all postgres 10.0.4.10/32 scram-sha-256",
        ])
        #expect(edited.render().contains("# pgwarden: disabled: hostssl-only"))
        #expect(edited.render().contains("# host    all             all             0.0.0.0/0               scram-sha-256"))
        guard case .checkConsumerLogins(_, let services, _) = plan.steps[0].action else { Issue.record("no login check"); return }
        #expect(services == ["central/repository", "rim1/licenses"])
        guard case .proveTLS(let proof) = plan.steps[2].action else { Issue.record("no proof"); return }
        #expect(proof.plaintextRefused == [TLSProof.RoleLogin(user: "qliksenserepository", database: "QSR"),
                                           TLSProof.RoleLogin(user: "qliksenserepository", database: "QSMQ"),
                                           TLSProof.RoleLogin(user: "qliksenserepository", database: "Licenses")])
        #expect(proof.standbysOverTLS.isEmpty, "db2 is not reachable, so its replication is not proven")

        // Once applied, the plan is empty.
        var done = input
        done.nodes[0].hba = HBAFileSnapshot(path: path, file: edited)
        #expect(try TLSPlanner.plan(done).steps.isEmpty)
    }

    @Test("a reachable standby gets its own settings, a replication line, and is proven to replicate over TLS")
    func standby() throws {
        var input = try TLSFixtures.input(settings: TLSFixtures.tlsSettings(), services: TLSFixtures.services(repository: TLSFixtures.secured.repository, licenses: TLSFixtures.secured.licenses),
                                          logins: TLSFixtures.goodLogins)
        input.nodes[1] = TLSNodeInput(node: TLSFixtures.standby, settings: TLSFixtures.freshSettings(dataDirectory: "/srv/db2"), material: TLSFixtures.material())
        let plan = try TLSPlanner.plan(input)
        #expect(plan.steps.map(\.id) == ["db1/tls/consumer-logins", "db1/tls/hba", "db2/setting/ssl_ca_file", "db2/setting/ssl_ciphers", "db2/setting/ssl", "db1/tls/proof", "db2/tls/proof"])
        guard case .proveTLS(let proof) = plan.steps[5].action else { Issue.record("no proof"); return }
        #expect(proof.standbysOverTLS == ["db2"])
        guard case .proveTLS(let standbyProof) = plan.steps[6].action else { Issue.record("no standby proof"); return }
        #expect(standbyProof.consumers.isEmpty && standbyProof.hostNames.isEmpty)
    }

    @Test("a consumer that cannot log in over TLS while planning blocks hostssl-only, with a note naming it")
    func failedLoginBlocks() throws {
        var logins = TLSFixtures.goodLogins
        logins[2] = ConsumerLogin(service: "rim1/licenses", entry: "licenses", target: "t", ok: false, problem: "no pg_hba.conf entry")
        let plan = try TLSPlanner.plan(try TLSFixtures.input(settings: TLSFixtures.tlsSettings(),
                                                             services: TLSFixtures.services(repository: TLSFixtures.secured.repository, licenses: TLSFixtures.secured.licenses), logins: logins))
        #expect(plan.steps.isEmpty)
        #expect(plan.notes.contains { $0.contains("rim1/licenses") && $0.contains("cannot log in over TLS now: no pg_hba.conf entry") })
    }

    @Test("Devart pinned below 1.2 waits too: it offers only TLS 1.1")
    func devartDefaultProtocol() throws {
        let services = TLSFixtures.services(repository: TLSFixtures.repository(ssl: "Ssl Mode=Require;"), licenses: TLSFixtures.secured.licenses)
        let plan = try TLSPlanner.plan(try TLSFixtures.input(settings: TLSFixtures.tlsSettings(), services: services, logins: TLSFixtures.goodLogins))
        #expect(plan.steps.isEmpty)
        #expect(plan.notes.contains { $0.contains("entry QSR offers at most TLSv1.1") })
    }

    @Test("no certificate in the data directory: a note, nothing planned")
    func noCertificate() throws {
        let plan = try TLSPlanner.plan(try TLSFixtures.input(material: nil))
        #expect(plan.steps.isEmpty)
        #expect(plan.notes.count == 1 && plan.notes[0].contains("no server certificate"))
    }

    @Test("a certificate that does not name a host name in use is refused, naming the name and who uses it")
    func wrongHost() throws {
        let services = TLSFixtures.services(licenses: TLSFixtures.licenses(host: "db9.plant.example"))
        do {
            _ = try TLSPlanner.plan(try TLSFixtures.input(services: services))
            Issue.record("planned with a certificate that does not name db9")
        } catch let error as CoreError {
            #expect(error.message.contains("db9.plant.example (used by rim1/licenses"))
            #expect(error.message.contains("refused before anything changes"))
        }
        // A name from the inventory's host_names counts too.
        var input = try TLSFixtures.input()
        input.extraHostNames = ["db-vip.plant.example"]
        #expect(throws: CoreError.self) { try TLSPlanner.plan(input) }
    }

    @Test("connecting by address is fine for require, a note for verify-full, refused when the entry verifies by address")
    func addresses() throws {
        let plan = try TLSPlanner.plan(try TLSFixtures.input(services: TLSFixtures.services(licenses: TLSFixtures.licenses(host: "10.0.4.10"))))
        #expect(!plan.steps.isEmpty)
        #expect(plan.notes.contains { $0.contains("to 10.0.4.10 by address") })
        let verifying = TLSFixtures.services(licenses: TLSFixtures.licenses(host: "10.0.4.10", mode: "verify-full"))
        #expect(throws: CoreError.self) { try TLSPlanner.plan(try TLSFixtures.input(services: verifying)) }
    }

    @Test("expired, not yet valid, unreadable key, and a policy floor Devart cannot reach are refused")
    func refusals() throws {
        #expect(throws: CoreError.self) { try TLSPlanner.plan(try TLSFixtures.input(now: Date(timeIntervalSince1970: 4_200_000_000 + 1_000_000_000))) }
        #expect(throws: CoreError.self) { try TLSPlanner.plan(try TLSFixtures.input(now: Date(timeIntervalSince1970: 1_700_000_000))) }
        do {
            _ = try TLSPlanner.plan(try TLSFixtures.input(material: TLSFixtures.material(keyMode: 0o644)))
            Issue.record("planned with a key others can read")
        } catch let error as CoreError {
            #expect(error.hint?.contains("chmod 0600") == true)
        }
        #expect(throws: CoreError.self) { try TLSPlanner.plan(try TLSFixtures.input(material: TLSFixtures.material(keyOwner: "www-data"))) }
        // root may own the key with group read (PostgreSQL's own rule).
        #expect(throws: Never.self) { try TLSPlanner.plan(try TLSFixtures.input(material: TLSFixtures.material(keyMode: 0o640, keyOwner: "root"))) }
        #expect(throws: CoreError.self) { try TLSPlanner.plan(try TLSFixtures.input(policy: Policy(tlsMinimumVersion: "TLSv1.3"))) }
        #expect(throws: CoreError.self) { try TLSPlanner.plan(try TLSFixtures.input(policy: Policy(tlsMinimumVersion: "TLSv1.1"))) }
    }

    @Test("with an RSA certificate the RSA suites are the intended ones; without a CA file verify-full is a note")
    func rsaWithoutCA() throws {
        let plan = try TLSPlanner.plan(try TLSFixtures.input(material: TLSFixtures.material(certificate: TLSFixtures.rsaCertificate, ca: false)))
        #expect(!Self.settingSteps(plan).contains("ssl_ca_file"))
        guard case .proveTLS(let proof)? = plan.steps.last?.action else { Issue.record("no proof"); return }
        #expect(proof.allowedSuites == [0xC02F, 0xC030, 0xCCA8, 0x1301, 0x1302, 0x1303])
        #expect(proof.hostNames.isEmpty && proof.rootCertificate == nil)
        #expect(plan.notes.contains { $0.contains("verify-full for db1.plant.example is not proven") })
    }

    @Test("a line naming clients by samehost blocks the edit instead of guessing")
    func undecidableLine() throws {
        let hba = TLSFixtures.hba + "host all all samehost md5\n"
        let plan = try TLSPlanner.plan(try TLSFixtures.input(settings: TLSFixtures.tlsSettings(), hba: hba,
                                                             services: TLSFixtures.services(repository: TLSFixtures.secured.repository, licenses: TLSFixtures.secured.licenses),
                                                             logins: TLSFixtures.goodLogins))
        #expect(plan.steps.isEmpty)
        #expect(plan.notes.contains { $0.contains("samehost") && $0.contains("edit it by hand") })
    }
}

@Suite("pg_hba.conf as earlier steps leave it")
struct PlannedHBAFileTests {
    @Test func appliesEarlierEditsAndRefusesAnotherBase() throws {
        let original = try HBAFile(parsing: TLSFixtures.hba)
        let edits: [HBAEdit] = [.setMethod(line: 4, method: "md5")]
        let edited = try original.applying(edits)
        let step = PlannedStep(id: "db1/auth/hba", title: "", reason: "", diff: [],
                               action: .editHBAFile(node: "db1", file: "/srv/db1/pg_hba.conf", expectedSHA256: FileDigest.sha256(original.bytes),
                                                    resultSHA256: FileDigest.sha256(edited.bytes), edits: edits))
        #expect(try original.after([step], node: "db1", path: "/srv/db1/pg_hba.conf").bytes == edited.bytes)
        #expect(try original.after([step], node: "db2", path: "/srv/db1/pg_hba.conf").bytes == original.bytes)
        #expect(throws: CoreError.self) { try edited.after([step], node: "db1", path: "/srv/db1/pg_hba.conf") }
    }
}

@Suite("hostssl-only: who would be locked out")
struct HostSSLOnlyTests {
    static let consumer = HostSSLOnly.Client(label: "rim1 licenses", kind: .consumer, user: "qliksenserepository", target: .database("Licenses"),
                                              address: IPAddress("10.0.4.18")!)

    @Test("a consumer with no TLS line, or still admitted in plaintext, is named")
    func lockouts() throws {
        let noLine = try HBAFile(parsing: "hostssl all all 10.0.4.17/32 md5\n")
        #expect(HostSSLOnly.lockouts(in: noLine, clients: [Self.consumer]) == ["rim1 licenses would have no pg_hba.conf entry over TLS from 10.0.4.18"])
        let rejected = try HBAFile(parsing: "hostssl Licenses all 10.0.4.0/24 reject\nhostssl all all 10.0.4.18/32 md5\n")
        #expect(HostSSLOnly.lockouts(in: rejected, clients: [Self.consumer]).first?.contains("refused over TLS by line 1") == true)
        let plaintext = try HBAFile(parsing: "host all all 10.0.4.18/32 md5\n")
        #expect(HostSSLOnly.lockouts(in: plaintext, clients: [Self.consumer]) == ["rim1 licenses would still get in without TLS by line 1 (host all all 10.0.4.18/32 md5)"])
        let good = try HBAFile(parsing: "hostnossl all all all reject\nhostssl all all 10.0.4.18/32 md5\n")
        #expect(HostSSLOnly.lockouts(in: good, clients: [Self.consumer]).isEmpty)
    }

    @Test("a narrow host line only gives hostssl lines to the service hosts it admitted; the plan then finds the lockout")
    func narrowLine() throws {
        let file = try HBAFile(parsing: "host all all 10.0.4.17/32 md5\n")
        let result = HostSSLOnly.plan(file: file, serviceHosts: [IPAddress("10.0.4.17")!, IPAddress("10.0.4.18")!],
                                      superuser: "postgres", replicationRole: "replicator", clients: [Self.consumer])
        #expect(try file.applying(result.edits).rules.map(\.rule.text) == ["hostnossl all all all reject", "hostssl all all 10.0.4.17/32 md5"])
        #expect(result.blockers == ["rim1 licenses would have no pg_hba.conf entry over TLS from 10.0.4.18"])
    }
}
