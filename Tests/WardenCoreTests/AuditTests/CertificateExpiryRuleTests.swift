import Foundation
import Testing
@testable import WardenCore

// MARK: - TLS-018: the certificate is inside its warning window

@Suite("TLS-018 certificate expiry warning")
struct CertificateExpiryRuleTests {
    let now = AuditFixtures.now
    let day = AuditFixtures.day

    /// The hardened site with its server certificate ending `daysLeft` days after the audit.
    func facts(daysLeft: Double, warningDays: Int? = nil) -> SiteFacts {
        var facts = AuditFixtures.hardened
        facts.policy.certificateWarningDays = warningDays
        facts.nodes[0].wire?.tls?.certificates[0].notAfter = now + daysLeft * day
        return facts
    }

    @Test("silent outside the window, a medium finding inside it, silent once expired (TLS-010's case)")
    func window() throws {
        let rule = try #require(AuditCatalogue.rule("TLS-018"))
        #expect(rule.evaluate(facts(daysLeft: 300)).isEmpty)
        #expect(rule.evaluate(facts(daysLeft: 30.5)).isEmpty)
        let inside = rule.evaluate(facts(daysLeft: 12.5))
        #expect(inside.count == 1)
        #expect(inside.first?.severity == .medium)
        #expect(inside.first?.evidence.contains("12 day(s) left") == true)
        #expect(inside.first?.evidence.contains("warning window 30 days") == true)
        #expect(inside.first?.command == "pgwarden tls rotate")
        #expect(rule.evaluate(facts(daysLeft: -1)).isEmpty)
        #expect(try #require(AuditCatalogue.rule("TLS-010")).evaluate(facts(daysLeft: -1)).count == 1)
    }

    @Test("the window comes from tls.warning_days")
    func configuredWindow() throws {
        let rule = try #require(AuditCatalogue.rule("TLS-018"))
        #expect(rule.evaluate(facts(daysLeft: 50, warningDays: 60)).count == 1)
        #expect(rule.evaluate(facts(daysLeft: 12, warningDays: 7)).isEmpty)
    }

    @Test("facts saved before the field existed decode with the default window")
    func olderFacts() throws {
        let encoded = try JSONEncoder().encode(PolicyFacts())
        let decoded = try JSONDecoder().decode(PolicyFacts.self, from: encoded)
        #expect(decoded.certificateWarningDays == nil)
        #expect(decoded.warningDays == 30)
    }
}
