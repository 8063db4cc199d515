import Testing
@testable import WardenCore

// MARK: - Quoting hostile input

@Suite("SQL quoting")
struct SQLQuoteTests {
    @Test(arguments: [
        ("QSR", "\"QSR\""),
        ("qliksenserepository", "\"qliksenserepository\""),
        ("we\"ird", "\"we\"\"ird\""),
        ("select", "\"select\""),
        ("Ünïcødé", "\"Ünïcødé\""),
        ("a b;c--", "\"a b;c--\""),
    ])
    func identifiers(_ input: String, _ expected: String) throws {
        #expect(try SQLQuote.identifier(input) == expected)
    }

    @Test(arguments: [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("''", "''''''"),
        ("back\\slash", "E'back\\\\slash'"),
        ("both\\'", "E'both\\\\'''"),
        ("md5abc", "'md5abc'"),
        ("", "''"),
        ("line\nbreak", "'line\nbreak'"),
    ])
    func literals(_ input: String, _ expected: String) throws {
        #expect(try SQLQuote.literal(input) == expected)
    }

    @Test func nulIsRefusedEverywhere() {
        #expect(throws: CoreError.self) { try SQLQuote.literal("a\u{0}b") }
        #expect(throws: CoreError.self) { try SQLQuote.identifier("a\u{0}b") }
        #expect(throws: CoreError.self) { try SQLQuote.literal(bytes: [0x61, 0x00]) }
    }

    @Test func nonUTF8BytesAreRefused() throws {
        let error = try #require(throws: CoreError.self) { try SQLQuote.literal(bytes: [0x61, 0xC3, 0x28]) }
        #expect(error.message.contains("UTF-8"))
        #expect(try SQLQuote.literal(bytes: Array("ok".utf8)) == "'ok'")
    }

    @Test func identifierLengthFollowsNAMEDATALEN() throws {
        let longest = String(repeating: "x", count: 63)
        #expect(try SQLQuote.identifier(longest) == "\"\(longest)\"")
        #expect(throws: CoreError.self) { try SQLQuote.identifier(longest + "x") }
        // 32 two-byte characters are 64 bytes: refused although only 32 characters.
        #expect(throws: CoreError.self) { try SQLQuote.identifier(String(repeating: "é", count: 32)) }
        #expect(throws: CoreError.self) { try SQLQuote.identifier("") }
    }

    @Test func veryLongLiteralRoundTripsItsQuotes() throws {
        let input = String(repeating: "a'b\\", count: 50_000)
        let quoted = try SQLQuote.literal(input)
        #expect(quoted.hasPrefix("E'") && quoted.hasSuffix("'"))
        // Undo the quoting the way the server's lexer does and get the input back.
        let body = quoted.dropFirst(2).dropLast()
        let unquoted = body.replacingOccurrences(of: "''", with: "'").replacingOccurrences(of: "\\\\", with: "\\")
        #expect(unquoted == input)
    }

    /// A combining sequence must not be merged with the quote that follows it.
    @Test func combiningCharactersNextToQuotes() throws {
        #expect(try SQLQuote.literal("e\u{301}'") == "'e\u{301}'''")
        #expect(try SQLQuote.identifier("\"\u{301}") == "\"\"\"\u{301}\"")
    }
}

@Suite("PostgreSQL version traits")
struct PostgresVersionTraitsTests {
    @Test func tableMatchesTheReleaseNotes() throws {
        let v11 = try PostgresVersionTraits(major: 11)
        #expect(!v11.usesStandbySignal && v11.walKeepSettingName == "wal_keep_segments" && !v11.hasSSLMinProtocolVersion)
        let v12 = try PostgresVersionTraits(major: 12)
        #expect(v12.usesStandbySignal && v12.defaultSSLMinProtocolVersion == "TLSv1" && v12.hasPgPromote)
        let v13 = try PostgresVersionTraits(major: 13)
        #expect(v13.walKeepSettingName == "wal_keep_size" && v13.defaultSSLMinProtocolVersion == "TLSv1.2" && v13.defaultPasswordEncryption == "md5")
        let v14 = try PostgresVersionTraits(major: 14)
        #expect(v14.defaultPasswordEncryption == "scram-sha-256")
        let v16 = try PostgresVersionTraits(major: 16)
        #expect(v16.hasHBAIncludes && v16.hasHBARuleNumber && !v16.hasPromoteTriggerFile && v16.hasSCRAMIterations)
        let v15 = try PostgresVersionTraits(serverVersionNum: 150018)
        #expect(v15.major == 15 && v15.hasPromoteTriggerFile && !v15.hasHBAIncludes)
        let v17 = try PostgresVersionTraits(major: 17)
        #expect(v17.hasDirectSSLNegotiation && !v17.hasSSLGroups)
        let v18 = try PostgresVersionTraits(major: 18)
        #expect(v18.md5Deprecated && v18.hasSSLGroups)
    }

    @Test(arguments: [9, 10, 19, 0])
    func unsupportedVersionsAreRefused(_ major: Int) {
        #expect(throws: CoreError.self) { try PostgresVersionTraits(major: major) }
    }
}
