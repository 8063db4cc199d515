import Testing
@testable import WardenCore

@Suite("pgpass files")
struct PGPassFileTests {
    typealias Support = ConnectionStringTestSupport
    typealias Field = PGPassFile.Field

    static let sample = """
        # central repository database
        db1.example.com:4432:QSR:qliksenserepository:first\\:pass
        db1.example.com:4432:*:qliksenserepository:second

        *:*:*:replicator:repl\\\\pw
        localhost:5432:postgres:postgres:local

        """

    // MARK: Reading

    @Test("entries, escapes, wildcards, comments and blank lines")
    func entries() throws {
        let file = PGPassFile(parsing: Self.sample)
        #expect(file.warnings.isEmpty)
        #expect(file.entries.map(\.line) == [2, 3, 5, 6])
        #expect(file.entries[0].password == "first:pass")
        #expect(file.entries[0].host == .exactly("db1.example.com"))
        #expect(file.entries[1].database == .any)
        #expect(file.entries[2].password == "repl\\pw")
        #expect(file.entries[2].position == TextPosition(line: 5, column: 1))
        #expect(Support.sameBytes(file.render(), Self.sample))
    }

    @Test("the first matching line wins, as in libpq")
    func firstMatch() throws {
        let file = PGPassFile(parsing: Self.sample)
        #expect(file.firstMatch(host: "db1.example.com", port: 4432, database: "QSR", user: "qliksenserepository")?.line == 2)
        #expect(file.firstMatch(host: "db1.example.com", port: 4432, database: "QSMQ", user: "qliksenserepository")?.line == 3)
        #expect(file.firstMatch(host: "db2", port: 1, database: "x", user: "replicator")?.password == "repl\\pw")
        #expect(file.firstMatch(host: "DB1.example.com", port: 4432, database: "QSR", user: "qliksenserepository") == nil)
        #expect(file.firstMatch(host: "db1.example.com", port: 5432, database: "QSR", user: "qliksenserepository") == nil)
        #expect(file.firstMatch(host: "db1.example.com", port: 4432, database: "", user: "qliksenserepository") == nil)
    }

    @Test("Unix sockets and no host look up 'localhost'; no port looks up 5432", arguments: [
        (String?.none, "/tmp", true),
        ("", "/tmp", true),
        ("/tmp", "/tmp", true),
        ("/var/run/postgresql", "/var/run/postgresql", true),
        ("/var/run/postgresql", "/tmp", false),
        ("localhost", "/tmp", true),
        ("127.0.0.1", "/tmp", false),
    ])
    func localhost(host: String?, socketDirectory: String, matches: Bool) {
        let file = PGPassFile(parsing: "localhost:5432:postgres:postgres:local\n")
        let entry = file.firstMatch(host: host, port: nil, database: "postgres", user: "postgres",
                                    defaultSocketDirectory: socketDirectory)
        #expect((entry != nil) == matches)
    }

    @Test("a literal star and an escaped colon in match fields")
    func literalStar() throws {
        let file = PGPassFile(parsing: "\\*:5432:a\\:b:u:pw\n*x:5432:*:u:pw2\n")
        #expect(file.entries[0].host == .exactly("*"))
        #expect(file.entries[0].database == .exactly("a:b"))
        #expect(file.entries[1].host == .exactly("*x"))
        #expect(file.firstMatch(host: "other", port: 5432, database: "a:b", user: "u") == nil)
        #expect(file.firstMatch(host: "*", port: 5432, database: "a:b", user: "u")?.password == "pw")
    }

    @Test("CRLF lines: the password ends before the CR, as libpq strips it")
    func crlf() throws {
        let text = "h:5432:d:u:secret\r\n# note\r\nh2:5432:d:u:two\r\r\n"
        let file = PGPassFile(parsing: text)
        #expect(file.entries.map(\.password) == ["secret", "two"])
        #expect(Support.sameBytes(file.render(), text))
    }

    @Test("awkward files round-trip byte for byte", arguments: [
        "",
        "\n\n",
        "h:5432:d:u:p",
        "\u{FEFF}h:5432:d:u:p\n",
        "h:5432:d:u:p\r\nh2:*:*:*:q\n",
        "  # not a comment to libpq\n",
        "h:5432:d:u:пароль 中文 😀\n",
        "h:5432:d:u:" + String(repeating: "\\:", count: 10_000) + "\n",
        "h:5432:d:u:p:extra\n",
        "\t \n",
    ])
    func roundTrip(text: String) {
        #expect(Support.sameBytes(PGPassFile(parsing: text).render(), text))
    }

    // MARK: Warnings

    @Test("malformed lines are warnings with positions, not errors")
    func malformed() throws {
        let text = "h:5432:d:u:ok\nlocalhost:5432:QSR\n# fine\nh:5432:d:u:pw:tail\n"
        let file = PGPassFile(parsing: text)
        #expect(file.entries.map(\.line) == [1, 4])
        #expect(file.warnings.count == 2)
        #expect(file.warnings[0].position == TextPosition(line: 2, column: 19))
        #expect(file.warnings[0].message.contains("3 of the 5 fields"))
        #expect(file.warnings[1].position == TextPosition(line: 4, column: 14))
        #expect(file.warnings[1].message.contains("pw") == false)
        #expect(file.entries[1].password == "pw")
        #expect(file.warnings.allSatisfy { $0.kind == .parse && $0.hint != nil })
    }

    @Test("a byte-order mark is reported, and it spoils the first host as it does in libpq")
    func byteOrderMark() throws {
        let file = PGPassFile(parsing: "\u{FEFF}localhost:5432:d:u:p\n")
        #expect(file.warnings.first?.position == TextPosition(line: 1, column: 1))
        #expect(file.firstMatch(host: "localhost", port: 5432, database: "d", user: "u") == nil)
    }

    // MARK: Editing

    @Test("removing entries removes exactly their lines")
    func remove() throws {
        var file = PGPassFile(parsing: Self.sample)
        let removed = file.removeEntries { $0.user == .exactly("qliksenserepository") }
        #expect(removed.map(\.line) == [2, 3])
        let expected = """
            # central repository database

            *:*:*:replicator:repl\\\\pw
            localhost:5432:postgres:postgres:local

            """
        #expect(Support.sameBytes(file.render(), expected))
        #expect(file.entries.map(\.line) == [3, 4])
        #expect(file.removeEntries { _ in false }.isEmpty)

        var last = PGPassFile(parsing: "a:1:d:u:p\r\nb:1:d:u:q")
        last.removeEntries { $0.host == .exactly("b") }
        #expect(Support.sameBytes(last.render(), "a:1:d:u:p\r\n"))
    }

    @Test("setPassword changes only the password bytes, escaping ':' and '\\'")
    func setPassword() throws {
        let text = "h:5432:d:u:old\\:pw\r\nh2:5432:d:u:keep\r\n"
        var file = PGPassFile(parsing: text)
        try file.setPassword("n:e\\w", forEntryOnLine: 1)
        Support.expectSplice(text, file.render(), replacing: "old\\:pw", with: "n\\:e\\\\w")
        #expect(file.entries[0].password == "n:e\\w")
        #expect(Support.coreError { try file.setPassword("x", forEntryOnLine: 9) }?.kind == .notFound)
        #expect(Support.coreError { try file.setPassword("a\nb", forEntryOnLine: 1) }?.kind == .invalid)
    }

    @Test("append writes a new last line in the file's line-ending style")
    func append() throws {
        var crlf = PGPassFile(parsing: "a:1:d:u:p\r\nb:1:d:u:q")
        try crlf.append(host: .exactly("db:1"), port: .exactly("4432"), database: .any, user: .exactly("*"), password: "p:w")
        #expect(Support.sameBytes(crlf.render(), "a:1:d:u:p\r\nb:1:d:u:q\r\ndb\\:1:4432:*:\\*:p\\:w\r\n"))
        let entry = crlf.firstMatch(host: "db:1", port: 4432, database: "anything", user: "*")
        #expect(entry?.password == "p:w")
        #expect(crlf.firstMatch(host: "db:1", port: 4432, database: "anything", user: "someone") == nil)

        var empty = PGPassFile(parsing: "")
        try empty.append(host: .any, port: .any, database: .any, user: .exactly("u"), password: "p")
        #expect(Support.sameBytes(empty.render(), "*:*:*:u:p\n"))
    }

    // MARK: Properties

    struct GeneratedLine {
        var fields: [Field]
        var password: String
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == ":" || scalar == "\\" { result += "\\" }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    static func writeField(_ field: Field) -> String {
        switch field {
        case .any: return "*"
        case .exactly(let text): return text == "*" ? "\\*" : escape(text)
        }
    }

    static func generate(_ rng: inout SplitMix64) -> (String, [(line: Int, GeneratedLine)]) {
        let alphabet = ["h", "5", "d", "u", ":", "\\", "*", " ", "é", "中", "😀", "#"]
        var text = ""
        var lines: [(Int, GeneratedLine)] = []
        let count = Int.random(in: 0...10, using: &rng)
        for number in 1...max(count, 1) where count > 0 {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: text += "# comment " + Support.randomValue(&rng, alphabet: alphabet)
            case 1: text += ""
            default:
                let fields = (0..<4).map { _ -> Field in
                    Int.random(in: 0..<4, using: &rng) == 0
                        ? .any : .exactly(Support.randomValue(&rng, alphabet: alphabet, maxLength: 5))
                }
                // A first field starting with '#' would make a comment; libpq reads it so too.
                if case .exactly(let host) = fields[0], host.hasPrefix("#") { text += "#"; break }
                let password = Support.randomValue(&rng, alphabet: alphabet, maxLength: 8)
                text += fields.map(writeField).joined(separator: ":") + ":" + escape(password)
                lines.append((number, GeneratedLine(fields: fields, password: password)))
            }
            let last = number == count
            if !last || Bool.random(using: &rng) { text += Bool.random(using: &rng) ? "\r\n" : "\n" }
        }
        return (text, lines)
    }

    @Test("generated files round-trip, read every entry, and look up like a reference scan")
    func propertyRoundTrip() throws {
        var rng = SplitMix64(seed: 0x9A55)
        for _ in 0..<400 {
            let (text, lines) = Self.generate(&rng)
            let file = PGPassFile(parsing: text)
            #expect(Support.sameBytes(file.render(), text))
            #expect(file.warnings.isEmpty, "\(text.debugDescription)")
            #expect(file.entries.map(\.line) == lines.map(\.line))
            for (entry, generated) in zip(file.entries, lines.map(\.1)) {
                #expect([entry.host, entry.port, entry.database, entry.user] == generated.fields)
                #expect(Support.sameBytes(entry.password, generated.password))
            }
            // Look up a query built from a random generated line; the reference is a plain scan
            // over the generated model (port not given, so looked up as 5432).
            guard let probe = lines.randomElement(using: &rng)?.1 else { continue }
            var query = probe.fields.map { field -> String in
                if case .exactly(let text) = field { return text }
                return "anything"
            }
            query[1] = "5432"
            guard !query[0].isEmpty, query[0] != "/tmp", !query[2].isEmpty, !query[3].isEmpty else { continue }
            let expected = lines.first { _, line in zip(line.fields, query).allSatisfy { $0.matches($1) } }
            let found = file.firstMatch(host: query[0], port: nil, database: query[2], user: query[3])
            #expect(found?.line == expected?.0)
        }
    }

    @Test("removing random entries leaves every other byte alone")
    func propertyRemove() throws {
        var rng = SplitMix64(seed: 0x9A56)
        for _ in 0..<300 {
            let (text, lines) = Self.generate(&rng)
            var file = PGPassFile(parsing: text)
            let doomed = Set(lines.map(\.line).filter { _ in Bool.random(using: &rng) })
            file.removeEntries { doomed.contains($0.line) }
            let originalLines = PlainTextBytes.lines(Array(text.utf8))
            let expected = originalLines.filter { !doomed.contains($0.number) }
                .flatMap { Array(text.utf8)[$0.whole] }
            #expect(Array(file.render().utf8) == expected)
            #expect(file.entries.count == lines.count - doomed.count)
        }
    }
}
