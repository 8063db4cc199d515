import Testing
@testable import WardenCore

/// The server's matching rules (PostgreSQL 15 `hba.c`: `check_db`, `check_role`,
/// `is_member`, `next_token`; 16 for `/regex`), one rule per test, with plain values.
/// The same rules are proven against a real PostgreSQL 15 by HBADifferentialTests; the 16
/// branches (regular expressions) only here.
@Suite("pg_hba.conf: the server's rules for names, groups, versions and masks")
struct HBAServerRulesTests {
    static let pg15 = try! PostgresVersionTraits(major: 15)
    static let pg16 = try! PostgresVersionTraits(major: 16)
    static let client = IPAddress("127.0.0.1")!

    static func line(_ text: String, _ attempt: HBAConnectionAttempt, version: PostgresVersionTraits? = pg15) throws -> Int? {
        switch HBAEvaluator(file: try HBAFile(parsing: text), version: version).evaluate(attempt) {
        case .matched(let numbered): return numbered.line
        case .noEntry: return nil
        case .undecidable(let line, _): return -line
        }
    }

    static func tcp(_ role: String, _ database: String = "QSR", memberships: Set<String> = [], exists: Bool = true) -> HBAConnectionAttempt {
        HBAConnectionAttempt(transport: .tcpPlain, clientAddress: client, target: .database(database), role: role,
                             memberships: memberships, roleExists: exists)
    }

    // MARK: Memberships

    /// Issue 12's reproduction: `+grp` on line 6 takes a direct member (m1) and a member
    /// through a sub-group (m2); pgwarden used to name line 17.
    @Test("+group matches direct and indirect members, and the group itself")
    func plusGroup() throws {
        let text = String(repeating: "# filler\n", count: 5) + "host QSR +grp 127.0.0.1/32 md5\n"
            + String(repeating: "# filler\n", count: 10) + "host all all 127.0.0.1/32 scram-sha-256\n"
        #expect(try Self.line(text, Self.tcp("m1", memberships: ["grp"])) == 6)
        #expect(try Self.line(text, Self.tcp("m2", memberships: ["sub", "grp"])) == 6)
        #expect(try Self.line(text, Self.tcp("grp")) == 6, "a role is a member of itself")
        #expect(try Self.line(text, Self.tcp("outsider")) == 17)
        #expect(try Self.line(text, Self.tcp("grp", exists: false)) == 17, "a role that does not exist is a member of nothing")
    }

    @Test("superuser status is no membership: only the closure of pg_auth_members counts")
    func superusersAreNotMembers() throws {
        // What the audit collects for a superuser that was granted nothing: no memberships.
        let text = "host all +admins 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 reject\n"
        #expect(try Self.line(text, Self.tcp("postgres", memberships: [])) == 2)
    }

    @Test("samerole and samegroup: a database named like a role the user is a member of")
    func sameRole() throws {
        let text = "host samerole all 127.0.0.1/32 md5\nhost samegroup all 127.0.0.1/32 trust\nhost \"samerole\" all 127.0.0.1/32 password\n"
        #expect(try Self.line(text, Self.tcp("m2", "grp", memberships: ["sub", "grp"])) == 1)
        #expect(try Self.line(text, Self.tcp("m2", "m2")) == 1, "the user's own name counts")
        #expect(try Self.line(text, Self.tcp("m2", "other", memberships: ["grp"])) == nil)
        #expect(try Self.line(text, Self.tcp("x", "samerole")) == 3, "quoted, it is a database name")
        #expect(try Self.line("host samegroup all 127.0.0.1/32 md5\n", Self.tcp("m1", "grp", memberships: ["grp"])) == 1)
    }

    @Test("sameuser compares names byte for byte, and needs no role to exist")
    func sameUser() throws {
        let text = "host sameuser all 127.0.0.1/32 md5\nhost \"sameuser\" all 127.0.0.1/32 trust\n"
        #expect(try Self.line(text, Self.tcp("ghost", "ghost", exists: false)) == 1)
        #expect(try Self.line(text, Self.tcp("ghost", "Ghost")) == nil)
        #expect(try Self.line(text, Self.tcp("u", "sameuser")) == 2)
    }

    // MARK: Quoting

    @Test("\"+grp\" is a role named +grp; +\"grp\" is membership in grp")
    func quotedPlus() throws {
        let quoted = "host all \"+grp\" 127.0.0.1/32 md5\n"
        #expect(try Self.line(quoted, Self.tcp("m1", memberships: ["grp"])) == nil)
        #expect(try Self.line(quoted, Self.tcp("+grp")) == 1)
        let inner = "host all +\"grp\" 127.0.0.1/32 md5\n"
        #expect(try Self.line(inner, Self.tcp("m1", memberships: ["grp"])) == 1)
        #expect(try Self.line(inner, Self.tcp("+grp")) == nil)
    }

    @Test("quoted keywords are names: \"all\", \"replication\"")
    func quotedKeywords() throws {
        let text = "host \"all\" all 127.0.0.1/32 md5\nhost all \"all\" 127.0.0.1/32 trust\nhost \"replication\" all 127.0.0.1/32 password\n"
        #expect(try Self.line(text, Self.tcp("u", "all")) == 1)
        #expect(try Self.line(text, Self.tcp("u", "d")) == nil)
        #expect(try Self.line(text, Self.tcp("all", "d")) == 2)
        let walsender = HBAConnectionAttempt(transport: .tcpPlain, clientAddress: Self.client, target: .physicalReplication, role: "u")
        #expect(try Self.line(text, walsender) == nil, "a physical walsender matches only the unquoted replication keyword")
        #expect(try Self.line(text, Self.tcp("u", "replication")) == 3, "a database named replication")
    }

    // MARK: Versions

    @Test("/regex entries are names on PostgreSQL 15 and regular expressions from 16")
    func regexByVersion() throws {
        let users = "host all /^rx 127.0.0.1/32 md5\nhost all all 127.0.0.1/32 reject\n"
        #expect(try Self.line(users, Self.tcp("/^rx"), version: Self.pg15) == 1)
        #expect(try Self.line(users, Self.tcp("rx1"), version: Self.pg15) == 2)
        #expect(try Self.line(users, Self.tcp("/^rx"), version: Self.pg16) == 2)
        #expect(try Self.line(users, Self.tcp("rx1"), version: Self.pg16) == 1)
        #expect(try Self.line(users, Self.tcp("rx1"), version: nil) == -1, "unknown version: the readings differ")
        #expect(try Self.line(users, Self.tcp("zz"), version: nil) == 2, "unknown version: both readings say no")
        let databases = "host \"/^app\" all 127.0.0.1/32 md5\n"
        #expect(try Self.line(databases, Self.tcp("u", "app1"), version: Self.pg15) == nil)
        #expect(try Self.line(databases, Self.tcp("u", "/^app"), version: Self.pg15) == 1)
        #expect(try Self.line(databases, Self.tcp("u", "app1"), version: Self.pg16) == 1, "16 compiles quoted /… too")
    }

    /// Cases transcribed from PostgreSQL 16's src/test/authentication/t/001_password.pl
    /// (regex user and database entries), not provable on this machine's PostgreSQL 15.
    @Test("PostgreSQL 16 regular expressions (from the server's own authentication tests)")
    func regexCasesFromPostgres16() throws {
        let text = "local all /^.*nomatch.*$, baduser, /^md5.*$ password\nlocal /^.*nomatch.*$, baddb, /^regex_testdb$ all password\nlocal all all reject\n"
        func local(_ role: String, _ database: String) -> HBAConnectionAttempt { .local(to: .database(database), as: role) }
        #expect(try Self.line(text, local("md5_role", "postgres"), version: Self.pg16) == 1)
        #expect(try Self.line(text, local("scram_role", "regex_testdb"), version: Self.pg16) == 2)
        #expect(try Self.line(text, local("scram_role", "postgres"), version: Self.pg16) == 3)
    }

    // MARK: Addresses and lines

    @Test("host bits in a CIDR are masked away; a mask with holes applies bit by bit")
    func masks() throws {
        let text = "host all all 10.0.4.17/24 md5\nhost all all 10.7.0.9 255.0.255.0 trust\n"
        func from(_ address: String) -> HBAConnectionAttempt {
            HBAConnectionAttempt(transport: .tcpSSL, clientAddress: IPAddress(address)!, target: .database("d"), role: "u")
        }
        #expect(try Self.line(text, from("10.0.4.200")) == 1)
        #expect(try Self.line(text, from("10.99.0.1")) == 2)
        #expect(try Self.line(text, from("10.7.1.9")) == nil)
    }

    @Test("a comment line ending in a backslash swallows the next line (PostgreSQL 14 and later)")
    func commentContinuation() throws {
        let text = "# comment \\\nhost all all 127.0.0.1/32 trust\nhost all \\\nall 127.0.0.1/32 md5\n"
        #expect(try Self.line(text, Self.tcp("u")) == 3, "a continued record is numbered by its first line")
    }
}
