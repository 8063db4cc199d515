import Foundation
import Testing

@testable import WardenCore

@Suite("ServiceChangePlanner: one step per file, no secrets, all-or-nothing")
struct ServiceChangePlannerTests {
    static func files(_ fixtures: [(profile: ServiceProfile, file: String, text: String)] = ServiceFixtures.all) -> [ServiceFileContents] {
        fixtures.map { fixture in
            ServiceFileContents(
                service: ServiceSpec(name: "central/\(fixture.profile.name)", node: "central", profile: fixture.profile, file: fixture.file),
                text: fixture.text, sha256: FileDigest.sha256(Array(fixture.text.utf8)))
        }
    }

    static var requireAndSeal: ServiceChangeRequest {
        var request = ServiceChangeRequest()
        request.requireSSL = true
        request.sealPasswords = true
        return request
    }

    @Test("require SSL + seal: steps carry hashes and no password appears anywhere in the plan")
    func requireAndSealPlan() throws {
        let plan = try ServiceChangePlanner.plan(site: "lab", files: Self.files(), request: Self.requireAndSeal, currentKeyID: ServiceFixtures.key.id)
        #expect(plan.steps.count == ServiceFixtures.all.count - 1)  // services.conf has no SSL switch
        let encoded = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        for secret in [ServiceFixtures.password, "plain-licenses", "p1", "\"p3\"", "password=plain"] {
            #expect(!encoded.contains(secret), "plan leaks \(secret)")
        }
        for step in plan.steps {
            guard case .editServiceFile(_, let file, _, let hash, let edits) = step.action else { Issue.record("wrong action"); continue }
            let fixture = try #require(ServiceFixtures.all.first { $0.file == file })
            #expect(hash == FileDigest.sha256(Array(fixture.text.utf8)))
            #expect(!edits.isEmpty)
        }
        #expect(plan.notes.contains { $0.contains("DPAPI") })
    }

    @Test("applying a plan's edits makes every entry require TLS, and a second plan is empty")
    func converges() throws {
        let plan = try ServiceChangePlanner.plan(site: "lab", files: Self.files(), request: Self.requireAndSeal, currentKeyID: ServiceFixtures.key.id)
        var after: [(profile: ServiceProfile, file: String, text: String)] = []
        for fixture in ServiceFixtures.all {
            var config = try ServiceConfig(text: fixture.text, profile: fixture.profile, file: fixture.file)
            if let step = plan.steps.first(where: { if case .editServiceFile(_, fixture.file, _, _, _) = $0.action { true } else { false } }),
               case .editServiceFile(_, _, _, _, let edits) = step.action {
                try config.apply(edits, key: ServiceFixtures.key)
                #expect(config.unmetEdits(edits, key: ServiceFixtures.key).isEmpty)
            }
            for settings in try config.allSettings() where settings.driver != .nodeTLS {
                #expect(settings.requiresTLS, "\(fixture.file) \(settings.entry)")
                #expect(settings.passwordKind != .plaintext)
            }
            after.append((fixture.profile, fixture.file, config.render()))
        }
        let again = try ServiceChangePlanner.plan(site: "lab", files: Self.files(after), request: Self.requireAndSeal, currentKeyID: ServiceFixtures.key.id)
        #expect(again.steps.isEmpty)
    }

    @Test("TLS 1.2 minimum: Devart pin, libpq keyword, node --ssl bitmask; notes for drivers without a setting")
    func tlsMinimum() throws {
        var request = ServiceChangeRequest()
        request.tlsMinimum = .tls1_2
        let plan = try ServiceChangePlanner.plan(site: "lab", files: Self.files(), request: request, currentKeyID: nil)
        let edits = plan.steps.flatMap { step -> [ServiceEdit] in
            if case .editServiceFile(_, _, _, _, let edits) = step.action { return edits } else { return [] }
        }
        #expect(edits.contains(.set(entry: "QSR", field: .tlsProtocol, value: .tlsMinimum(.tls1_2))))
        #expect(edits.contains(.set(entry: "resource-distribution", field: .tlsOptions, value: .tlsMinimum(.tls1_2))))
        #expect(edits.contains(.set(entry: "conninfo", field: .tlsProtocol, value: .tlsMinimum(.tls1_2))))
        #expect(plan.notes.contains { $0.contains("npgsql has no TLS version setting") })
    }

    @Test("multi-host: written where the driver supports it, first host with a note elsewhere")
    func multiHost() throws {
        var request = ServiceChangeRequest()
        request.hosts = [.init(name: "db1", port: 4432), .init(name: "db2", port: 4432)]
        let plan = try ServiceChangePlanner.plan(site: "lab", files: Self.files(), request: request, currentKeyID: nil)
        let edits = plan.steps.flatMap { step -> [ServiceEdit] in
            if case .editServiceFile(_, _, _, _, let edits) = step.action { return edits } else { return [] }
        }
        #expect(edits.contains(.set(entry: "QSR", field: .host, value: .hosts(request.hosts ?? []))))
        #expect(edits.contains(.set(entry: "licenses", field: .host, value: .hosts([.init(name: "db1")]))))
        #expect(plan.notes.contains { $0.contains("no multi-host") })
    }

    @Test("host from the certificate's CN and certificate paths, where each shape has a place for them")
    func hostFromCertificate() throws {
        var request = ServiceChangeRequest()
        request.host = try PEMCertificates.subjectCommonName(in: ServiceFixtures.certificatePEM)
        request.rootCertificate = "/etc/pgwarden/root.pem"
        let plan = try ServiceChangePlanner.plan(site: "lab", files: Self.files(), request: request, currentKeyID: nil)
        let edits = plan.steps.flatMap { step -> [ServiceEdit] in
            if case .editServiceFile(_, _, _, _, let edits) = step.action { return edits } else { return [] }
        }
        #expect(edits.contains(.set(entry: "QSR", field: .host, value: .hosts([.init(name: "db1.example.test")]))))
        #expect(edits.contains(.set(entry: "Postgres", field: .rootCertificate, value: .text("/etc/pgwarden/root.pem"))))
        #expect(plan.notes.contains { $0.contains("no place for root_certificate") })  // licenses, notifier
        #expect(plan.steps.allSatisfy { $0.diff.contains { $0.contains("db1.example.test") } })
    }

    @Test("a malformed file fails the whole plan with file:line:col")
    func malformedFailsPlan() throws {
        var fixtures = ServiceFixtures.all
        fixtures[3].text = "{\n  \"Postgres\": {\n    \"Host\": \n"
        let error = try #require(throws: CoreError.self) {
            try ServiceChangePlanner.plan(site: "lab", files: Self.files(fixtures), request: Self.requireAndSeal, currentKeyID: "00000000")
        }
        #expect(error.file == fixtures[3].file)
        #expect(error.position != nil)
    }

    @Test("key rotation plans a re-seal only for values sealed with another key")
    func reseal() throws {
        var config = try ServiceConfig(text: ServiceFixtures.repository, profile: .repository, file: "/r")
        try config.sealPassword(in: "QSR", key: ServiceFixtures.otherKey)
        try config.sealPassword(in: "QSMQ", key: ServiceFixtures.key)
        var request = ServiceChangeRequest()
        request.resealPasswords = true
        let plan = try ServiceChangePlanner.plan(site: "lab", files: Self.files([(.repository, "/r", config.render())]), request: request, currentKeyID: ServiceFixtures.key.id)
        guard case .editServiceFile(_, _, _, _, let edits)? = plan.steps.first?.action else { Issue.record("no step"); return }
        #expect(edits == [.resealPassword(entry: "QSR")])
    }
}

@Suite("ServiceChangePlanner: --verify-full")
struct VerifyFullPlannerTests {
    @Test("verify-full in each driver's spelling where the entry can also name the CA; a note where it cannot")
    func verifyFull() throws {
        var request = ServiceChangeRequest()
        request.requireSSL = true
        request.verifyFull = true
        request.rootCertificate = "/etc/pki/root.pem"
        let plan = try ServiceChangePlanner.plan(site: "lab", files: ServiceChangePlannerTests.files(), request: request, currentKeyID: nil)
        let repository = try #require(plan.steps.first { $0.id == "services/central/repository" })
        #expect(repository.diff.contains("+ QSR ssl_mode: VerifyFull"))
        #expect(repository.diff.contains("+ QSR root_certificate: /etc/pki/root.pem"))
        #expect(repository.title.contains("verify the server (verify-full)"))
        let libpq = try #require(plan.steps.first { $0.id == "services/central/libpq" })
        #expect(libpq.diff.contains("+ conninfo ssl_mode: verify-full"))
        // licenses has an sslMode but no place for the CA: it stays at require.
        let licenses = try #require(plan.steps.first { $0.id == "services/central/licenses" })
        #expect(licenses.diff.contains("+ licenses ssl_mode: require"))
        #expect(plan.notes.contains { $0.contains("central/licenses licenses") && $0.contains("no place for the CA certificate") })
    }
}
