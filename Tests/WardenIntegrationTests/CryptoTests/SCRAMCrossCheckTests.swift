import Testing
import WardenCore
import WardenLab
import WardenPostgres

// MARK: - Our SCRAM verifiers and PostgreSQL's agree, both ways

@Suite("SCRAM-SHA-256 against PostgreSQL itself")
struct SCRAMCrossCheckTests {
    /// PostgreSQL hashes the password itself (a deliberate cross-check on a disposable lab);
    /// from the salt and iterations it stored we derive exactly the same keys — including a
    /// password SASLprep changes (Ⅸ → IX, soft hyphen dropped), so our SASLprep is the server's.
    @Test(arguments: ["Correct-Horse-Battery-1", "pässwörd-Ⅸ-\u{00AD}ünïcode", "日本語のパスワード"])
    func weDeriveThePostgresVerifier(_ password: String) async throws {
        try await withLab { site in
            let access = try site.access()
            let node = try #require(access.inventory.primary)
            let stored = try await access.withSuperuser(on: node) { session in
                try await session.execute("SET password_encryption = 'scram-sha-256'")
                try await session.execute("CREATE ROLE bob LOGIN PASSWORD \(try SQLQuote.literal(password))")
                return try await session.value("SELECT rolpassword FROM pg_authid WHERE rolname = 'bob'")
            }
            let theirs = try SCRAMVerifier(parsing: try #require(stored))
            let derived = try SCRAMVerifier(password: Secret(password), salt: theirs.salt, iterations: theirs.iterations)
            #expect(derived.text == stored)
            #expect(theirs.verify(Secret(password)))
            #expect(!theirs.verify(Secret(password + "x")))
        }
    }

    /// A verifier computed here (the server never sees the password) lets the role log in.
    /// PostgresNIO's client does not apply SASLprep (its source has a TODO), so passwords
    /// that SASLprep changes cannot log in through it; these two are unchanged by SASLprep.
    @Test(arguments: ["Correct-Horse-Battery-1", "日本語のパスワード"])
    func postgresAcceptsOurVerifier(_ password: String) async throws {
        try await withLab { site in
            let access = try site.access()
            let node = try #require(access.inventory.primary)
            let ours = try SCRAMVerifier.make(password: Secret(password))
            try await access.withSuperuser(on: node) { try await $0.execute("CREATE ROLE alice LOGIN PASSWORD \(try SQLQuote.literal(ours.text))") }
            let login = ConnectionTarget(host: node.host, port: node.port, user: "alice", password: Secret(password), database: "postgres", sslMode: .disable)
            let user = try await PostgresSession.with(login) { try await $0.value("SELECT current_user") }
            #expect(user == "alice")
            let wrong = ConnectionTarget(host: node.host, port: node.port, user: "alice", password: Secret(password + "x"), database: "postgres", sslMode: .disable)
            let refused = await #expect(throws: PostgresError.self) { try await PostgresSession.with(wrong) { _ in () } }
            #expect(refused?.kind == .badPassword)
        }
    }
}
