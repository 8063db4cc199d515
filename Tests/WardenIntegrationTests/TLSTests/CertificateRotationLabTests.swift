import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Rotation on a running server, and TLS-018 before and after

@Suite("Certificate rotation on a real lab", .serialized)
struct CertificateRotationLabTests {
    @Test("a certificate inside the warning window: TLS-018 fires; rotate renews it, an open session still answers, a new connection gets the new certificate; TLS-018 is silent afterwards")
    func rotateInsideWindow() async throws {
        try await CertificateLab.with { lab in
            let node = try lab.primary()
            let now = Date()
            // Issued 350 days ago for 365 days: 15 days left, inside the default 30-day window.
            let aging = try lab.rollout(now: now.addingTimeInterval(-350 * 86_400)).issueServer(for: node)
            try await lab.install()
            try await lab.turnSSLOn()
            #expect(try await lab.servedFingerprint() == aging.summary.fingerprint)

            let facts = try await SiteFactsCollector.lab(lab.site)
            let warning = try #require(AuditReport.audit(facts).findings.first { $0.id == "TLS-018" })
            #expect(warning.subject == "node db1")
            #expect(warning.evidence.contains("day(s) left; warning window 30 days"))

            // A verify-full session opened before the rotation.
            let session = try await PostgresSession.connect(try lab.verifyFullTarget())
            let pid = try await session.value("SELECT pg_backend_pid()::text")

            let rollout = try lab.rollout(now: now)
            let decisions = try rollout.rotationDecisions(for: [node], force: false)
            #expect(decisions.first?.decision.isRenewal == true)
            #expect(decisions.first?.decision.description.contains("inside the 30-day warning window") == true)
            let renewed = try rollout.issueServer(for: node)
            try await lab.install()

            #expect(try await session.value("SELECT pg_backend_pid()::text") == pid, "the session opened before the rotation still answers")
            #expect(try await session.value("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == "true")
            await session.close()
            #expect(try await lab.servedFingerprint() == renewed.summary.fingerprint)
            #expect(renewed.summary.fingerprint != aging.summary.fingerprint)
            let fresh = try await PostgresSession.with(try lab.verifyFullTarget()) { try await $0.value("SELECT 1::text") }
            #expect(fresh == "1")

            #expect(try lab.rollout().rotationDecisions(for: [node], force: false).first?.decision == .keep(daysLeft: 365))
            let after = try await SiteFactsCollector.lab(lab.site)
            #expect(!AuditReport.audit(after).findings.contains { $0.id == "TLS-018" })
        }
    }
}
