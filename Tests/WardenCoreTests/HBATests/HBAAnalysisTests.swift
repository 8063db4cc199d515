import Testing
@testable import WardenCore

@Suite("pg_hba.conf: shadowed and duplicate records")
struct HBAAnalysisTests {
    static func unreachable(_ text: String) throws -> [HBAAnalysis.UnreachableRule] {
        HBAAnalysis(file: try HBAFile(parsing: text), version: try PostgresVersionTraits(major: 16)).unreachable
    }

    static func shadowed(_ line: Int, by lines: [Int]) -> HBAAnalysis.UnreachableRule {
        HBAAnalysis.UnreachableRule(line: line, reason: .shadowed(by: lines))
    }

    @Test("after `host all all 0.0.0.0/0 reject`, IPv4 host lines are shadowed, IPv6 and local ones are not")
    func rejectAllShadows() throws {
        let text = """
        host    all all 0.0.0.0/0   reject
        host    all all 10.0.0.0/8  scram-sha-256
        hostssl QSR qliksenserepository 10.1.0.0/16 md5
        host    all all ::1/128     scram-sha-256
        local   all all             peer
        host    all all all         md5
        host    replication all 10.0.0.0/8 md5

        """
        #expect(try Self.unreachable(text) == [Self.shadowed(2, by: [1]), Self.shadowed(3, by: [1])])
    }

    @Test("a narrower earlier record does not shadow a wider later one")
    func narrowerFirst() throws {
        #expect(try Self.unreachable("host all all 10.0.0.0/8 reject\nhost all all 0.0.0.0/0 md5\n").isEmpty)
        #expect(try Self.unreachable("hostssl all all all md5\nhost all all all md5\n").isEmpty)
        #expect(try Self.unreachable("host QSR all all md5\nhost all all all md5\n").isEmpty)
        #expect(try Self.unreachable("host all bob all md5\nhost all all all md5\n").isEmpty)
    }

    @Test("duplicates, however they are spaced; same scope with another method is shadowing")
    func duplicates() throws {
        #expect(try Self.unreachable("host all all 10.0.0.0/8 md5\nhost\tall\tall\t10.0.0.0 255.0.0.0\tmd5 # again\n")
            == [HBAAnalysis.UnreachableRule(line: 2, reason: .duplicate(of: 1))])
        #expect(try Self.unreachable("host all all 10.0.0.0/8 md5\nhost all all 10.0.0.0/8 scram-sha-256\n")
            == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("host a,b all all md5\nhost b,a all all md5\n")
            == [HBAAnalysis.UnreachableRule(line: 2, reason: .duplicate(of: 1))])
    }

    @Test("all does not cover replication; replication covers only replication")
    func replicationIsSeparate() throws {
        #expect(try Self.unreachable("host all all all md5\nhost replication all all md5\n").isEmpty)
        #expect(try Self.unreachable("host replication all all md5\nhost all all all md5\n").isEmpty)
        #expect(try Self.unreachable("host all,replication all all md5\nhost replication,QSR all all md5\n")
            == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("host all all all md5\nhost \"replication\" all all md5\n") == [Self.shadowed(2, by: [1])])
    }

    @Test("hostssl plus hostnossl together shadow a later host record")
    func transportUnion() throws {
        #expect(try Self.unreachable("hostssl all all all md5\nhostnossl all all all reject\nhost all all 10.0.0.0/8 trust\n")
            == [Self.shadowed(3, by: [1, 2])])
        #expect(try Self.unreachable("hostssl all all all md5\nhostnogssenc all all all reject\nhost all all all trust\n").isEmpty,
                "GSSAPI-encrypted connections still reach line 3")
    }

    @Test("users: all covers everyone, +group covers the group's own name, not the reverse")
    func users() throws {
        #expect(try Self.unreachable("local all +dba peer\nlocal all dba md5\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("local all dba peer\nlocal all +dba md5\n").isEmpty)
        #expect(try Self.unreachable("local all /^svc_ peer\nlocal all svc_a,svc_b md5\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("local all /\\w peer\nlocal all svc_a md5\n").isEmpty, "an undecided regex proves nothing")
        let pg15 = HBAAnalysis(file: try HBAFile(parsing: "local all /^svc_ peer\nlocal all svc_a,svc_b md5\n"), version: try PostgresVersionTraits(major: 15))
        #expect(pg15.unreachable.isEmpty, "on PostgreSQL 15 /^svc_ is a role name, which covers no other name")
        #expect(try Self.unreachable("local all @ops peer\nlocal all @ops md5\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("local all @ops peer\nlocal all bob md5\n").isEmpty)
    }

    @Test("databases: sameuser and samerole only cover themselves")
    func databases() throws {
        #expect(try Self.unreachable("local sameuser all peer\nlocal sameuser all md5\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("local sameuser all peer\nlocal bob bob md5\n").isEmpty)
        #expect(try Self.unreachable("local samerole all peer\nlocal sameuser all md5\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("local sameuser all peer\nlocal samerole all md5\n").isEmpty)
        #expect(try Self.unreachable("local samerole all peer\nlocal samegroup all md5\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("local all all peer\nlocal @dbs all md5\n").isEmpty, "the file may list replication")
        #expect(try Self.unreachable("local all,replication all peer\nlocal @dbs all md5\n") == [Self.shadowed(2, by: [1])])
    }

    @Test("addresses: samenet covers samehost; domain suffixes cover their hosts")
    func addresses() throws {
        #expect(try Self.unreachable("host all all samenet md5\nhost all all samehost trust\n") == [Self.shadowed(2, by: [1])])
        #expect(try Self.unreachable("host all all samehost md5\nhost all all samenet trust\n").isEmpty)
        #expect(try Self.unreachable("host all all .example.com md5\nhost all all db.example.com trust\nhost all all .a.example.com trust\n")
            == [Self.shadowed(2, by: [1]), Self.shadowed(3, by: [1])])
        #expect(try Self.unreachable("host all all db.example.com md5\nhost all all .example.com trust\n").isEmpty)
        #expect(try Self.unreachable("host all all 10.0.0.0/8 md5\nhost all all samenet trust\n").isEmpty)
        #expect(try Self.unreachable("host all all 10.0.0.0 255.0.255.0 md5\nhost all all 10.1.0.0/24 trust\nhost all all 10.1.5.0/24 trust\n")
            == [Self.shadowed(2, by: [1])])
    }

    @Test("scopes: transports and address of every record; reject lets nobody in")
    func scopes() throws {
        let analysis = HBAAnalysis(file: try HBAFile(parsing: HBAEvaluatorTests.site))
        #expect(analysis.scopes.count == 10)
        let first = try #require(analysis.scopes.first)
        #expect(first.line == 2 && first.transports == [.localSocket] && first.address == nil && first.letsIn)
        let reject = try #require(analysis.scopes.first { $0.line == 5 })
        #expect(reject.transports == [.tcpPlain, .tcpGSSEncrypted])
        #expect(reject.address == .range(try #require(IPAddressRange(cidr: "10.0.0.0/8"))))
        #expect(!reject.letsIn)
        #expect(analysis.scopes.first { $0.line == 4 }?.transports == [.tcpSSL])
        #expect(analysis.scopes.first { $0.line == 6 }?.transports == [.tcpPlain, .tcpSSL, .tcpGSSEncrypted])
        #expect(analysis.unreachable == [Self.shadowed(10, by: [9])], "sameuser after samerole, same addresses")
    }
}
