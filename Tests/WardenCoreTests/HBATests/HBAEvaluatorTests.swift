import Testing
@testable import WardenCore

@Suite("pg_hba.conf: which record a connection gets")
struct HBAEvaluatorTests {
    static let site = """
    # central node
    local   all             postgres                                peer
    local   all             all                                     scram-sha-256
    hostssl QSR,QSMQ        qliksenserepository     10.0.0.0/8      scram-sha-256
    hostnossl all           all                     10.0.0.0/8      reject
    host    replication     replicator              10.0.0.0/8      scram-sha-256
    host    "all"           all                     127.0.0.1/32    trust
    host    all             +admins                 127.0.0.1/32    md5
    host    samerole        all                     ::1/128         md5
    host    sameuser        all                     ::1/128         password
    host    all             all     192.168.0.0     255.255.0.0     scram-sha-256

    """

    static func ip(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    static func decide(
        _ attempt: HBAConnectionAttempt, in text: String = site, interfaces: [IPAddressRange]? = nil,
        version: PostgresVersionTraits? = try? PostgresVersionTraits(major: 16)
    ) throws -> HBAEvaluator.Decision {
        HBAEvaluator(file: try HBAFile(parsing: text), serverInterfaces: interfaces, version: version).evaluate(attempt)
    }

    static func line(_ decision: HBAEvaluator.Decision) -> Int? {
        if case .matched(let numbered) = decision { return numbered.line }
        return nil
    }

    // MARK: First match wins

    @Test("local socket: the first matching record wins")
    func local() throws {
        #expect(Self.line(try Self.decide(.local(to: .database("QSR"), as: "postgres"))) == 2)
        let other = try Self.decide(.local(to: .database("QSR"), as: "qliksenserepository"))
        #expect(Self.line(other) == 3)
        if case .matched(let numbered) = other { #expect(numbered.rule.method == .scramSHA256) }
    }

    @Test("hostssl, hostnossl and host pick by SSL")
    func sslOrNot() throws {
        let client = try Self.ip("10.1.2.3")
        #expect(Self.line(try Self.decide(.tcp(from: client, ssl: true, to: .database("QSR"), as: "qliksenserepository"))) == 4)
        let plain = try Self.decide(.tcp(from: client, ssl: false, to: .database("QSR"), as: "qliksenserepository"))
        #expect(Self.line(plain) == 5)
        if case .matched(let numbered) = plain { #expect(numbered.rule.method == .reject) }
        #expect(try Self.decide(.tcp(from: client, ssl: true, to: .database("Other"), as: "someone")) == .noEntry)
        #expect(try Self.decide(.tcp(from: client, ssl: true, to: .database("qsr"), as: "qliksenserepository")) == .noEntry,
                "database names compare case-sensitively")
        let gss = HBAConnectionAttempt(transport: .tcpGSSEncrypted, clientAddress: client, target: .database("x"), role: "y")
        #expect(Self.line(try Self.decide(gss)) == 5, "hostnossl admits GSSAPI-encrypted connections")
    }

    @Test("physical replication matches only the replication keyword, never all")
    func replication() throws {
        let standby = try Self.ip("10.9.9.9")
        #expect(Self.line(try Self.decide(.tcp(from: standby, ssl: true, to: .physicalReplication, as: "replicator"))) == 6)
        #expect(try Self.decide(.tcp(from: Self.ip("127.0.0.1"), ssl: false, to: .physicalReplication, as: "replicator")) == .noEntry)
        #expect(try Self.decide(.tcp(from: standby, ssl: true, to: .database("replication"), as: "replicator")) == .noEntry,
                "a database named replication is not a replication connection")
        let quoted = "host \"replication\" all all md5\nhost replication all all trust\n"
        #expect(Self.line(try Self.decide(.tcp(from: standby, ssl: false, to: .database("replication"), as: "x"), in: quoted)) == 1)
        #expect(Self.line(try Self.decide(.tcp(from: standby, ssl: false, to: .physicalReplication, as: "x"), in: quoted)) == 2)
    }

    @Test("a quoted \"all\" matches only the database named all")
    func quotedAll() throws {
        let loopback = try Self.ip("127.0.0.1")
        #expect(Self.line(try Self.decide(.tcp(from: loopback, ssl: false, to: .database("all"), as: "carol"))) == 7)
        #expect(try Self.decide(.tcp(from: loopback, ssl: false, to: .database("QSR"), as: "carol")) == .noEntry)
    }

    @Test("+group matches members and the group itself; samerole and sameuser")
    func membership() throws {
        let loopback = try Self.ip("127.0.0.1")
        #expect(Self.line(try Self.decide(.tcp(from: loopback, ssl: false, to: .database("QSR"), as: "bob", memberships: ["admins"]))) == 8)
        #expect(Self.line(try Self.decide(.tcp(from: loopback, ssl: false, to: .database("QSR"), as: "admins"))) == 8)
        let six = try Self.ip("::1")
        #expect(Self.line(try Self.decide(.tcp(from: six, ssl: true, to: .database("admins"), as: "bob", memberships: ["admins"]))) == 9)
        #expect(Self.line(try Self.decide(.tcp(from: six, ssl: true, to: .database("carol"), as: "carol"))) == 9,
                "a role is a member of itself, so samerole comes first")
        let sameUser = "host sameuser all ::1/128 password\n"
        #expect(Self.line(try Self.decide(.tcp(from: six, ssl: true, to: .database("carol"), as: "carol"), in: sameUser)) == 1)
        #expect(try Self.decide(.tcp(from: six, ssl: true, to: .database("x"), as: "y")) == .noEntry)
    }

    @Test("IPv4 and IPv6 are separate: ::1 is not 127.0.0.1, ::ffff:127.0.0.1 matches no IPv4 range")
    func addressFamilies() throws {
        #expect(try Self.decide(.tcp(from: Self.ip("::1"), ssl: false, to: .database("all"), as: "x")) == .noEntry)
        #expect(try Self.decide(.tcp(from: Self.ip("::ffff:127.0.0.1"), ssl: false, to: .database("all"), as: "x")) == .noEntry)
        let mapped = "host all all ::ffff:127.0.0.0/104 md5\n"
        #expect(Self.line(try Self.decide(.tcp(from: Self.ip("::ffff:127.0.0.1"), ssl: false, to: .database("d"), as: "x"), in: mapped)) == 1)
    }

    @Test("masks: CIDR and a separate netmask column")
    func masks() throws {
        #expect(Self.line(try Self.decide(.tcp(from: Self.ip("192.168.77.1"), ssl: true, to: .database("d"), as: "u"))) == 11)
        #expect(try Self.decide(.tcp(from: Self.ip("192.169.0.1"), ssl: true, to: .database("d"), as: "u")) == .noEntry)
        let holes = "host all all 10.0.0.7 255.0.0.255 md5\n"
        #expect(Self.line(try Self.decide(.tcp(from: Self.ip("10.200.3.7"), ssl: true, to: .database("d"), as: "u"), in: holes)) == 1)
        #expect(try Self.decide(.tcp(from: Self.ip("10.200.3.8"), ssl: true, to: .database("d"), as: "u"), in: holes) == .noEntry)
    }

    @Test("names compare byte for byte, not by Unicode equivalence")
    func bytewiseNames() throws {
        let decomposed = "local all e\u{301}mile peer\n"
        #expect(try Self.decide(.local(to: .database("d"), as: "\u{E9}mile"), in: decomposed) == .noEntry)
        #expect(Self.line(try Self.decide(.local(to: .database("d"), as: "e\u{301}mile"), in: decomposed)) == 1)
    }

    // MARK: Undecidable, never guessed

    @Test("samehost and samenet need the server's interfaces")
    func sameHostAndNet() throws {
        let text = "host all all samehost md5\nhost all all samenet trust\nhost all all all reject\n"
        let attempt = HBAConnectionAttempt.tcp(from: try Self.ip("10.0.0.5"), ssl: false, to: .database("d"), as: "u")
        #expect(try Self.decide(attempt, in: text) == .undecidable(line: 1, reason: "samehost needs the server's own addresses"))
        let here = try #require(IPAddressRange(address: Self.ip("10.0.0.5"), prefixLength: 24))
        let neighbour = try #require(IPAddressRange(address: Self.ip("10.0.0.6"), prefixLength: 24))
        let elsewhere = try #require(IPAddressRange(address: Self.ip("10.9.0.6"), prefixLength: 24))
        #expect(Self.line(try Self.decide(attempt, in: text, interfaces: [here])) == 1)
        #expect(Self.line(try Self.decide(attempt, in: text, interfaces: [neighbour])) == 2)
        #expect(Self.line(try Self.decide(attempt, in: text, interfaces: [elsewhere])) == 3)
    }

    @Test("host names need the client's verified name; a suffix starts with a dot")
    func hostNames() throws {
        let text = "host all all .example.com md5\nlocal all all peer\n"
        var attempt = HBAConnectionAttempt.tcp(from: try Self.ip("10.0.0.5"), ssl: false, to: .database("d"), as: "u")
        guard case .undecidable(line: 1, _) = try Self.decide(attempt, in: text) else {
            Issue.record("expected undecidable")
            return
        }
        attempt.clientHostName = .verified("db1.EXAMPLE.com")
        #expect(Self.line(try Self.decide(attempt, in: text)) == 1)
        attempt.clientHostName = .verified("example.com")
        #expect(try Self.decide(attempt, in: text) == .noEntry)
        attempt.clientHostName = .unresolved
        #expect(try Self.decide(attempt, in: text) == .noEntry)
        #expect(Self.line(try Self.decide(.local(to: .database("d"), as: "u"), in: text)) == 2,
                "a record for another transport is a definite no, whatever else it says")
    }

    @Test("include directives and @file lists are undecidable unless another entry decides")
    func inclusions() throws {
        let local = HBAConnectionAttempt.local(to: .database("postgres"), as: "u")
        guard case .undecidable(line: 1, _) = try Self.decide(local, in: "include rules.conf\nlocal all all peer\n") else {
            Issue.record("expected undecidable")
            return
        }
        guard case .undecidable(line: 1, _) = try Self.decide(local, in: "local @dbs all peer\nlocal all all md5\n") else {
            Issue.record("expected undecidable")
            return
        }
        #expect(Self.line(try Self.decide(local, in: "local @dbs,postgres all peer\n")) == 1)
        #expect(try Self.decide(local, in: "local other @users peer\n") == .noEntry)
    }

    @Test("regular expressions in a portable syntax are decided; others are not")
    func regexes() throws {
        let text = "local /^app_[a-z]+$ all md5\nlocal all /^(svc|ops)_ trust\nlocal all all reject\n"
        #expect(Self.line(try Self.decide(.local(to: .database("app_sales"), as: "x"), in: text)) == 1)
        #expect(Self.line(try Self.decide(.local(to: .database("app_Sales"), as: "svc_a"), in: text)) == 2)
        #expect(Self.line(try Self.decide(.local(to: .database("xapp_"), as: "x"), in: text)) == 3)
        let escaped = "local /\\d+ all md5\nlocal all all reject\n"
        guard case .undecidable(line: 1, _) = try Self.decide(.local(to: .database("db1"), as: "x"), in: escaped) else {
            Issue.record("expected undecidable")
            return
        }
    }

    @Test("a TCP attempt without an address is undecidable where the address matters")
    func missingClientAddress() throws {
        let attempt = HBAConnectionAttempt(transport: .tcpSSL, clientAddress: nil, target: .database("d"), role: "u")
        #expect(try Self.decide(attempt, in: "hostssl all all 10.0.0.0/8 md5\n")
            == .undecidable(line: 1, reason: "the client address is not given"))
        #expect(Self.line(try Self.decide(attempt, in: "hostssl all all all md5\n")) == 1)
    }
}
