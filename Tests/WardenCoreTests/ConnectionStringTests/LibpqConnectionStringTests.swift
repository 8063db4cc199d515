import Testing
@testable import WardenCore

@Suite("libpq connection strings")
struct LibpqConnectionStringTests {
    typealias Support = ConnectionStringTestSupport
    typealias Host = ConnectionHostList.Host

    static let uri = "postgresql://user:pass@host1:5432,host2:5433/db?sslmode=verify-full&target_session_attrs=read-write"

    // MARK: Keyword/value form

    @Test("keyword/value: quotes, backslash escapes and blanks around '='")
    func keywordValue() throws {
        let text = "host=a port = 5432\tpassword='it\\'s x' user=svc\\ 1 dbname= QSR"
        let string = try LibpqConnectionString(parsing: text)
        #expect(string.form == .keywordValue)
        #expect(string.value(for: "host") == "a")
        #expect(string.value(for: "port") == "5432")
        #expect(string.value(for: "password") == "it's x")
        #expect(string.value(for: "user") == "svc 1")
        #expect(string.value(for: "dbname") == "QSR")
        #expect(string.parameters.map(\.keyword) == ["host", "port", "password", "user", "dbname"])
        #expect(string.parameters[2].position == TextPosition(line: 1, column: 20))
        #expect(Support.sameBytes(string.render(), text))
        #expect(string.validate().isEmpty)
    }

    @Test("libpq's quirks: a later keyword wins; a blank after '=' does not end an empty value")
    func quirks() throws {
        let later = try LibpqConnectionString(parsing: "port=1 port=2")
        #expect(later.value(for: "port") == "2")
        let quirk = try LibpqConnectionString(parsing: "host= port=5")
        #expect(quirk.value(for: "host") == "port=5")
        #expect(quirk.value(for: "port") == nil)
        let empty = try LibpqConnectionString(parsing: "host=''")
        #expect(empty.value(for: "host") == "")
        let trailingBackslash = try LibpqConnectionString(parsing: "password=abc\\")
        #expect(trailingBackslash.value(for: "password") == "abc")
    }

    @Test("the reference page's primary_conninfo placeholder fails where libpq would, the filled one reads")
    func referencePrimaryConninfo() throws {
        let placeholder = "host=< primaryServer > port=4432 user=replicator password=secretpassword"
        let error = Support.coreError { _ = try LibpqConnectionString(parsing: placeholder) }
        #expect(error?.kind == .parse)
        #expect(error?.position == TextPosition(line: 1, column: 22))
        let filled = try LibpqConnectionString(parsing: "host=db1.example.com port=4432 user=replicator password=secretpassword")
        #expect(filled.value(for: "user") == "replicator")
        #expect(try filled.hosts() == [Host(name: "db1.example.com", port: 4432)])
    }

    @Test("awkward keyword/value inputs round-trip byte for byte", arguments: [
        "",
        "   ",
        "\u{FEFF}host=a port=1",
        "host=a\r\nport=1\r\n",
        "host=a\n\tport=1\n",
        "host = a   port =\t1  ",
        "password='пароль 中文 😀' host=ünï",
        "password='it\\'s a \\\\ test'",
        "options='-c search_path=app'",
        "password=" + String(repeating: "x", count: 20_000),
        "password='" + String(repeating: "\\'", count: 5_000) + "'",
        "host=e\u{301} dbname=\u{E9}",
    ])
    func keywordValueRoundTrip(text: String) throws {
        let string = try LibpqConnectionString(parsing: text)
        #expect(Support.sameBytes(string.render(), text))
    }

    @Test("keyword/value set edits in place, keeping quotes")
    func keywordValueSet() throws {
        let text = "host=a password='old secret' port=5432"
        var string = try LibpqConnectionString(parsing: text)
        try string.set("password", to: "new")
        Support.expectSplice(text, string.render(), replacing: "'old secret'", with: "'new'")

        var bare = try LibpqConnectionString(parsing: text)
        try bare.set("host", to: "db 1\\x")
        Support.expectSplice(text, bare.render(), replacing: "host=a", with: "host='db 1\\\\x'")
        #expect(bare.value(for: "host") == "db 1\\x")
        try bare.set("port", to: "")
        #expect(bare.value(for: "port") == "")
        #expect(bare.render().hasSuffix("port=''"))
    }

    @Test("keyword/value set appends in the string's own style", arguments: [
        ("host=a port=1", "host=a port=1 sslmode=verify-full"),
        ("host = a  port = 1", "host = a  port = 1  sslmode = verify-full"),
        ("host=a\n", "host=a sslmode=verify-full\n"),
        ("", "sslmode=verify-full"),
    ])
    func keywordValueAppend(text: String, expected: String) throws {
        var string = try LibpqConnectionString(parsing: text)
        try string.set("sslmode", to: "verify-full")
        #expect(Support.sameBytes(string.render(), expected))
    }

    @Test("keyword/value remove takes the setting and one separator", arguments: [
        ("host=a port=1 dbname=d", "port", "host=a dbname=d"),
        ("host=a port=1 dbname=d", "dbname", "host=a port=1"),
        ("host=a port=1 dbname=d\n", "host", "port=1 dbname=d\n"),
        ("port=1", "port", ""),
        ("host=a port=1 port=2", "port", "host=a"),
    ])
    func keywordValueRemove(text: String, keyword: String, expected: String) throws {
        var string = try LibpqConnectionString(parsing: text)
        #expect(try string.remove(keyword))
        #expect(Support.sameBytes(string.render(), expected))
        #expect(try string.remove(keyword) == false)
    }

    @Test("keyword/value hosts: parallel lists, one port for all, setHosts writes both")
    func keywordValueHosts() throws {
        var string = try LibpqConnectionString(parsing: "host=a,b port=4432 dbname=QSR")
        #expect(try string.hosts() == [Host(name: "a", port: 4432), Host(name: "b", port: 4432)])
        try string.setHosts([Host(name: "c", port: 5432), Host(name: "d", port: 5433)])
        #expect(Support.sameBytes(string.render(), "host=c,d port=5432,5433 dbname=QSR"))
        try string.setHosts([Host(name: "e")])
        #expect(Support.sameBytes(string.render(), "host=e dbname=QSR"))
        var shared = try LibpqConnectionString(parsing: "host=a port=4432")
        try shared.setHosts([Host(name: "x"), Host(name: "y")])
        #expect(Support.sameBytes(shared.render(), "host=x,y port=4432"))
    }

    // MARK: URI form

    @Test("URI: user, password, hosts with ports, database and query parameters")
    func uriParts() throws {
        let string = try LibpqConnectionString(parsing: Self.uri)
        #expect(string.form == .uri)
        #expect(string.value(for: "user") == "user")
        #expect(string.value(for: "password") == "pass")
        #expect(string.value(for: "host") == "host1,host2")
        #expect(string.value(for: "port") == "5432,5433")
        #expect(string.value(for: "dbname") == "db")
        #expect(string.value(for: "sslmode") == "verify-full")
        #expect(string.value(for: "target_session_attrs") == "read-write")
        #expect(try string.hosts() == [Host(name: "host1", port: 5432), Host(name: "host2", port: 5433)])
        #expect(string.parameters.map(\.keyword) == ["user", "password", "host", "port", "dbname", "sslmode", "target_session_attrs"])
        #expect(string.parameters.first(where: { $0.keyword == "dbname" })?.position == TextPosition(line: 1, column: 46))
        #expect(Support.sameBytes(string.render(), Self.uri))
        #expect(string.validate().isEmpty)
    }

    @Test("URI: postgres:// prefix, percent-decoding, IPv6, empty parts, query overriding the authority")
    func uriDetails() throws {
        let short = try LibpqConnectionString(parsing: "postgres://us%40er:p%3Ass%2Fw@[::1]:5432,[fe80::1%25eth0]/my%20db")
        #expect(short.value(for: "user") == "us@er")
        #expect(short.value(for: "password") == "p:ss/w")
        #expect(short.value(for: "host") == "::1,fe80::1%eth0")
        #expect(short.value(for: "port") == "5432,")
        #expect(short.value(for: "dbname") == "my db")
        #expect(try short.hosts() == [Host(name: "::1", port: 5432), Host(name: "fe80::1%eth0")])

        let bare = try LibpqConnectionString(parsing: "postgresql://")
        #expect(bare.parameters.isEmpty)
        let socket = try LibpqConnectionString(parsing: "postgresql:///QSR?host=%2Fvar%2Frun%2Fpostgresql&port=4432")
        #expect(socket.value(for: "host") == "/var/run/postgresql")
        #expect(socket.value(for: "dbname") == "QSR")
        let override = try LibpqConnectionString(parsing: "postgresql://a:1/db?port=2")
        #expect(override.value(for: "port") == "2")
        #expect(try override.hosts() == [Host(name: "a", port: 2)])
        // Not a URI: the designator is case-sensitive in libpq.
        let upper = Support.coreError { _ = try LibpqConnectionString(parsing: "POSTGRESQL://a") }
        #expect(upper?.kind == .parse)
    }

    @Test("awkward URIs round-trip byte for byte", arguments: [
        uri,
        "postgresql://",
        "postgres://a",
        "\u{FEFF}postgresql://a/b",
        "postgresql://%E4%B8%AD:%F0%9F%98%80@h/d",
        "postgresql://[::1]:5432/db?application_name=%E4%B8%AD%20x",
        "postgresql://a,b,c/db?",
        "postgresql://h/db?password=" + String(repeating: "%41", count: 5_000),
        "postgresql://h:/db",
        "postgresql://:@h",
        "postgresql://a?ssl=true",
    ])
    func uriRoundTrip(text: String) throws {
        let string = try LibpqConnectionString(parsing: text)
        #expect(Support.sameBytes(string.render(), text))
        #expect(string.form == .uri)
    }

    @Test("URI set: values are percent-encoded in place and the string stays a URI")
    func uriSet() throws {
        var string = try LibpqConnectionString(parsing: Self.uri)
        try string.set("password", to: "p@ss:w/rd ü")
        Support.expectSplice(Self.uri, string.render(), replacing: ":pass@", with: ":p%40ss%3Aw%2Frd%20%C3%BC@")
        #expect(string.value(for: "password") == "p@ss:w/rd ü")
        #expect(string.form == .uri)

        var mode = try LibpqConnectionString(parsing: Self.uri)
        try mode.set("sslmode", to: "require")
        Support.expectSplice(Self.uri, mode.render(), replacing: "=verify-full", with: "=require")

        var database = try LibpqConnectionString(parsing: Self.uri)
        try database.set("dbname", to: "QSR")
        Support.expectSplice(Self.uri, database.render(), replacing: "/db?", with: "/QSR?")

        var added = try LibpqConnectionString(parsing: Self.uri)
        try added.set("application_name", to: "pg warden")
        #expect(Support.sameBytes(added.render(), Self.uri + "&application_name=pg%20warden"))
        var first = try LibpqConnectionString(parsing: "postgresql://h/db")
        try first.set("sslmode", to: "verify-full")
        #expect(Support.sameBytes(first.render(), "postgresql://h/db?sslmode=verify-full"))
    }

    @Test("URI set adds user info and database where there were none", arguments: [
        ("postgresql://h/db", "user", "svc", "postgresql://svc@h/db"),
        ("postgresql://h/db", "password", "pw", "postgresql://:pw@h/db"),
        ("postgresql://svc@h/db", "password", "pw", "postgresql://svc:pw@h/db"),
        ("postgresql://h", "dbname", "QSR", "postgresql://h/QSR"),
        ("postgresql://h?sslmode=require", "dbname", "QSR", "postgresql://h/QSR?sslmode=require"),
    ])
    func uriSetAdds(text: String, keyword: String, value: String, expected: String) throws {
        var string = try LibpqConnectionString(parsing: text)
        try string.set(keyword, to: value)
        #expect(Support.sameBytes(string.render(), expected))
        #expect(string.value(for: keyword) == value)
    }

    @Test("URI host edits rewrite only the authority's host list")
    func uriHosts() throws {
        var names = try LibpqConnectionString(parsing: Self.uri)
        try names.set("host", to: "db1,db2")
        Support.expectSplice(Self.uri, names.render(), replacing: "host1:5432,host2:5433", with: "db1:5432,db2:5433")

        var ports = try LibpqConnectionString(parsing: Self.uri)
        try ports.set("port", to: "4432")
        Support.expectSplice(Self.uri, ports.render(), replacing: "host1:5432,host2:5433", with: "host1:4432,host2:4432")

        var list = try LibpqConnectionString(parsing: Self.uri)
        try list.setHosts([Host(name: "::1", port: 4432), Host(name: "/tmp"), Host(name: "db3", port: 5432)])
        Support.expectSplice(Self.uri, list.render(), replacing: "host1:5432,host2:5433", with: "[::1]:4432,%2Ftmp,db3:5432")
        #expect(try list.hosts() == [Host(name: "::1", port: 4432), Host(name: "/tmp"), Host(name: "db3", port: 5432)])

        let error = Support.coreError { try ports.set("port", to: "1,2,3") }
        #expect(error?.kind == .invalid)
        let badPort = Support.coreError { try ports.set("port", to: "99999") }
        #expect(badPort?.kind == .invalid)
    }

    @Test("URI remove", arguments: [
        (uri, "sslmode", "postgresql://user:pass@host1:5432,host2:5433/db?target_session_attrs=read-write"),
        ("postgresql://h/db?sslmode=require", "sslmode", "postgresql://h/db"),
        (uri, "password", "postgresql://user@host1:5432,host2:5433/db?sslmode=verify-full&target_session_attrs=read-write"),
        ("postgresql://u@h/db", "user", "postgresql://h/db"),
        ("postgresql://u:p@h/db", "user", "postgresql://:p@h/db"),
        (uri, "port", "postgresql://user:pass@host1,host2/db?sslmode=verify-full&target_session_attrs=read-write"),
        (uri, "dbname", "postgresql://user:pass@host1:5432,host2:5433?sslmode=verify-full&target_session_attrs=read-write"),
        ("postgresql://u@a,b/db", "host", "postgresql://u@/db"),
    ])
    func uriRemove(text: String, keyword: String, expected: String) throws {
        var string = try LibpqConnectionString(parsing: text)
        #expect(try string.remove(keyword))
        #expect(Support.sameBytes(string.render(), expected))
        #expect(string.value(for: keyword) == nil)
    }

    // MARK: Validation

    @Test("validate reports unknown keywords and bad ports where they are")
    func validate() throws {
        let keywordValue = try LibpqConnectionString(parsing: "host=a sslmod=require port=44x32")
        let problems = keywordValue.validate()
        #expect(problems.count == 2)
        #expect(problems.allSatisfy { $0.kind == .invalid })
        #expect(problems.first?.message.contains("sslmod") == true)
        #expect(problems.first?.position == TextPosition(line: 1, column: 8))
        #expect(problems.last?.position == TextPosition(line: 1, column: 23))

        let uri = try LibpqConnectionString(parsing: "postgresql://h/db?ssl=true&sslmdoe=x&ssl=false")
        #expect(uri.validate().map(\.position) == [TextPosition(line: 1, column: 28), TextPosition(line: 1, column: 38)])
        #expect(try LibpqConnectionString(parsing: "requiressl=1 target_session_attrs=primary").validate().isEmpty)
    }

    @Test("set refuses keywords libpq does not know, and NUL characters")
    func setRefuses() throws {
        var string = try LibpqConnectionString(parsing: "host=a")
        #expect(Support.coreError { try string.set("sslmod", to: "x") }?.kind == .invalid)
        #expect(Support.coreError { try string.set("password", to: "a\u{0}") }?.kind == .invalid)
        #expect(Support.sameBytes(string.render(), "host=a"))
    }

    // MARK: Failures

    @Test("syntax errors carry the exact position and never the value", arguments: [
        ("host=a password='secret", 1, 17, "unterminated"),
        ("host=a\npassword = 'secret", 2, 12, "unterminated"),
        ("host=a secret", 1, 14, "missing \"=\""),
        ("host=a port 5432", 1, 13, "missing \"=\""),
        ("=a", 1, 1, "missing keyword"),
        ("postgresql://u:sec%zzret@h", 1, 19, "percent"),
        ("postgresql://h/db?password=abc%4", 1, 31, "percent"),
        ("postgresql://u:%00secret@h", 1, 16, "%00"),
        ("postgresql://h:99999/db", 1, 16, "invalid port"),
        ("postgresql://a:1,b:x2/db", 1, 20, "invalid port"),
        ("postgresql://[::1/db", 1, 14, "no closing"),
        ("postgresql://[]/db", 1, 14, "empty"),
        ("postgresql://[::1]x/db", 1, 19, "unexpected character"),
        ("postgresql://h/db?a=1=2", 1, 22, "extra key/value separator"),
        ("postgresql://h/db?sslmode=require&secret", 1, 35, "missing key/value separator"),
        ("postgresql://中:p@h/db?x=%G0", 1, 25, "percent"),
    ])
    func failures(text: String, line: Int, column: Int, fragment: String) {
        let error = Support.coreError { _ = try LibpqConnectionString(parsing: text) }
        #expect(error?.kind == .parse)
        #expect(error?.position == TextPosition(line: line, column: column))
        #expect(error?.message.contains(fragment) == true, "message: \(error?.message ?? "")")
        #expect(error?.message.contains("secret") == false)
        #expect(error?.hint != nil)
    }

    // MARK: Properties

    static let generatorKeywords = ["host", "port", "dbname", "user", "password", "sslmode", "application_name",
                                    "options", "target_session_attrs", "sslrootcert", "connect_timeout"]

    /// Writes a keyword/value value in a random valid way (libpq's rules, not the code under test).
    static func writeKeywordValue(_ value: String, _ rng: inout SplitMix64) -> String {
        let bytes = Array(value.utf8)
        let bareOK = !bytes.isEmpty && bytes.first != 0x27 && !bytes.contains { $0 == 0x20 || $0 == 0x09 }
        var result = ""
        if bareOK && Bool.random(using: &rng) {
            for scalar in value.unicodeScalars {
                // Backslash-escape some bytes at random; a backslash itself must be escaped.
                if scalar == "\\" || (scalar.isASCII && Int.random(in: 0..<5, using: &rng) == 0) { result += "\\" }
                result.unicodeScalars.append(scalar)
            }
            return result
        }
        result = "'"
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "'" { result += "\\" }
            result.unicodeScalars.append(scalar)
        }
        return result + "'"
    }

    static func generateKeywordValue(_ rng: inout SplitMix64) -> (String, [(String, String)]) {
        let keywords = generatorKeywords.shuffled(using: &rng).prefix(Int.random(in: 0...7, using: &rng))
        var text = ""
        var settings: [(String, String)] = []
        for keyword in keywords {
            let value = keyword == "port" ? String(Int.random(in: 1...65535, using: &rng)) : Support.randomValue(&rng)
            settings.append((keyword, value))
            text += (text.isEmpty ? Support.randomBlanks(&rng) : " " + Support.randomBlanks(&rng))
            text += keyword + Support.randomBlanks(&rng) + "=" + Support.randomBlanks(&rng) + writeKeywordValue(value, &rng)
        }
        text += Bool.random(using: &rng) ? Support.randomBlanks(&rng) + "\n" : ""
        return (text, settings)
    }

    static func percentEncode(_ value: String, _ rng: inout SplitMix64) -> String {
        var result = ""
        for byte in value.utf8 {
            let plain = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if plain && Bool.random(using: &rng) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: Bool.random(using: &rng))
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    static func generateURI(_ rng: inout SplitMix64) -> (String, [(String, String)]) {
        var text = Bool.random(using: &rng) ? "postgresql://" : "postgres://"
        var settings: [(String, String)] = []
        let nonEmpty = { (rng: inout SplitMix64) -> String in
            let value = Support.randomValue(&rng, maxLength: 8)
            return value.isEmpty ? "x" : value
        }
        if Bool.random(using: &rng) {
            let user = nonEmpty(&rng)
            settings.append(("user", user))
            text += percentEncode(user, &rng)
            if Bool.random(using: &rng) {
                let password = nonEmpty(&rng)
                settings.append(("password", password))
                text += ":" + percentEncode(password, &rng)
            }
            text += "@"
        }
        let hostCount = Int.random(in: 1...3, using: &rng)
        var hosts: [String] = []
        var ports: [String] = []
        for index in 0..<hostCount {
            let isIPv6 = Int.random(in: 0..<4, using: &rng) == 0
            let name = isIPv6 ? "fd00::\(index + 1)" : "db\(index)-\(Int.random(in: 0..<100, using: &rng)).example"
            hosts.append(name)
            text += (index > 0 ? "," : "") + (isIPv6 ? "[\(name)]" : percentEncode(name, &rng))
            if Bool.random(using: &rng) {
                let port = String(Int.random(in: 1...65535, using: &rng))
                ports.append(port)
                text += ":" + port
            } else {
                ports.append("")
            }
        }
        settings.append(("host", hosts.joined(separator: ",")))
        if ports.contains(where: { !$0.isEmpty }) { settings.append(("port", ports.joined(separator: ","))) }
        if Bool.random(using: &rng) {
            let database = nonEmpty(&rng)
            settings.append(("dbname", database))
            text += "/" + percentEncode(database, &rng)
        }
        let query = ["sslmode", "application_name", "options", "connect_timeout"].shuffled(using: &rng)
            .prefix(Int.random(in: 0...3, using: &rng))
        for (index, keyword) in query.enumerated() {
            let value = Support.randomValue(&rng)
            settings.append((keyword, value))
            text += (index == 0 ? "?" : "&") + keyword + "=" + percentEncode(value, &rng)
        }
        return (text, settings)
    }

    @Test("generated keyword/value strings and URIs round-trip and read back every value")
    func propertyRoundTrip() throws {
        var rng = SplitMix64(seed: 0x11B)
        for round in 0..<600 {
            let (text, settings) = round % 2 == 0 ? Self.generateKeywordValue(&rng) : Self.generateURI(&rng)
            let string = try LibpqConnectionString(parsing: text)
            #expect(Support.sameBytes(string.render(), text), "round trip of \(text.debugDescription)")
            for (keyword, value) in settings {
                #expect(string.value(for: keyword).map { Support.sameBytes($0, value) } == true,
                        "\(keyword) in \(text.debugDescription)")
            }
            #expect(string.validate().isEmpty, "\(text.debugDescription)")
        }
    }

    @Test("set then reparse returns the new value, keeps the form, and leaves every other keyword alone")
    func propertySet() throws {
        var rng = SplitMix64(seed: 0x11C)
        for round in 0..<600 {
            let (text, settings) = round % 2 == 0 ? Self.generateKeywordValue(&rng) : Self.generateURI(&rng)
            var string = try LibpqConnectionString(parsing: text)
            let form = string.form
            // Host and port lists have structure of their own; set them only with valid lists.
            let keyword = ["dbname", "user", "password", "sslmode", "application_name", "options"].randomElement(using: &rng) ?? "user"
            let value = Support.randomValue(&rng)
            let settable = !(form == .uri && value.isEmpty && ["dbname", "user", "password"].contains(keyword))
            guard settable else { continue }
            try string.set(keyword, to: value)
            let reread = try LibpqConnectionString(parsing: string.render())
            #expect(reread.form == form)
            #expect(reread.value(for: keyword).map { Support.sameBytes($0, value) } == true,
                    "\(keyword) in \(string.render().debugDescription)")
            for (other, otherValue) in settings where other != keyword {
                #expect(reread.value(for: other).map { Support.sameBytes($0, otherValue) } == true,
                        "\(other) after setting \(keyword) in \(text.debugDescription)")
            }
        }
    }
}
