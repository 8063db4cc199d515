import Testing
@testable import WardenCore

@Suite("postgresql.conf: reading")
struct PostgresConfParsingTests {
    // MARK: Round trip

    @Test("the Debian-style file renders back byte for byte, in LF, CRLF, with BOM and without final newline")
    func debianRoundTrip() throws {
        let variants = [
            PostgresConfFixtures.debian,
            PostgresConfFixtures.crlf(PostgresConfFixtures.debian),
            "\u{FEFF}" + PostgresConfFixtures.debian,
            String(PostgresConfFixtures.debian.dropLast()),
        ]
        for text in variants {
            let file = try PostgresConfFile(parsing: text)
            #expect(file.render() == text)
            #expect(file.bytes == Array(text.utf8))
        }
    }

    @Test("the Debian-style file: effective settings, commented defaults and includes")
    func debianContent() throws {
        for text in [PostgresConfFixtures.debian, PostgresConfFixtures.crlf(PostgresConfFixtures.debian)] {
            let file = try PostgresConfFile(parsing: text)
            #expect(file.setting("port")?.value == "5432")
            #expect(file.setting("port")?.isQuoted == false)
            #expect(file.setting("ssl")?.value == "on")
            #expect(file.setting("shared_buffers")?.value == "128MB")
            #expect(file.setting("data_directory")?.value == "/var/lib/postgresql/15/main")
            #expect(file.setting("data_directory")?.spelledValue == "'/var/lib/postgresql/15/main'")
            #expect(file.setting("log_line_prefix")?.value == "%m [%p] %q%u@%d ")
            #expect(file.setting("listen_addresses") == nil)
            #expect(file.commentedOutSetting("listen_addresses")?.value == "localhost")
            #expect(file.commentedOutSetting("ssl_ca_file")?.value == "")
            #expect(file.commentedOutSetting("password_encryption")?.value == "scram-sha-256")
            #expect(file.includes == [PostgresConfFile.Include(kind: .includeDir, path: "conf.d", line: 86)])
            #expect(file.setting("port")?.line == 40)
            #expect(file.lines[85].text == "include_dir = 'conf.d'\t\t\t# include files ending in '.conf' from")
            #expect(file.setting("include_dir") == nil)
            // Text never carries the line terminator, CRLF or not.
            #expect(file.lines.allSatisfy { !$0.text.utf8.contains(0x0D) && !$0.text.utf8.contains(0x0A) })
        }
    }

    // MARK: Line forms

    @Test("`name = value`, `name value` and `name=value` all set the parameter")
    func equalsIsOptional() throws {
        let file = try PostgresConfFile(parsing: "port = 1\nmax_connections 200\nwork_mem=4MB\n")
        #expect(file.setting("port")?.value == "1")
        #expect(file.setting("max_connections")?.value == "200")
        #expect(file.setting("work_mem")?.value == "4MB")
    }

    @Test("quoted values: '' is a quote, backslash escapes resolve, units stay as spelled")
    func quotedValues() throws {
        let text = #"""
        a = 'it''s'
        b = 'C:\\data\\x'
        c = 'tab\there\nnew'
        d = '\101\102C'
        e = 'x\'y'
        f = '5min'
        g = 5min
        h = -1
        i = 0.9
        j = 'a\0b'
        """#
        let file = try PostgresConfFile(parsing: text)
        #expect(file.setting("a")?.value == "it's")
        #expect(file.setting("b")?.value == #"C:\data\x"#)
        #expect(file.setting("c")?.value == "tab\there\nnew")
        #expect(file.setting("d")?.value == "ABC")
        #expect(file.setting("e")?.value == "x'y")
        #expect(file.setting("f")?.value == "5min")
        #expect(file.setting("f")?.isQuoted == true)
        #expect(file.setting("g")?.value == "5min")
        #expect(file.setting("g")?.isQuoted == false)
        #expect(file.setting("h")?.value == "-1")
        #expect(file.setting("i")?.value == "0.9")
        #expect(file.setting("j")?.value == "a", "an escaped NUL ends the value, as in the server")
    }

    @Test("names are case-insensitive and a later line overrides an earlier one")
    func lastOccurrenceWins() throws {
        let file = try PostgresConfFile(parsing: "Port = 1\n# port = 9\nport = 2\nssl = on\nPORT = 3 # last\n")
        #expect(file.setting("port")?.value == "3")
        #expect(file.setting("pOrT")?.line == 5)
        #expect(file.settings.map(\.name) == ["ssl", "PORT"])
        #expect(file.settings.map(\.line) == [4, 5])
    }

    @Test("qualified names (extension settings) and comments right after a value")
    func qualifiedNamesAndComments() throws {
        let file = try PostgresConfFile(parsing: "pg_stat_statements.max = 10000#no space\nx = 'a#b' # quoted hash\n")
        #expect(file.setting("pg_stat_statements.max")?.value == "10000")
        #expect(file.setting("x")?.value == "a#b")
    }

    @Test("all three include directives are reported, names compared case-insensitively")
    func includes() throws {
        let file = try PostgresConfFile(parsing: "include 'a.conf'\nINCLUDE_IF_EXISTS = 'b.conf'\ninclude_dir conf_d\n")
        #expect(file.includes.map(\.kind) == [.include, .includeIfExists, .includeDir])
        #expect(file.includes.map(\.path) == ["a.conf", "b.conf", "conf_d"])
        #expect(file.includes.map(\.line) == [1, 2, 3])
        #expect(file.settings.isEmpty)
    }

    @Test("prose comments are not taken for commented-out settings")
    func proseComments() throws {
        let file = try PostgresConfFile(parsing: "# see below\n#   name = value\n# (The \"=\" is optional.)\n")
        #expect(file.lines.map(\.content) == [
            .comment,
            .commentedOutSetting(PostgresConfFile.Setting(
                name: "name", value: "value", spelledValue: "value", isQuoted: false, line: 2)),
            .comment,
        ])
    }

    @Test("a BOM is kept and reported; columns after it count from the first visible character")
    func byteOrderMark() throws {
        let file = try PostgresConfFile(parsing: "\u{FEFF}port = 5432\n")
        #expect(file.hasByteOrderMark)
        #expect(file.setting("port")?.value == "5432")
        let error = try #require(throws: CoreError.self) { try PostgresConfFile(parsing: "\u{FEFF}port =\n") }
        #expect(error.position == TextPosition(line: 1, column: 7))
        #expect(try !PostgresConfFile(parsing: "port = 5432\n").hasByteOrderMark)
    }

    @Test("empty input, blank lines, and bytes that are not UTF-8 round-trip")
    func oddInputs() throws {
        #expect(try PostgresConfFile(parsing: "").lines.isEmpty)
        #expect(try PostgresConfFile(parsing: " \t\r\n\n").lines.map(\.content) == [.blank, .blank])
        let latin1: [UInt8] = Array("# caf".utf8) + [0xE9] + Array("\nport = 1\n".utf8)
        let file = try PostgresConfFile(bytes: latin1)
        #expect(file.bytes == latin1)
        #expect(file.setting("port")?.value == "1")
    }

    // MARK: Errors

    @Test("errors point at the exact line and column", arguments: [
        ("port = 5432\nssl_key_file = '/etc/key\n", 2, 16, "unterminated"),
        ("port =\n", 1, 7, "missing value"),
        ("port\n", 1, 5, "missing value"),
        ("\n\n  1abc = 2\n", 3, 3, "expected a parameter name"),
        ("a.b.c = 1\n", 1, 1, "expected a parameter name"),
        ("'port' = 1\n", 1, 1, "expected a parameter name"),
        ("listen_addresses = *\n", 1, 20, "must be quoted"),
        ("search_path = public.x\n", 1, 15, "must be quoted"),
        ("port = = 5432\n", 1, 8, "must be quoted"),
        ("port = 5432 5433\n", 1, 13, "unexpected text"),
        ("x = 'a' 'b'\n", 1, 9, "unexpected text"),
        ("e = 'x\\'\n", 1, 5, "unterminated"),
        ("café = 'x\n", 1, 8, "unterminated"),
        ("include_dir conf.d\n", 1, 13, "must be quoted"),
    ])
    func parseErrors(text: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: CoreError.self) { try PostgresConfFile(parsing: text) }
        #expect(error?.kind == .parse)
        #expect(error?.position == TextPosition(line: line, column: column))
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.hint?.isEmpty == false)
    }

    @Test("an error never repeats the value it is about")
    func errorsHideValues() {
        for text in ["ssl_passphrase_command = 'hunter2 secret\n", "password = hunter2 secret\n", "password = hunter2*\n"] {
            let error = #expect(throws: CoreError.self) { try PostgresConfFile(parsing: text) }
            #expect(error?.message.contains("hunter2") == false)
            #expect(error?.hint?.contains("hunter2") == false)
        }
    }
}
