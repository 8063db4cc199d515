import Foundation
import Testing
@testable import WardenCore

// MARK: - The migration planner: order, line splits, notes, convergence

@Suite("AuthPlanner: MD5 → SCRAM without lockout")
struct AuthPlannerTests {
    static let labHBA = """
        # pg_hba.conf as the reference deployment ships it
        local   all             all                                     peer
        host    all             all             0.0.0.0/0               md5
        host    replication     replicator      127.0.0.2/32            md5

        """

    static func facts(hba: String = labHBA, roles: [AuthFacts.Role]? = nil, known: [String: PasswordSource]? = nil,
                      encryption: String = "md5", pgpass: String? = "127.0.0.1:4432:*:postgres:S3cret\n",
                      servicesByRole: [String: [String]] = ["qliksenserepository": ["central/repository"]]) throws -> AuthFacts {
        let roles = roles ?? [
            AuthFacts.Role(name: "postgres", isSuperuser: true, verifier: .md5),
            AuthFacts.Role(name: "qliksenserepository", verifier: .md5),
            AuthFacts.Role(name: "legacy", verifier: .md5),
            AuthFacts.Role(name: "pg_monitor", canLogin: false, verifier: .none),
        ]
        let known = known ?? ["postgres": .inventorySecret(role: "postgres"),
                              "qliksenserepository": .consumer(service: "central/repository", entry: "QSR")]
        let stored = pgpass.map { text in
            AuthFacts.StoredPasswordFile(node: "central", path: "/site/pgpass.conf", file: PGPassFile(parsing: text), sha256: FileDigest.sha256(Array(text.utf8)))
        }
        return AuthFacts(
            site: "lab", roles: roles,
            nodes: [AuthFacts.Node(name: "db1", isPrimary: true, passwordEncryption: encryption,
                                   hba: HBAFileSnapshot(path: "/data/pg_hba.conf", file: try HBAFile(parsing: hba)))],
            knownPasswords: known,
            consumers: [ConsumerEntry(service: "central/repository", entry: "QSR", role: "qliksenserepository", database: "QSR")],
            servicesByRole: servicesByRole, storedPasswordFiles: stored.map { [$0] } ?? [])
    }

    static func hbaStep(_ result: AuthPlanner.Result) -> (file: String, expected: String, resultHash: String, edits: [HBAEdit])? {
        for step in result.steps {
            if case .editHBAFile(_, let file, let expected, let resultHash, let edits) = step.action { return (file, expected, resultHash, edits) }
        }
        return nil
    }

    @Test("the no-lockout order: setting, re-hash, pg_hba.conf, stored passwords, proof")
    func order() throws {
        let result = AuthPlanner.plan(try Self.facts(), policy: Policy())
        #expect(result.steps.map(\.id) == [
            "db1/setting/password_encryption", "db1/verifiers/rehash", "db1/hba/auth",
            "central/stored-passwords//site/pgpass.conf", "db1/proof/auth",
        ])
        guard case .rehashPasswords("db1", let roles) = result.steps[1].action else { Issue.record("no re-hash"); return }
        #expect(roles == [RolePassword(role: "postgres", source: .inventorySecret(role: "postgres")),
                          RolePassword(role: "qliksenserepository", source: .consumer(service: "central/repository", entry: "QSR"))])
        guard case .proveLogins("db1", let logins, let consumers) = result.steps[4].action else { Issue.record("no proof"); return }
        #expect(logins.map(\.role) == ["postgres", "qliksenserepository"])
        #expect(logins.map(\.database) == ["postgres", "QSR"])
        #expect(consumers.count == 1)
    }

    @Test("a role whose password is unknown keeps md5 on a line of its own, in front; the note gives the command")
    func unknownRoleIsSplitOff() throws {
        let facts = try Self.facts()
        let result = AuthPlanner.plan(facts, policy: Policy())
        let hba = try #require(Self.hbaStep(result))
        #expect(hba.edits == [.insert(rule: "host all legacy 0.0.0.0/0 md5", beforeLine: 3), .setMethod(line: 3, method: "scram-sha-256"),
                              .setMethod(line: 4, method: "scram-sha-256")])
        let after = try HBAFile(parsing: Self.labHBA).after(result.steps, node: "db1", path: "/data/pg_hba.conf")
        #expect(FileDigest.sha256(after.bytes) == hba.resultHash)
        #expect(hba.expected == FileDigest.sha256(Array(Self.labHBA.utf8)))
        #expect(after.rules.map(\.rule.method) == [.peer, .md5, .scramSHA256, .scramSHA256])
        #expect(after.rules[1].rule.users == [.name("legacy")])
        #expect(result.notes.contains { $0.contains("role legacy") && $0.contains("Fix: pgwarden password set legacy") })
        #expect(result.notes.contains { $0.contains("line 3 is split") })

        // Each connection meets the method the plan promises: first match, as the server does.
        let evaluator = HBAEvaluator(file: after)
        for (role, method) in [("legacy", HBARule.Method.md5), ("postgres", .scramSHA256), ("qliksenserepository", .scramSHA256)] {
            let attempt = HBAConnectionAttempt.tcp(from: try HBATestValues.ip("10.0.0.7"), ssl: false, to: .database("QSR"), as: role)
            guard case .matched(let rule) = evaluator.evaluate(attempt) else { Issue.record("\(role) has no line"); continue }
            #expect(rule.rule.method == method, "\(role)")
        }
    }

    @Test("a role services log in as gets `password rotate` as its fix")
    func fixCommandForAServiceRole() throws {
        var facts = try Self.facts()
        facts.knownPasswords["qliksenserepository"] = nil
        let result = AuthPlanner.plan(facts, policy: Policy())
        #expect(result.notes.contains { $0.contains("Fix: pgwarden password rotate qliksenserepository") })
        let hba = try #require(Self.hbaStep(result))
        #expect(hba.edits.first == .insert(rule: "host all qliksenserepository,legacy 0.0.0.0/0 md5", beforeLine: 3))
    }

    @Test("no known password at all: the line keeps md5 and nothing is re-hashed")
    func nothingKnown() throws {
        let result = AuthPlanner.plan(try Self.facts(known: [:], pgpass: nil), policy: Policy())
        #expect(result.steps.map(\.id) == ["db1/setting/password_encryption", "db1/hba/auth", "db1/proof/auth"])
        let hba = try #require(Self.hbaStep(result))
        #expect(hba.edits == [.setMethod(line: 4, method: "scram-sha-256")], "only the replication line, whose role does not exist")
        #expect(result.notes.contains { $0.contains("line 3 keeps md5") })
    }

    @Test("a converged site plans nothing, not even a proof")
    func converged() throws {
        let hba = "host all all 0.0.0.0/0 scram-sha-256\nhost all legacy 10.0.0.0/8 md5\n"
        let roles = [AuthFacts.Role(name: "postgres", isSuperuser: true, verifier: .scram(iterations: 4096)),
                     AuthFacts.Role(name: "legacy", verifier: .md5)]
        let result = AuthPlanner.plan(try Self.facts(hba: hba, roles: roles, encryption: "scram-sha-256", pgpass: "# no passwords here\n*:*:*:*:\n"),
                                      policy: Policy())
        #expect(result.steps.isEmpty)
    }

    @Test("trust: known roles move to scram, a NULL-password role keeps trust on its own line and is reported")
    func trustLine() throws {
        let hba = "host all all 127.0.0.1/32 trust\n"
        let roles = [AuthFacts.Role(name: "postgres", isSuperuser: true, verifier: .scram(iterations: 4096)),
                     AuthFacts.Role(name: "report", verifier: .scram(iterations: 4096)),
                     AuthFacts.Role(name: "nopass", verifier: .none)]
        let result = AuthPlanner.plan(try Self.facts(hba: hba, roles: roles, known: ["postgres": .inventorySecret(role: "postgres")], encryption: "scram-sha-256", pgpass: nil),
                                      policy: Policy())
        let step = try #require(Self.hbaStep(result))
        #expect(step.edits == [.insert(rule: "host all report,nopass 127.0.0.1/32 trust", beforeLine: 1), .setMethod(line: 1, method: "scram-sha-256")])
        #expect(result.notes.contains { $0.contains("role nopass has no password (NULL)") && $0.contains("trust") })
    }

    @Test("password lines: roles that cannot move get md5 (not clear text); SCRAM roles move")
    func passwordLine() throws {
        let hba = "host all all 10.0.0.0/8 password\n"
        let roles = [AuthFacts.Role(name: "app", verifier: .scram(iterations: 4096)), AuthFacts.Role(name: "old", verifier: .md5)]
        let result = AuthPlanner.plan(try Self.facts(hba: hba, roles: roles, known: [:], encryption: "scram-sha-256", pgpass: nil), policy: Policy())
        let step = try #require(Self.hbaStep(result))
        #expect(step.edits == [.insert(rule: "host all old 10.0.0.0/8 md5", beforeLine: 1), .setMethod(line: 1, method: "scram-sha-256")])
    }

    @Test("+group lines follow membership; regex users, @file lists and includes are kept, with a note")
    func groupsRegexAndIncludes() throws {
        let hba = """
            host all +staff 10.0.0.0/8 md5
            host all /^app_ 10.0.0.0/8 md5
            host all @admins.txt 10.0.0.0/8 md5
            include extra.conf

            """
        let roles = [AuthFacts.Role(name: "alice", verifier: .md5, memberships: ["staff"]),
                     AuthFacts.Role(name: "bob", verifier: .md5)]
        let result = AuthPlanner.plan(try Self.facts(hba: hba, roles: roles, known: ["alice": .inventorySecret(role: "alice")], pgpass: nil), policy: Policy())
        let step = try #require(Self.hbaStep(result))
        #expect(step.edits == [.setMethod(line: 1, method: "scram-sha-256")], "bob is no member of staff, so the line admits only alice")
        #expect(result.notes.filter { $0.contains("regular expression or an @file") }.count == 2)
        #expect(result.notes.contains { $0.contains("include extra.conf") })
    }

    @Test("policy md5: nothing planned")
    func policyMD5() throws {
        let result = AuthPlanner.plan(try Self.facts(), policy: Policy(passwordEncryption: "md5"))
        #expect(result.steps.isEmpty)
    }

    @Test("the plan names sources and roles, never a password; stored passwords are redacted")
    func planHoldsNoSecret() throws {
        let result = AuthPlanner.plan(try Self.facts(), policy: Policy())
        let text = String(decoding: try JSONEncoder().encode(Plan(site: "lab", steps: result.steps, notes: result.notes)), as: UTF8.self)
        #expect(!text.contains("S3cret"))
        let pgpass = try #require(result.steps.first { $0.id.contains("stored-passwords") })
        #expect(pgpass.diff == ["- line 1: 127.0.0.1:4432:*:postgres:(password redacted)"])
    }

    @Test("a thousand roles: one re-hash step, a diff that stays readable")
    func manyRoles() throws {
        let roles = (0..<1000).map { AuthFacts.Role(name: "r\($0)", verifier: .md5) }
        let known = Dictionary(uniqueKeysWithValues: roles.map { ($0.name, PasswordSource.inventorySecret(role: $0.name)) })
        let result = AuthPlanner.plan(try Self.facts(roles: roles, known: known, pgpass: nil), policy: Policy())
        guard case .rehashPasswords(_, let changes) = result.steps[1].action else { Issue.record("no re-hash"); return }
        #expect(changes.count == 1000)
        #expect(result.steps[1].diff.count == AuthPlanner.diffLimit + 1)
        #expect(result.steps[1].diff.last == "… and 975 more")
    }
}

// MARK: - Which copies count as known

@Suite("KnownPasswords: a copy counts only when it matches the verifier")
struct KnownPasswordsTests {
    @Test func md5ScramAndClearText() throws {
        let scram = try SCRAMVerifier(password: Secret("pässwörd Ⅻ"), salt: Array(repeating: 1, count: 16), iterations: 4096)
        let verifiers: [String: String?] = [
            "a": MD5Verifier(password: Secret("alpha-pass"), role: "a").text,
            "b": scram.text,
            "c": "clear-text-from-pg9",
            "d": nil,
        ]
        let copies = [
            KnownPasswords.Copy(role: "a", source: .consumer(service: "s1", entry: "e"), password: Secret("wrong")),
            KnownPasswords.Copy(role: "a", source: .consumer(service: "s2", entry: "e"), password: Secret("alpha-pass")),
            KnownPasswords.Copy(role: "a", source: .consumer(service: "s3", entry: "e"), password: Secret("alpha-pass")),
            KnownPasswords.Copy(role: "b", source: .inventorySecret(role: "b"), password: Secret("pässwörd XII")),
            KnownPasswords.Copy(role: "c", source: .inventorySecret(role: "c"), password: Secret("clear-text-from-pg9")),
            KnownPasswords.Copy(role: "d", source: .inventorySecret(role: "d"), password: Secret("anything")),
            KnownPasswords.Copy(role: "nobody", source: .inventorySecret(role: "nobody"), password: Secret("x")),
        ]
        let result = KnownPasswords.match(verifiers: verifiers, copies: copies)
        #expect(result.known == ["a": .consumer(service: "s2", entry: "e"), "b": .inventorySecret(role: "b"), "c": .inventorySecret(role: "c")],
                "SASLprep maps Ⅻ to XII, as the server does")
        #expect(result.matching.count == 4)
        #expect(result.stale == [RolePassword(role: "a", source: .consumer(service: "s1", entry: "e")), RolePassword(role: "d", source: .inventorySecret(role: "d"))])
    }

    @Test func md5OfAnotherRoleDoesNotMatch() {
        let verifier = MD5Verifier(password: Secret("same"), role: "alice").text
        #expect(!KnownPasswords.matches(Secret("same"), rolpassword: verifier, role: "bob"))
        #expect(KnownPasswords.matches(Secret("same"), rolpassword: verifier, role: "alice"))
    }
}
