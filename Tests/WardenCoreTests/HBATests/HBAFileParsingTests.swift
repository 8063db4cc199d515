import Testing
@testable import WardenCore

@Suite("pg_hba.conf: reading")
struct HBAFileParsingTests {
    static func range(_ text: String) throws -> IPAddressRange {
        try #require(IPAddressRange(cidr: text))
    }

    // MARK: The reference page's lines

    @Test("the vendor page's lines read as written")
    func referenceLines() throws {
        #expect(try HBARule(parsing: "hostssl all all all md5") == HBARule(
            connectionType: .hostssl, databases: [.all], users: [.all], address: .all, method: .md5))
        #expect(try HBARule(parsing: "hostssl all all all scram-sha-256").method == .scramSHA256)
        #expect(try HBARule(parsing: "host replication replicator 0.0.0.0/0 md5") == HBARule(
            connectionType: .host, databases: [.replication], users: [.name("replicator")],
            address: .range(Self.range("0.0.0.0/0")), method: .md5))
    }

    // MARK: Round trip

    @Test("the Debian file renders back byte for byte: LF, CRLF, BOM, no final newline, tabs")
    func roundTrip() throws {
        let texts = [
            HBAFixtures.debian, HBAFixtures.crlf(HBAFixtures.debian), "\u{FEFF}" + HBAFixtures.debian,
            String(HBAFixtures.debian.dropLast()), HBAFixtures.tabAligned, HBAFixtures.crlf(HBAFixtures.tabAligned),
        ]
        for text in texts {
            let file = try HBAFile(parsing: text)
            #expect(file.render() == text)
            #expect(file.bytes == Array(text.utf8))
        }
    }

    @Test("the Debian file's records, with the line numbers the server reports")
    func debianRecords() throws {
        for text in [HBAFixtures.debian, HBAFixtures.crlf(HBAFixtures.debian)] {
            let file = try HBAFile(parsing: text)
            #expect(file.rules.map(\.line) == HBAFixtures.debianRuleLines)
            #expect(file.rules.first?.rule == HBARule(
                connectionType: .local, databases: [.all], users: [.name("postgres")], address: nil, method: .peer))
            #expect(file.rule(atLine: 36) == HBARule(
                connectionType: .host, databases: [.all], users: [.all], address: .range(try Self.range("::1/128")),
                method: .scramSHA256))
            #expect(file.rule(atLine: 35) == nil)
            #expect(file.inclusions.isEmpty)
            #expect(file.minimumServerVersion == nil)
            #expect(file.lines.allSatisfy { !$0.text.utf8.contains(0x0D) })
        }
    }

    // MARK: Tokens

    @Test("a quoted keyword is a name; unquoted keywords keep their meaning")
    func quotedKeywords() throws {
        let rule = try HBARule(parsing: #"host "all",sameuser,samegroup,"replication" "all",+admins all md5"#)
        #expect(rule.databases == [.name("all"), .sameUser, .sameRole, .name("replication")])
        #expect(rule.users == [.name("all"), .member(of: "admins")])
        #expect(try HBARule(parsing: #"host all "+admins" "all" md5"#).users == [.name("+admins")])
        #expect(try HBARule(parsing: #"host all a"ll" all md5"#).users == [.all], "a token is quoted only when it starts with a quote")
        #expect(try HBARule(parsing: #"host all all "all" md5"#).address == .hostName("all"))
    }

    @Test("quotes protect blanks, commas and #, and \"\" is a quote")
    func quoting() throws {
        let rule = try HBARule(parsing: #"host "my db","a,b","x#y","say ""hi""" all all ldap ldapprefix="cn=" ldapsuffix=", dc=example, dc=net""#)
        #expect(rule.databases == [.name("my db"), .name("a,b"), .name("x#y"), .name(#"say "hi""#)])
        #expect(rule.options == [
            HBARule.Option(name: "ldapprefix", value: "cn="),
            HBARule.Option(name: "ldapsuffix", value: ", dc=example, dc=net"),
        ])
    }

    @Test("comma lists: `a,b` and `a, b` are one field; `a ,b` is two")
    func commaLists() throws {
        #expect(try HBARule(parsing: "local a,b u peer").databases == [.name("a"), .name("b")])
        #expect(try HBARule(parsing: "local a, b u peer").databases == [.name("a"), .name("b")])
        #expect(try HBARule(parsing: "local a,,b u peer").databases == [.name("a"), .name("b")])
        #expect(try HBARule(parsing: "local a, b, u all peer").databases == [.name("a"), .name("b"), .name("u")],
                "a trailing comma continues the field past blanks, as in the server")
        let split = try HBARule(parsing: "local a ,b peer")
        #expect(split.databases == [.name("a")])
        #expect(split.users == [.name("b")])
    }

    @Test("@file lists, /regex names and +group are told apart")
    func specialNames() throws {
        let file = try HBAFile(parsing: #"host @dbs.txt,/^app_ @"ops users.txt",+dba,/^svc_ all scram-sha-256"# + "\n")
        let rule = try #require(file.rules.first?.rule)
        #expect(rule.databases == [.file("dbs.txt"), .regex("^app_")])
        #expect(rule.users == [.file("ops users.txt"), .member(of: "dba"), .regex("^svc_")])
        #expect(file.inclusions == [
            HBAFile.Inclusion(kind: .nameList, path: "dbs.txt", line: 1),
            HBAFile.Inclusion(kind: .nameList, path: "ops users.txt", line: 1),
        ])
        #expect(file.minimumServerVersion == 16)
        #expect(try HBARule(parsing: #"host "@x" "@" all md5"#).databases == [.name("@x")])
        #expect(try HBARule(parsing: #"host "@x" @ all md5"#).users == [.name("@")])
    }

    @Test("addresses: CIDR, separate netmask, IPv6, keywords, host names")
    func addresses() throws {
        #expect(try HBARule(parsing: "host all all 10.0.0.0 255.0.0.0 md5").address == .range(try Self.range("10.0.0.0/8")))
        let holes = try HBARule(parsing: "host all all 10.0.0.1 255.0.255.255 md5")
        #expect(holes.address == .range(try HBATestValues.range("10.0.0.1", mask: "255.0.255.255")))
        #expect(try HBARule(parsing: "host all all fe80::/10 md5").address == .range(try Self.range("fe80::/10")))
        #expect(try HBARule(parsing: "host all all fe80::1%eth0/128 md5").address == .range(try Self.range("fe80::1/128")))
        #expect(try HBARule(parsing: "host all all samehost md5").address == .sameHost)
        #expect(try HBARule(parsing: "host all all samenet md5").address == .sameNet)
        #expect(try HBARule(parsing: "host all all .example.com md5").address == .hostName(".example.com"))
        #expect(try HBARule(parsing: "host all all db1.example.com md5").address == .hostName("db1.example.com"))
        #expect(try HBARule(parsing: "host all all 10.1.2.3/8 md5").address.map(\.description) == "10.1.2.3/8")
    }

    @Test("every method and connection type reads; ident on local is peer")
    func methodsAndTypes() throws {
        for method in HBARule.Method.allCases where ![.peer, .cert, .gss].contains(method) {
            #expect(try HBARule(parsing: "host all all all \(method.rawValue)").method == method)
        }
        for type in HBARule.ConnectionType.allCases where type != .local {
            #expect(try HBARule(parsing: "\(type.rawValue) all all all md5").connectionType == type)
        }
        #expect(try HBARule(parsing: "hostssl all all all cert clientcert=verify-full").options == [
            HBARule.Option(name: "clientcert", value: "verify-full")])
        #expect(try HBARule(parsing: "local all all ident").effectiveMethod == .peer)
        #expect(try HBARule(parsing: "host all all all ident map=x").effectiveMethod == .ident)
        #expect(try HBARule(parsing: "hostgssenc all all all gss include_realm=0").options.count == 1)
    }

    @Test("comments: at line end, right after a token, not inside quotes")
    func comments() throws {
        let file = try HBAFile(parsing: "host all all all md5# trailing\nhost \"#db\" all all md5 # x\n   # indented\n")
        #expect(file.rules.map(\.rule.method) == [.md5, .md5])
        #expect(file.rules.last?.rule.databases == [.name("#db")])
        #expect(file.lines.last?.content == .comment)
    }

    // MARK: Continuations and directives

    @Test("backslash continuation: one record, numbered by its first line; also inside a comment")
    func continuations() throws {
        let text = "host all all \\\n    10.0.0.0/8 \\\r\n  md5\nho\\\nst all all all trust\n# note \\\nhost all all all reject\nlocal all all peer\n"
        let file = try HBAFile(parsing: text)
        #expect(file.render() == text)
        #expect(file.rules.map(\.line) == [1, 4, 8])
        #expect(file.lines.map(\.number) == [1, 4, 6, 8])
        #expect(file.lines.map(\.physicalLineCount) == [3, 2, 2, 1])
        #expect(file.rules[0].rule.address == .range(try Self.range("10.0.0.0/8")))
        #expect(file.rules[1].rule.connectionType == .host, "no blank is inserted at a continuation")
        #expect(file.lines[2].content == .comment, "a comment ending in a backslash swallows the next line")
        #expect(file.minimumServerVersion == 14)
    }

    @Test("include directives are reported with their lines")
    func includeDirectives() throws {
        let file = try HBAFile(parsing: "include base.conf\ninclude_if_exists \"extra rules.conf\"\ninclude_dir conf.d\nlocal all all peer\n")
        #expect(file.inclusionDirectives.map(\.kind) == [.include, .includeIfExists, .includeDir])
        #expect(file.inclusionDirectives.map(\.path) == ["base.conf", "extra rules.conf", "conf.d"])
        #expect(file.inclusionDirectives.map(\.line) == [1, 2, 3])
        #expect(file.rules.map(\.line) == [4])
        #expect(file.minimumServerVersion == 16)
    }

    @Test("gssenc lines need 12, oauth 18")
    func versionNeeds() throws {
        #expect(try HBAFile(parsing: "hostnogssenc all all all md5\n").minimumServerVersion == 12)
        #expect(try HBAFile(parsing: "host all all all oauth\n").minimumServerVersion == 18)
    }

    @Test("a BOM is kept and reported")
    func byteOrderMark() throws {
        let file = try HBAFile(parsing: "\u{FEFF}local all all peer\n")
        #expect(file.hasByteOrderMark)
        #expect(file.rules.count == 1)
        #expect(try !HBAFile(parsing: "local all all peer\n").hasByteOrderMark)
    }

    // MARK: Errors

    @Test("errors point at the exact line and column, with a hint", arguments: [
        ("hots all all all md5", 1, 1, "invalid connection type \"hots\""),
        ("host,local all all all md5", 1, 6, "multiple values specified for connection type"),
        ("local all", 1, 10, "end-of-line before role specification"),
        ("host all all", 1, 13, "end-of-line before IP address specification"),
        ("host all all 10.0.0.0/8", 1, 24, "end-of-line before authentication method"),
        ("host all all 10.0.0.0/33 md5", 1, 14, "invalid CIDR mask"),
        ("host all all 10.0.0.0/ md5", 1, 14, "invalid CIDR mask"),
        ("host all all 10.0.0.0/8,10.1.0.0/16 md5", 1, 25, "multiple values specified for host address"),
        ("host all all 10.0.0.0/8 md6", 1, 25, "invalid authentication method \"md6\""),
        ("host all all all md5,trust", 1, 22, "multiple values specified for authentication type"),
        ("host \"all all 0.0.0.0/0 md5", 1, 6, "unterminated quoted string"),
        ("host all all 10.0.0.0/8 peer", 1, 25, "peer authentication is only supported on local sockets"),
        ("host all all 10.0.0.0/8 cert", 1, 25, "cert authentication is only supported on hostssl"),
        ("local all all gss", 1, 15, "gssapi authentication is not supported on local sockets"),
        ("host all all 10.0.0.0 md5", 1, 23, "invalid IP mask \"md5\""),
        ("host all all 10.0.0.0", 1, 22, "end-of-line before netmask specification"),
        ("host all all 10.0.0.0 ffff:: md5", 1, 23, "IP address and mask do not match"),
        ("host all all db.example.com/24 md5", 1, 14, "specifying both host name and CIDR mask is invalid"),
        ("host all all 10.1/8 md5", 1, 14, "invalid IP address \"10.1\""),
        ("host all all 010.0.0.1/32 md5", 1, 14, "invalid IP address"),
        ("host all all 1:2:3/64 md5", 1, 14, "invalid IP address"),
        ("host all all all md5 =x", 1, 22, "authentication option without a name"),
        ("include a,b", 1, 11, "takes exactly one file name"),
        ("include a b", 1, 1, "invalid connection type \"include\""),
        ("host all all \\\n  10.0.0.0/33 md5", 2, 3, "invalid CIDR mask"),
        ("# c\r\nlocal all all peer\r\nhostx all all all md5\r\n", 3, 1, "invalid connection type"),
        ("local \"ab\ncd\" all peer", 1, 7, "unterminated quoted string"),
    ])
    func parseErrors(text: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: CoreError.self) { try HBAFile(parsing: text) }
        #expect(error?.kind == .parse)
        #expect(error?.position == TextPosition(line: line, column: column))
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.hint?.isEmpty == false)
    }

    @Test("an @file address is refused as unsupported, at its position")
    func fileAddress() {
        let error = #expect(throws: CoreError.self) { try HBAFile(parsing: "host all all @nets md5") }
        #expect(error?.kind == .unsupported)
        #expect(error?.position == TextPosition(line: 1, column: 14))
    }

    @Test("option values never appear in errors")
    func optionsStaySecret() {
        let error = #expect(throws: CoreError.self) {
            try HBAFile(parsing: "host all all all ldap ldapserver=x hunter2secret")
        }
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.hint?.contains("hunter2") == false)
        #expect(error?.position == TextPosition(line: 1, column: 36))
    }

    @Test("HBARule(parsing:) wants exactly one record")
    func singleRecord() {
        #expect(throws: CoreError.self) { try HBARule(parsing: "") }
        #expect(throws: CoreError.self) { try HBARule(parsing: "local all all peer\nlocal all all peer") }
        #expect(throws: CoreError.self) { try HBARule(parsing: "include x") }
    }
}
