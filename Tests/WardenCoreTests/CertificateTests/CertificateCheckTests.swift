import Foundation
import Testing
@testable import WardenCore

// MARK: - Chain verification, import checks, rotation decisions

@Suite("Certificate checks")
struct CertificateCheckTests {
    let now = CertificateFixtures.now
    let day = CertificateFixtures.day
    var authority: SiteCertificateAuthority { CertificateFixtures.authority.0 }
    var caPEM: String { CertificateFixtures.authority.1.certificatePEM }
    var otherCAPEM: String { CertificateFixtures.otherAuthority.1.certificatePEM }

    @Test("the chain verifies to its own CA, not to another CA of the same name, not after expiry")
    func chain() async throws {
        let server = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)
        #expect(try await CertificateChainCheck.verify(certificatePEM: server.certificatePEM, caPEM: caPEM, at: now) == .valid)
        let foreign = try await CertificateChainCheck.verify(certificatePEM: server.certificatePEM, caPEM: otherCAPEM, at: now)
        #expect(!foreign.isValid)
        if case .invalid(let why) = foreign { #expect(why.contains("signature")) }
        let late = try await CertificateChainCheck.verify(certificatePEM: server.certificatePEM, caPEM: caPEM, at: now + 31 * day)
        #expect(!late.isValid)
    }

    @Test("a certificate issued by a differently named CA is reported as issued by it")
    func foreignIssuer() async throws {
        let (stranger, _) = try SiteCertificateAuthority.create(site: "elsewhere", algorithm: .p256, now: now)
        let server = try stranger.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)
        let verdict = try await CertificateChainCheck.verify(certificatePEM: server.certificatePEM, caPEM: caPEM, at: now)
        guard case .invalid(let why) = verdict else { Issue.record("verified against the wrong CA"); return }
        #expect(why.contains("pgwarden elsewhere CA"))
    }

    @Test("import check: a good certificate passes")
    func importGood() async throws {
        let server = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)
        let problems = try await CertificateImportCheck.check(
            certificatePEM: server.certificatePEM, keyPEM: server.privateKeyPEM, caPEM: caPEM,
            hostNames: ["db1.plant-a.example", "DB1"], now: now)
        #expect(problems.isEmpty)
    }

    @Test("import check failures: key mismatch, wrong host, expired, not signed by the CA")
    func importFailures() async throws {
        let server = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)
        let other = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)

        let mismatch = try await CertificateImportCheck.check(
            certificatePEM: server.certificatePEM, keyPEM: other.privateKeyPEM, caPEM: caPEM, hostNames: ["db1"], now: now)
        #expect(mismatch == [.keyMismatch])

        let wrongHost = try await CertificateImportCheck.check(
            certificatePEM: server.certificatePEM, keyPEM: server.privateKeyPEM, caPEM: caPEM,
            hostNames: ["db1", "repository.plant-a.example", "10.0.4.10"], now: now)
        #expect(wrongHost == [.hostNotNamed("repository.plant-a.example"), .hostNotNamed("10.0.4.10")])

        let expired = try await CertificateImportCheck.check(
            certificatePEM: server.certificatePEM, keyPEM: server.privateKeyPEM, caPEM: caPEM, hostNames: ["db1"], now: now + 40 * day)
        #expect(expired.count == 1)
        guard case .expired = expired.first else { Issue.record("expected expired, got \(expired)"); return }

        let early = try await CertificateImportCheck.check(
            certificatePEM: server.certificatePEM, keyPEM: server.privateKeyPEM, caPEM: caPEM, hostNames: ["db1"], now: now - 2 * day)
        guard case .notYetValid = early.first else { Issue.record("expected not yet valid, got \(early)"); return }

        let foreign = try await CertificateImportCheck.check(
            certificatePEM: server.certificatePEM, keyPEM: server.privateKeyPEM, caPEM: otherCAPEM, hostNames: ["db1"], now: now)
        #expect(foreign.count == 1)
        guard case .notSignedByCA = foreign.first else { Issue.record("expected not signed by CA, got \(foreign)"); return }

        let refusal = CertificateImportCheck.refusal(mismatch + wrongHost, node: "db1")
        #expect(refusal.message.contains("does not belong"))
        #expect(refusal.message.contains("repository.plant-a.example"))
        #expect(refusal.hint?.contains("tls issue server --node db1") == true)
    }

    @Test("import check: a CA certificate or a client certificate is not a server certificate")
    func importWrongKind() async throws {
        let files = CertificateFixtures.authority.1
        let asServer = try await CertificateImportCheck.check(
            certificatePEM: files.certificatePEM, keyPEM: files.privateKeyPEM, caPEM: caPEM, hostNames: [], now: now)
        #expect(asServer.contains(.isCA))
        let client = try authority.issueClient(role: "db1", now: now, validityDays: 30)
        let clientAsServer = try await CertificateImportCheck.check(
            certificatePEM: client.certificatePEM, keyPEM: client.privateKeyPEM, caPEM: caPEM, hostNames: ["db1"], now: now)
        #expect(clientAsServer == [.notForServers])
    }

    @Test("unreadable input throws instead of passing")
    func unreadable() async throws {
        await #expect(throws: CoreError.self) {
            try await CertificateImportCheck.check(certificatePEM: "not a pem", keyPEM: Secret(""), caPEM: caPEM, hostNames: [], now: now)
        }
    }

    @Test("rotation: keep, renew inside the window, when expired, forced, missing names, nothing installed")
    func rotation() throws {
        let summary = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 90).summary
        func decide(at moment: Date, names: [String] = ["db1"], force: Bool = false) -> CertificateRotation.Decision {
            CertificateRotation.decide(installed: summary, requiredNames: names, now: moment, warningDays: 30, force: force)
        }
        #expect(decide(at: now) == .keep(daysLeft: 90))
        #expect(decide(at: now + 59 * day) == .keep(daysLeft: 31))
        #expect(decide(at: now + 61 * day).isRenewal)
        #expect(decide(at: now + 61 * day).description.contains("29 day(s) left"))
        #expect(decide(at: now + 91 * day).description.contains("expired"))
        #expect(decide(at: now, force: true).isRenewal)
        #expect(decide(at: now, names: ["db1", "db1.other.example"]).description.contains("db1.other.example"))
        #expect(CertificateRotation.decide(installed: nil, requiredNames: [], now: now, warningDays: 30, force: false).isRenewal)
        #expect(!CertificateRotation.isDue(notAfter: now - day, now: now, warningDays: 30))
    }
}
