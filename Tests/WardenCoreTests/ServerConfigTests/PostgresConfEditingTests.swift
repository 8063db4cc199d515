import Testing
@testable import WardenCore

@Suite("postgresql.conf: editing")
struct PostgresConfEditingTests {
    /// The lines of `before` and `after` that differ, as (line number, old, new).
    static func changedLines(_ before: String, _ after: String) -> [(Int, String?, String?)] {
        // Split bytes, not Characters: "\r\n" is a single Character.
        func split(_ text: String) -> [String] {
            Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        let old = split(before)
        let new = split(after)
        return (0..<max(old.count, new.count)).compactMap { index in
            let lhs = index < old.count ? old[index] : nil
            let rhs = index < new.count ? new[index] : nil
            return lhs == rhs ? nil : (index + 1, lhs, rhs)
        }
    }

    // MARK: set

    @Test("set edits the value in place and keeps a tab-aligned comment in its column")
    func setKeepsTabAlignment() throws {
        var file = try PostgresConfFile(parsing: PostgresConfFixtures.debian)
        try file.set("port", to: "4432")
        try file.set("max_connections", to: "1000")
        try file.set("ssl", to: "off")
        let changes = Self.changedLines(PostgresConfFixtures.debian, file.render())
        #expect(changes.map(\.0).count == 3)
        #expect(changes.map(\.2) == ["port = 4432\t\t\t\t# (change requires restart)",
                                     "max_connections = 1000\t\t\t# (change requires restart)",
                                     "ssl = off"])
        #expect(file.setting("port")?.value == "4432")
    }

    @Test("set keeps a space-aligned comment in its column when the value grows or shrinks")
    func setKeepsSpaceAlignment() throws {
        var file = try PostgresConfFile(parsing: "work_mem = 4MB          # per sort\nx = 1\n")
        try file.set("work_mem", to: "64MB")
        #expect(file.render() == "work_mem = 64MB         # per sort\nx = 1\n")
        try file.set("work_mem", to: "1GB")
        #expect(file.render() == "work_mem = 1GB          # per sort\nx = 1\n")
        try file.set("work_mem", to: "'a very long value that passes the column'")
        #expect(file.render().hasPrefix("work_mem = '''a very long value that passes the column''' # per sort\n"))
    }

    @Test("set keeps the quoting style: bare stays bare when it can, quoted stays quoted")
    func setKeepsQuotingStyle() throws {
        var file = try PostgresConfFile(parsing: "wal_level = minimal\nlisten_addresses = 'localhost'\nport = 5432\n")
        try file.set("wal_level", to: "replica")
        try file.set("listen_addresses", to: "*")
        try file.set("port", to: "it's")
        #expect(file.render() == "wal_level = replica\nlisten_addresses = '*'\nport = 'it''s'\n")
        #expect(file.setting("port")?.value == "it's")
    }

    @Test("set edits the last active line when a parameter is set twice, matching names in any case")
    func setEditsLastOccurrence() throws {
        var file = try PostgresConfFile(parsing: "port = 1\nPORT = 2\n#port = 3\n")
        try file.set("Port", to: "9")
        #expect(file.render() == "port = 1\nPORT = 9\n#port = 3\n")
    }

    @Test("set appends a new line when no active line sets it, leaving the commented default alone")
    func setAppends() throws {
        var file = try PostgresConfFile(parsing: PostgresConfFixtures.debian)
        try file.set("listen_addresses", to: "*")
        #expect(file.render() == PostgresConfFixtures.debian + "listen_addresses = '*'\n")
        #expect(file.commentedOutSetting("listen_addresses")?.value == "localhost")
        #expect(file.setting("listen_addresses")?.value == "*")
        try file.set("ssl_ciphers", to: "DEFAULT:!LOW:!EXP:!eNULL:!aNULL:!MD5:!RC2:!RC4:!DES:@STRENGTH")
        #expect(file.setting("ssl_ciphers")?.value == "DEFAULT:!LOW:!EXP:!eNULL:!aNULL:!MD5:!RC2:!RC4:!DES:@STRENGTH")
    }

    @Test("appending follows the file's line endings and adds a missing final newline first")
    func appendLineEndings() throws {
        var crlf = try PostgresConfFile(parsing: "port = 1\r\nssl = on\r\n")
        try crlf.set("password_encryption", to: "scram-sha-256")
        #expect(crlf.render() == "port = 1\r\nssl = on\r\npassword_encryption = 'scram-sha-256'\r\n")

        var unterminated = try PostgresConfFile(parsing: "port = 1")
        try unterminated.set("ssl", to: "on")
        #expect(unterminated.render() == "port = 1\nssl = 'on'\n")

        var empty = try PostgresConfFile(parsing: "")
        try empty.set("ssl", to: "on")
        #expect(empty.render() == "ssl = 'on'\n")

        var bom = try PostgresConfFile(parsing: "\u{FEFF}")
        try bom.set("ssl", to: "on")
        #expect(bom.render() == "\u{FEFF}ssl = 'on'\n")
    }

    @Test("values with quotes, backslashes and line breaks are escaped and read back")
    func setEscapes() throws {
        var file = try PostgresConfFile(parsing: "")
        let value = "C:\\Program Files\\it's\nnext\rline"
        try file.set("archive_command", to: value)
        #expect(file.render() == "archive_command = 'C:\\\\Program Files\\\\it''s\\nnext\\rline'\n")
        #expect(file.setting("archive_command")?.value == value)
    }

    @Test("set refuses bad names, include directives and NUL, and changes nothing")
    func setRefuses() throws {
        let original = try PostgresConfFile(parsing: "port = 1\n")
        for (name, value) in [("bad name", "1"), ("1port", "1"), ("a.b.c", "1"), ("", "1"), ("include_dir", "x"), ("port", "a\0b")] {
            var file = original
            let error = #expect(throws: CoreError.self) { try file.set(name, to: value) }
            #expect(error?.kind == .invalid)
            #expect(error?.message.contains("a\0b") == false)
            #expect(file == original)
        }
    }

    // MARK: remove

    @Test("remove comments out every active line for the parameter and nothing else")
    func remove() throws {
        let text = "port = 1\nssl = on\n  PORT = 2 # again\n#port = 3\n"
        var file = try PostgresConfFile(parsing: text)
        #expect(try file.remove("port") == 2)
        #expect(file.render() == "#port = 1\nssl = on\n#  PORT = 2 # again\n#port = 3\n")
        #expect(file.setting("port") == nil)
        #expect(file.setting("ssl")?.value == "on")
        #expect(try file.remove("port") == 0)
        #expect(throws: CoreError.self) { try file.remove("not a name") }
    }

    // MARK: Quoting

    @Test("quoting and bare-word rules", arguments: [
        ("on", true), ("4432", true), ("128MB", true), ("-1", true), ("0.9", true), ("scram-sha-256", true),
        ("replica", true), ("C:/data", true), ("public.x", false), ("*", false), ("", false), ("a b", false),
        ("'x'", false), ("/var/run", false), ("x#y", false),
    ])
    func bareWords(value: String, bare: Bool) {
        #expect(PostgresConfQuoting.canBeWrittenBare(value) == bare)
    }

    @Test("quoted() output examples")
    func quotedExamples() {
        #expect(PostgresConfQuoting.quoted("it's") == "'it''s'")
        #expect(PostgresConfQuoting.quoted(#"C:\data"#) == #"'C:\\data'"#)
        #expect(PostgresConfQuoting.quoted("") == "''")
        #expect(PostgresConfQuoting.quoted("a\nb") == #"'a\nb'"#)
    }
}
