import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - No password-equivalent in the server's logs

/// An md5 verifier is the password as far as md5 logins go, and a SCRAM verifier lets
/// anyone who reads it test guesses offline: neither may reach the server log or
/// pg_stat_statements, whatever the server is told to log.
@Suite("No verifier in the server's logs", .serialized)
struct VerifierLoggingTests {
    static let appPassword = Secret("app-password-at-first")

    /// The server logs everything it can (every statement, every duration, every sampled
    /// transaction, the statement of every message down to debug5, pg_stat_statements with
    /// utility statements). Through the CLI: `apply --only auth` and `undo`, `password rotate`
    /// and `undo`, `password set` of the superuser and `undo`; then two ALTER ROLEs that fail
    /// — a `password set` that meets a lock (lock_timeout) and whose put-back fails the same
    /// way, and a verifier session's ALTER of a role that does not exist. Afterwards neither
    /// the whole server log nor pg_stat_statements holds an md5 verifier, a SCRAM verifier or
    /// any password of the lab, while the log shows that logging was on and the ALTERs failed.
    @Test func noVerifierReachesTheLogs() async throws {
        try await withLab { site in
            let admin = LabAdmin(site: site)
            let common = ["--inventory", site.inventoryPath]
            try await Self.logEverything(admin)
            try await admin.createMD5Role("app", password: Self.appPassword)
            #expect(try await ConnstrCLITests.run(["key", "init"] + common).status == 0)
            var passwords = [try admin.password(LabSite.superuser), try admin.password(LabSite.repositoryRole), Self.appPassword]
            let verifiersBefore = try await admin.verifiers()

            // apply --only auth (md5 → SCRAM), then undo (SCRAM → md5, rebuilt).
            try await Self.expectSuccess(["apply", "--only", "auth"] + common)
            try await Self.expectSuccess(["undo"] + common)
            #expect(try await admin.verifiers() == verifiersBefore)

            // password rotate, then undo.
            try await Self.expectSuccess(["password", "rotate", LabSite.repositoryRole, "--generate"] + common)
            passwords.append(try admin.password(LabSite.repositoryRole))
            try await Self.expectSuccess(["undo"] + common)

            // password set (the superuser: undo rebuilds its md5 verifier), then undo.
            let newSuperuser = "the-new-superuser-password"
            passwords.append(Secret(newSuperuser))
            try await Self.expectSuccess(["password", "set", LabSite.superuser, "--password-stdin"] + common, stdin: newSuperuser + "\n")
            try await Self.expectSuccess(["undo"] + common)
            #expect(try await admin.verifiers() == verifiersBefore, "every undo put the md5 verifiers back")

            // A failing ALTER ROLE: another session holds app's row; pgwarden's sessions give up
            // after 300 ms. The set fails, and so does putting the old verifier back.
            let blocked = "a-password-that-never-lands"
            passwords.append(Secret(blocked))
            try await admin.sql(["ALTER ROLE \(LabSite.superuser) SET lock_timeout = '300ms'"])
            let holder = try await PostgresSession.connect(try admin.target())
            try await holder.execute("BEGIN")
            try await holder.execute("ALTER ROLE app CONNECTION LIMIT 7")
            let failed = try await ConnstrCLITests.run(["password", "set", "app", "--password-stdin"] + common, stdin: blocked + "\n")
            try await holder.execute("ROLLBACK")
            await holder.close()
            try await admin.sql(["ALTER ROLE \(LabSite.superuser) RESET lock_timeout"])
            #expect(failed.status != 0, "\(failed.standardOutput)\n\(failed.standardError)")
            #expect(try await admin.verifiers()["app"] == verifiersBefore["app"], "app keeps its verifier")

            // A verifier session whose ALTER fails at once: the role does not exist.
            let access = try site.access()
            let ghost = try await access.verifierSession(on: try access.node("db1"))
            await #expect(throws: PostgresError.self) {
                try await ghost.execute("ALTER ROLE ghost PASSWORD \(try SQLQuote.literal(MD5Verifier(password: Self.appPassword, role: "ghost").text))")
            }
            await ghost.close()

            let log = admin.serverLog
            // PostgresNIO uses the extended protocol: log_statement logs `execute <unnamed>: …`,
            // log_min_duration_statement `duration: … parse|bind|execute <unnamed>: …`.
            #expect(log.contains("LOG:  execute <unnamed>: "), "log_statement = all was in force")
            #expect(log.contains("LOG:  duration: "), "log_min_duration_statement = 0 was in force")
            #expect(log.contains("lock timeout"), "the blocked ALTER ROLE failed on the server")
            #expect(log.contains("role \"ghost\" does not exist"), "the ALTER of a missing role failed on the server")
            let statements = try await admin.rows("SELECT query FROM pg_stat_statements").compactMap { $0.first ?? nil }
            #expect(statements.contains { $0.contains("pg_stat_statements") || $0.contains("set_config") }, "pg_stat_statements records statements")
            for (name, text) in [("the server log", log), ("pg_stat_statements", statements.joined(separator: "\n"))] {
                #expect(text.firstMatch(of: /md5[0-9a-f]{32}/) == nil, "an md5 verifier in \(name)")
                #expect(!text.contains("SCRAM-SHA-256$"), "a SCRAM verifier in \(name)")
                #expect(!text.contains("PASSWORD '"), "a PASSWORD literal in \(name)")
                for password in passwords { #expect(!text.contains(password.revealed), "a lab password in \(name)") }
            }
        }
    }

    // MARK: Helpers

    /// Everything that can log a statement, on: the server log and pg_stat_statements
    /// (preloaded, so a restart).
    static func logEverything(_ admin: LabAdmin) async throws {
        try await admin.sql([
            "ALTER SYSTEM SET log_statement = 'all'",
            "ALTER SYSTEM SET log_min_duration_statement = 0",
            "ALTER SYSTEM SET log_min_error_statement = 'debug5'",
            "ALTER SYSTEM SET log_transaction_sample_rate = 1",
            "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'",
        ])
        try await admin.restart()
        try await admin.sql(["CREATE EXTENSION IF NOT EXISTS pg_stat_statements"])
    }

    static func expectSuccess(_ arguments: [String], stdin: String? = nil) async throws {
        let result = try await ConnstrCLITests.run(arguments, stdin: stdin)
        #expect(result.status == 0, "\(arguments.prefix(3).joined(separator: " ")): \(result.standardOutput)\n\(result.standardError)")
    }
}
