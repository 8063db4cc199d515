import Testing
@testable import WardenCore

@Suite("pg_hba.conf: editing")
struct HBAFileEditingTests {
    /// Lines split on `\n` (terminators kept out), to compare before and after.
    static func lines(_ text: String) -> [String] {
        // Split bytes, not Characters: "\r\n" is a single Character.
        Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    static func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    static let hostsslAll = HBARule(connectionType: .hostssl, databases: [.all], users: [.all], address: .all, method: .scramSHA256)

    // MARK: Method

    @Test("md5 → scram-sha-256 changes only that token, on CRLF too")
    func setMethodChangesOneToken() throws {
        let original = HBAFixtures.debian.replacing("scram-sha-256", with: "md5")
        for text in [original, HBAFixtures.crlf(original)] {
            var file = try HBAFile(parsing: text)
            try file.setMethod(.scramSHA256, forRuleAtLine: 34)
            var expected = Self.lines(text)
            expected[33] = expected[33].replacing("md5", with: "scram-sha-256")
            #expect(Self.lines(file.render()) == expected)
            #expect(file.rule(atLine: 34)?.method == .scramSHA256)
            #expect(file.rule(atLine: 36)?.method == .md5)
        }
    }

    @Test("a trailing comment keeps its column when the method's width changes")
    func setMethodKeepsCommentColumn() throws {
        var spaced = try HBAFile(parsing: "host all all 10.0.0.0/8 scram-sha-256  # new\nlocal all all peer\n")
        try spaced.setMethod(.md5, forRuleAtLine: 1)
        #expect(spaced.render() == "host all all 10.0.0.0/8 md5" + Self.spaces(12) + "# new\nlocal all all peer\n")

        var tabbed = try HBAFile(parsing: HBAFixtures.tabAligned)
        try tabbed.setMethod(.scramSHA256, forRuleAtLine: 3)
        #expect(Self.lines(tabbed.render())[2] == "host\tall\tall\t127.0.0.1/32\tscram-sha-256\t# loopback")
        // The comment was pushed to column 56; shrinking the method keeps it there.
        try tabbed.setMethod(.md5, forRuleAtLine: 3)
        #expect(Self.lines(tabbed.render())[2] == "host\tall\tall\t127.0.0.1/32\tmd5\t\t# loopback")
    }

    @Test("options are replaced when given, kept when not")
    func setMethodOptions() throws {
        var file = try HBAFile(parsing: "hostssl all all all md5 clientcert=verify-ca # c\n")
        try file.setMethod(.scramSHA256, forRuleAtLine: 1)
        #expect(file.render() == "hostssl all all all scram-sha-256 clientcert=verify-ca # c\n")
        // The comment now starts at display column 55; it stays there.
        try file.setMethod(.cert, options: [HBARule.Option(name: "map", value: "ops team")], forRuleAtLine: 1)
        let withMap = "hostssl all all all cert map=\"ops team\""
        #expect(file.render() == withMap + Self.spaces(55 - withMap.count) + "# c\n")
        #expect(file.rule(atLine: 1)?.options == [HBARule.Option(name: "map", value: "ops team")])
        try file.setMethod(.scramSHA256, options: [], forRuleAtLine: 1)
        let bare = "hostssl all all all scram-sha-256"
        #expect(file.render() == bare + Self.spaces(55 - bare.count) + "# c\n")
    }

    @Test("a method the line cannot take is refused and nothing changes")
    func setMethodRefused() throws {
        let original = try HBAFile(parsing: HBAFixtures.debian)
        var file = original
        let peer = #expect(throws: CoreError.self) { try file.setMethod(.peer, forRuleAtLine: 34) }
        #expect(peer?.kind == .invalid)
        let comment = #expect(throws: CoreError.self) { try file.setMethod(.md5, forRuleAtLine: 33) }
        #expect(comment?.kind == .notFound)
        #expect(throws: CoreError.self) { try file.setMethod(.md5, forRuleAtLine: 999) }
        #expect(file == original)
    }

    // MARK: Disable

    @Test("disabling writes a marker line and comments the record out; nothing else moves")
    func disable() throws {
        var file = try HBAFile(parsing: HBAFixtures.debian)
        try file.disableRule(atLine: 34, reason: "plan 7:\nreplaced by hostssl \\")
        var expected = Self.lines(HBAFixtures.debian)
        expected[33] = "# " + expected[33]
        expected.insert("# pgwarden: disabled: plan 7: replaced by hostssl", at: 33)
        #expect(Self.lines(file.render()) == expected)
        #expect(file.rules.map(\.line) == [27, 32, 37, 40, 41, 42])

        var crlf = try HBAFile(parsing: "local all all peer\r\nhost all all all md5\r\n")
        try crlf.disableRule(atLine: 2)
        #expect(crlf.render() == "local all all peer\r\n# pgwarden: disabled\r\n# host all all all md5\r\n")
    }

    @Test("disabling a continued record comments every physical line of it")
    func disableContinued() throws {
        var file = try HBAFile(parsing: "host all all \\\n  10.0.0.0/8 md5\nlocal all all peer")
        try file.disableRule(atLine: 1)
        #expect(file.render() == "# pgwarden: disabled\n# host all all \\\n#   10.0.0.0/8 md5\nlocal all all peer")
        #expect(file.rules.map(\.line) == [4])
    }

    // MARK: Insert

    @Test("insert at the top goes before the first record, in the file's columns")
    func insertTop() throws {
        var file = try HBAFile(parsing: HBAFixtures.debian)
        try file.insert(Self.hostsslAll, at: .top)
        let line = "hostssl all" + Self.spaces(13) + "all" + Self.spaces(13) + "all" + Self.spaces(21) + "scram-sha-256"
        var expected = Self.lines(HBAFixtures.debian)
        expected.insert(line, at: 26)
        #expect(Self.lines(file.render()) == expected)
        #expect(file.rules.first == HBAFile.NumberedRule(line: 27, rule: Self.hostsslAll))
    }

    @Test("insert learns tab alignment and CRLF from the file")
    func insertTabsAndCRLF() throws {
        let text = HBAFixtures.crlf(HBAFixtures.tabAligned)
        var file = try HBAFile(parsing: text)
        try file.insert(HBARule(parsing: "hostssl all all all md5"), at: .after(line: 1))
        #expect(file.render() == text.replacing(
            "# site rules\r\n", with: "# site rules\r\nhostssl\tall\tall\tall\t\tmd5\r\n"))
    }

    @Test("insert before, after (past continuation lines) and at the end")
    func insertPositions() throws {
        var file = try HBAFile(parsing: "host all all \\\n  10.0.0.0/8 md5\nlocal all all peer")
        let rule = try HBARule(parsing: "local db u trust")
        try file.insert(rule, at: .after(line: 1))
        #expect(Self.lines(file.render())[2].hasPrefix("local"))
        #expect(file.rules.map(\.line) == [1, 3, 4])
        try file.insert(rule, at: .end)
        #expect(file.render().hasSuffix("local all all peer\nlocal db  u   trust"), "columns learned from the one-line record")
        try file.insert(rule, at: .before(line: 1))
        #expect(file.rules.map(\.line) == [1, 2, 4, 5, 6])
        #expect(throws: CoreError.self) { try file.insert(rule, at: .before(line: 3)) }
    }

    @Test("insert into an empty file or one with only comments uses the sample layout")
    func insertIntoEmpty() throws {
        var file = try HBAFile(parsing: "")
        try file.insert(HBARule(parsing: "host replication replicator 0.0.0.0/0 md5"), at: .top)
        #expect(file.render() == "host    replication     replicator      0.0.0.0/0               md5\n")
        var commented = try HBAFile(parsing: "# only a comment\n")
        try commented.insert(HBARule(parsing: "local all all peer"), at: .top)
        #expect(commented.rules.map(\.line) == [2])
    }

    @Test("names are quoted when needed; rules the server would read differently are refused")
    func insertQuotingAndRefusals() throws {
        var file = try HBAFile(parsing: "")
        let named = HBARule(
            connectionType: .hostssl, databases: [.name("all"), .name("my db")], users: [.member(of: "ops team")],
            address: .range(try HBATestValues.range("10.0.0.1", mask: "255.0.255.0")),
            method: .scramSHA256)
        try file.insert(named, at: .end)
        #expect(file.rules.first?.rule == named)
        #expect(file.render().contains(#""all","my db""#))
        #expect(file.render().contains(#"+"ops team""#))
        #expect(file.render().contains("10.0.0.1 255.0.255.0"))

        let refused: [HBARule] = [
            HBARule(connectionType: .local, databases: [.all], users: [.all], address: .all, method: .peer),
            HBARule(connectionType: .host, databases: [.all], users: [.all], address: nil, method: .md5),
            HBARule(connectionType: .host, databases: [.all], users: [.all], address: .all, method: .peer),
            HBARule(connectionType: .host, databases: [.name("/x")], users: [.all], address: .all, method: .md5),
            HBARule(connectionType: .host, databases: [.name("a\nb")], users: [.all], address: .all, method: .md5),
            HBARule(connectionType: .host, databases: [], users: [.all], address: .all, method: .md5),
        ]
        for rule in refused {
            let before = file
            let error = #expect(throws: CoreError.self) { try file.insert(rule, at: .top) }
            #expect(error?.kind == .invalid)
            #expect(file == before)
        }
    }

    @Test("an insert that a trailing backslash would swallow is refused")
    func insertAfterDanglingContinuation() throws {
        var file = try HBAFile(parsing: "local all all peer \\\n")
        let error = #expect(throws: CoreError.self) { try file.insert(HBARule(parsing: "local all all trust"), at: .end) }
        #expect(error?.kind == .invalid)
        #expect(file.render() == "local all all peer \\\n")
    }

    // MARK: Replace

    @Test("replace rewrites the record's line(s) in the file's columns and keeps its line break")
    func replace() throws {
        var file = try HBAFile(parsing: HBAFixtures.crlf(HBAFixtures.debian))
        try file.replaceRule(atLine: 41, with: HBARule(parsing: "hostssl replication replicator 10.0.0.0/8 scram-sha-256"))
        var expected = Self.lines(HBAFixtures.crlf(HBAFixtures.debian))
        expected[40] = "hostssl replication     replicator      10.0.0.0/8              scram-sha-256\r"
        #expect(Self.lines(file.render()) == expected)

        var continued = try HBAFile(parsing: "host all all \\\n  10.0.0.0/8 md5\nlocal all all peer\n")
        try continued.replaceRule(atLine: 1, with: HBARule(parsing: "local all all peer"))
        #expect(continued.rules.map(\.line) == [1, 2])
        #expect(throws: CoreError.self) { try continued.replaceRule(atLine: 9, with: Self.hostsslAll) }
    }
}
