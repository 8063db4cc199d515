import Foundation
import Testing
@testable import WardenCore

// MARK: - password set | rotate: steps, refusals, no secret in the plan

@Suite("PasswordChangePlanner")
struct PasswordChangePlannerTests {
    static func files(_ fixtures: [(profile: ServiceProfile, file: String, text: String)]) -> [ServiceFileContents] {
        fixtures.map { fixture in
            ServiceFileContents(service: ServiceSpec(name: "central/\(fixture.profile.name)", node: "central", profile: fixture.profile, file: fixture.file),
                                text: fixture.text, sha256: FileDigest.sha256(Array(fixture.text.utf8)))
        }
    }

    /// Every fixture but the licenses file (it holds a DPAPI password).
    static let openFixtures = ServiceFixtures.all.filter { $0.profile != .licenses }

    static func facts(role: AuthFacts.Role? = AuthFacts.Role(name: "qliksenserepository", verifier: .md5),
                      reference: SecretReference? = .file(path: "/site/secrets/qsr.password"), keyID: String? = "0a1b2c3d",
                      services: [(profile: ServiceProfile, file: String, text: String)] = openFixtures) -> PasswordChangePlanner.Facts {
        PasswordChangePlanner.Facts(site: "lab", node: "db1", role: role, previousSource: .inventorySecret(role: "qliksenserepository"),
                                    inventoryReference: reference, secretFileSHA256: "abc", keyID: keyID, services: files(services))
    }

    @Test("rotate: verifier first, then the kept copy, every consumer file, and the proof last")
    func rotatePlan() throws {
        let plan = try PasswordChangePlanner.plan(.init(role: "qliksenserepository", mode: .rotate), Self.facts())
        #expect(plan.steps.first?.action == .setRolePassword(node: "db1", role: "qliksenserepository", previous: .inventorySecret(role: "qliksenserepository")))
        #expect(plan.steps[1].action == .writePasswordCopy(role: "qliksenserepository", reference: "file:/site/secrets/qsr.password", expectedSHA256: "abc"))
        let serviceSteps = plan.steps.filter { if case .editServiceFile = $0.action { true } else { false } }
        #expect(serviceSteps.count == 6, "every file with a password entry for the role; services.conf has none")
        for step in serviceSteps {
            guard case .editServiceFile(_, _, _, _, let edits) = step.action else { continue }
            #expect(edits.allSatisfy { if case .setNewPassword(_, "qliksenserepository") = $0 { true } else { false } })
        }
        guard case .proveLogins("db1", let roles, let consumers) = plan.steps.last?.action else { Issue.record("no proof last"); return }
        #expect(roles == [RoleLogin(role: "qliksenserepository", database: "QSR", source: .thisRun(role: "qliksenserepository"))])
        #expect(consumers.count == 8, "QSR, QSMQ, two notifier entries, mobility, app distribution, NL broker, libpq")
        let text = String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
        for secret in [ServiceFixtures.password, "plain-licenses", "\"p1\"", "password=plain"] { #expect(!text.contains(secret)) }
    }

    @Test("set is refused for a role services log in as: rotate is the command")
    func setRefusedWithConsumers() {
        #expect {
            try PasswordChangePlanner.plan(.init(role: "qliksenserepository", mode: .set), Self.facts())
        } throws: { error in
            (error as? CoreError)?.hint?.contains("pgwarden password rotate qliksenserepository") == true
        }
    }

    @Test("rotate is refused when a consumer's password is Windows-protected, or when there is no sealing key")
    func rotateRefusals() {
        #expect(throws: CoreError.self) {
            try PasswordChangePlanner.plan(.init(role: "qliksenserepository", mode: .rotate), Self.facts(services: ServiceFixtures.all))
        }
        #expect {
            try PasswordChangePlanner.plan(.init(role: "qliksenserepository", mode: .rotate), Self.facts(keyID: nil))
        } throws: { error in
            (error as? CoreError)?.hint == "create one first: pgwarden key init"
        }
    }

    @Test("set for a role nobody else uses; --generate keeps it sealed in the store and says how to refer to it")
    func setGenerated() throws {
        let role = AuthFacts.Role(name: "postgres", isSuperuser: true, verifier: .md5)
        let plan = try PasswordChangePlanner.plan(.init(role: "postgres", mode: .set, generated: true), Self.facts(role: role, reference: nil))
        #expect(plan.steps.map(\.id) == ["db1/password/postgres", "password-copy/store:postgres", "db1/proof/password/postgres"])
        #expect(plan.notes.contains { $0.contains("add `postgres: store:postgres` under secrets:") })
        #expect(throws: CoreError.self) {
            try PasswordChangePlanner.plan(.init(role: "postgres", mode: .set, generated: true), Self.facts(role: role, reference: nil, keyID: nil))
        }
    }

    @Test("the superuser's own copy is written first, and undo reads its old password from that copy's backup")
    func superuserCopyFirst() throws {
        let role = AuthFacts.Role(name: "postgres", isSuperuser: true, verifier: .md5)
        var facts = Self.facts(role: role, reference: .file(path: "/site/secrets/postgres.password"))
        facts.previousSource = .inventorySecret(role: "postgres")
        facts.isSuperuser = true
        let plan = try PasswordChangePlanner.plan(.init(role: "postgres", mode: .set, storeName: "pg"), facts)
        #expect(plan.steps.map(\.id) == ["password-copy/file:/site/secrets/postgres.password", "password-copy/store:pg",
                                         "db1/password/postgres", "db1/proof/password/postgres"])
        #expect(plan.steps[2].action == .setRolePassword(node: "db1", role: "postgres",
                                                         previous: .replacedCopy(reference: "file:/site/secrets/postgres.password", sha256: "abc")))
        facts.isSuperuser = false
        let other = try PasswordChangePlanner.plan(.init(role: "postgres", mode: .set), facts)
        #expect(other.steps.first?.action == .setRolePassword(node: "db1", role: "postgres", previous: .inventorySecret(role: "postgres")))
    }

    @Test("an env: secret cannot follow: a note says so; --store adds a sealed copy")
    func envReference() throws {
        let role = AuthFacts.Role(name: "postgres", isSuperuser: true, verifier: .md5)
        let plan = try PasswordChangePlanner.plan(.init(role: "postgres", mode: .set, storeName: "pg"), Self.facts(role: role, reference: .environment(name: "PGPW")))
        #expect(plan.notes.contains { $0.contains("env:PGPW") })
        #expect(plan.steps.map(\.id) == ["db1/password/postgres", "password-copy/store:pg", "db1/proof/password/postgres"])
    }

    @Test("a role that does not exist is refused before anything is planned")
    func missingRole() {
        #expect(throws: CoreError.self) {
            try PasswordChangePlanner.plan(.init(role: "ghost", mode: .set), Self.facts(role: nil))
        }
    }
}

// MARK: - The rotation's edit on a real config

@Suite("ServiceEdit.setNewPassword")
struct SetNewPasswordEditTests {
    @Test func writesTheNewPasswordSealedAndChecksIt() throws {
        let file = "/site/Repository/Repository.exe.config"
        var config = try ServiceConfig(text: ServiceFixtures.repository, profile: .repository, file: file)
        let edits: [ServiceEdit] = [.setNewPassword(entry: "QSR", role: "qliksenserepository"), .setNewPassword(entry: "QSMQ", role: "qliksenserepository")]
        let new = Secret("brand-new password ; ' \" <&>")
        #expect(throws: CoreError.self) { var copy = config; try copy.apply(edits, key: ServiceFixtures.key) }
        try config.apply(edits, key: ServiceFixtures.key, newPasswords: ["qliksenserepository": new])
        #expect(!config.render().contains("brand-new"))
        #expect(config.unmetEdits(edits, key: ServiceFixtures.key, newPasswords: ["qliksenserepository": new]).isEmpty)
        #expect(config.unmetEdits(edits, key: ServiceFixtures.key, newPasswords: ["qliksenserepository": Secret("other")]).count == 2)
        #expect(try config.openPassword(in: "QSR", keys: [ServiceFixtures.key]) == new)
        #expect(throws: CoreError.self) { try config.openPassword(in: "QSR", keys: [ServiceFixtures.otherKey]) }
        let reread = try ServiceConfig(text: config.render(), profile: .repository, file: file)
        #expect(try reread.settings(of: "QSMQ").sslMode == .require, "nothing else changed")
    }
}
