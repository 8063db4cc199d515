import Testing
@testable import WardenCore

@Suite("ADO.NET connection strings")
struct ADOConnectionStringTests {
    typealias Key = ADOConnectionString.Key
    typealias Support = ConnectionStringTestSupport

    /// Verbatim from the vendor's database-security page (the QSR and QSMQ strings).
    static let qsr = "User ID=qliksenserepository;Ssl Mode=Require;Host='fullhostname.com';Port='4432';Database=QSR;Pooling=true;Min Pool Size=0;Max Pool Size=90;Connection Lifetime=3600;Unicode=true;Password='randompass';"
    static let qsmq = "User ID=qliksenserepository;Ssl Mode=Require;Host='fullhostname.com';Port='4432';Database=QSMQ;Pooling=true;Min Pool Size=0;Max Pool Size=90;Connection Lifetime=3600;Unicode=true;Password='randompass';"

    // MARK: Reading

    @Test("the reference strings read every key", arguments: [qsr, qsmq])
    func referenceStrings(text: String) throws {
        let string = try ADOConnectionString(parsing: text)
        #expect(Support.sameBytes(string.render(), text))
        #expect(string.value(for: .userID) == "qliksenserepository")
        #expect(string.value(for: .sslMode) == "Require")
        #expect(string.value(for: .host) == "fullhostname.com")
        #expect(string.value(for: .port) == "4432")
        #expect(string.value(for: .pooling) == "true")
        #expect(string.value(for: .minPoolSize) == "0")
        #expect(string.value(for: .maxPoolSize) == "90")
        #expect(string.value(for: .connectionLifetime) == "3600")
        #expect(string.value(for: .unicode) == "true")
        #expect(string.value(for: .password) == "randompass")
        #expect(string.value(for: .database) == (text == Self.qsr ? "QSR" : "QSMQ"))
        #expect(string.pairs.map(\.name) == ["User ID", "Ssl Mode", "Host", "Port", "Database", "Pooling",
                                              "Min Pool Size", "Max Pool Size", "Connection Lifetime", "Unicode", "Password"])
        #expect(string.pairs[2].quote == .single)
        #expect(string.pairs[0].quote == nil)
        #expect(string.validate().isEmpty)
    }

    @Test("synonyms map to one canonical key", arguments: [
        ("User ID", Key.userID), ("UserID", .userID), ("User Id", .userID), ("Username", .userID),
        ("User Name", .userID), ("UID", .userID), ("user", .userID),
        ("Password", .password), ("Pwd", .password), ("PSW", .password),
        ("Host", .host), ("Server", .host), ("Data Source", .host),
        ("Database", .database), ("Initial Catalog", .database), ("DB", .database),
        ("Ssl Mode", .sslMode), ("SslMode", .sslMode), ("SSL Mode", .sslMode), ("sslmode", .sslMode),
        ("SSL TLS Protocol", .sslTLSProtocol),
        ("Target Session", .targetSession), ("Target Session Attributes", .targetSession),
        ("Root Certificate", .rootCertificate), ("SSL CA Cert", .rootCertificate), ("SslCaCert", .rootCertificate),
        ("SSL Cert", .sslCertificate), ("SSL Certificate", .sslCertificate), ("SSL Key", .sslKey),
        ("Min Pool Size", .minPoolSize), ("Minimum Pool Size", .minPoolSize), ("MaxPoolSize", .maxPoolSize),
        ("Timeout", .timeout), ("Connection Timeout", .timeout), ("Port", .port),
    ])
    func synonyms(spelling: String, key: Key) throws {
        let string = try ADOConnectionString(parsing: "\(spelling)=v1;")
        #expect(string.value(for: key) == "v1")
        #expect(Key(spelling) == key)
        #expect(Key(spelling.uppercased()) == key)
        #expect(Key(spelling).isKnown)
    }

    @Test("unknown keys are kept and matched by their own spelling")
    func unknownKeys() throws {
        let string = try ADOConnectionString(parsing: "Search Path=app;Host=a")
        #expect(string.value(for: Key("search path")) == "app")
        #expect(string.value(for: Key("SearchPath")) == "app")
        #expect(!Key("Search Path").isKnown)
        #expect(Key("Pwd") != Key("Search Path"))
    }

    @Test("quoting, doubled quotes, == in keys and blanks are read by the ADO.NET rules", arguments: [
        ("Password='it''s'", "Password", "it's"),
        ("Password=\"say \"\"hi\"\"\"", "Password", "say \"hi\""),
        ("Password=\"it's\"", "Password", "it's"),
        ("Password='a;b=c'", "Password", "a;b=c"),
        ("  Password  =   spaced value   ;", "Password", "spaced value"),
        ("Password=", "Password", ""),
        ("Password=;Host=x", "Password", ""),
        ("a==b=c", "a=b", "c"),
        ("Password=x=y", "Password", "x=y"),
        ("Password=un'quoted", "Password", "un'quoted"),
        ("Password = 'quoted'  ;", "Password", "quoted"),
    ])
    func decoding(text: String, key: String, value: String) throws {
        let string = try ADOConnectionString(parsing: text)
        #expect(string.value(for: Key(key)) == value)
        #expect(Support.sameBytes(string.render(), text))
    }

    @Test("awkward inputs round-trip byte for byte", arguments: [
        "",
        ";",
        ";;Host=a;;;Port=1;;",
        "\u{FEFF}Host=a;Port=5432;",
        "Host=a;\r\nPort=5432;\r\n",
        "Host=a;\nPort=5432",
        "\tHost\t=\ta\t;\tPort = 1 ; ",
        "Host=ünïcödé.example;Password='пароль 中文 😀';",
        "Password='it''s';Host=\"say \"\"hi\"\"\"",
        "Host=a;Password=" + String(repeating: "x", count: 20_000) + ";",
        "Password='" + String(repeating: "''", count: 5_000) + "'",
        "Key With Spaces = value with spaces ;",
        "a==b==c=d;",
        "Host=e\u{301};Database=\u{E9}",
    ])
    func roundTrip(text: String) throws {
        let string = try ADOConnectionString(parsing: text)
        #expect(Support.sameBytes(string.render(), text))
    }

    @Test("canonically equivalent values stay byte-distinct")
    func canonicalEquivalence() throws {
        let string = try ADOConnectionString(parsing: "Host=e\u{301};Database=\u{E9}")
        #expect(Array((string.value(for: .host) ?? "").utf8) == [0x65, 0xCC, 0x81])
        #expect(Array((string.value(for: .database) ?? "").utf8) == [0xC3, 0xA9])
    }

    // MARK: Editing

    @Test("set edits the existing value in place, keeping key spelling and quotes")
    func setInPlace() throws {
        var string = try ADOConnectionString(parsing: Self.qsr)
        try string.set(.host, to: "db2.example.com")
        Support.expectSplice(Self.qsr, string.render(), replacing: "'fullhostname.com'", with: "'db2.example.com'")
        try string.set(Key("UID"), to: "svc")
        #expect(string.render().hasPrefix("User ID=svc;"))
        #expect(string.value(for: .userID) == "svc")
    }

    @Test("set switches quotes only when the value needs it")
    func setQuoting() throws {
        var string = try ADOConnectionString(parsing: Self.qsr)
        try string.set(.password, to: "it's")
        Support.expectSplice(Self.qsr, string.render(), replacing: "'randompass'", with: "\"it's\"")

        var both = try ADOConnectionString(parsing: Self.qsr)
        try both.set(.password, to: "a'b\"c")
        Support.expectSplice(Self.qsr, both.render(), replacing: "'randompass'", with: "'a''b\"c'")
        #expect(both.value(for: .password) == "a'b\"c")

        // An unquoted value that now needs quotes takes the string's preferred quote (single here).
        var database = try ADOConnectionString(parsing: Self.qsr)
        try database.set(.database, to: "a;b")
        Support.expectSplice(Self.qsr, database.render(), replacing: "=QSR;", with: "='a;b';")

        var plain = try ADOConnectionString(parsing: "Host=a;Database=b")
        try plain.set(.database, to: " padded ")
        #expect(Support.sameBytes(plain.render(), "Host=a;Database=\" padded \""))
        try plain.set(.host, to: "x=y")
        #expect(Support.sameBytes(plain.render(), "Host=\"x=y\";Database=\" padded \""))
        // A quoted value stays quoted even when the new value would not need it.
        try plain.set(.host, to: "plain")
        #expect(Support.sameBytes(plain.render(), "Host=\"plain\";Database=\" padded \""))
    }

    @Test("set appends an absent key in the string's own style", arguments: [
        (qsr, qsr + "SSL TLS Protocol=1.2;"),
        ("Host=a; Port=1", "Host=a; Port=1; SSL TLS Protocol=1.2"),
        ("Host = a ; Port = 1 ;", "Host = a ; Port = 1 ; SSL TLS Protocol = 1.2;"),
        ("", "SSL TLS Protocol=1.2;"),
        ("Host=a;  ", "Host=a;SSL TLS Protocol=1.2;  "),
    ])
    func setAppends(text: String, expected: String) throws {
        var string = try ADOConnectionString(parsing: text)
        try string.set(.sslTLSProtocol, to: "1.2")
        #expect(Support.sameBytes(string.render(), expected))
        #expect(string.value(for: .sslTLSProtocol) == "1.2")
    }

    @Test("an appended key uses the caller's spelling when not canonical")
    func appendSpelling() throws {
        var string = try ADOConnectionString(parsing: "Host=a;")
        try string.set(Key("Ssl Mode"), to: "Require")
        #expect(Support.sameBytes(string.render(), "Host=a;Ssl Mode=Require;"))
        try string.set(Key("weird=key"), to: "v")
        #expect(Support.sameBytes(string.render(), "Host=a;Ssl Mode=Require;weird==key=v;"))
        #expect(string.value(for: Key("weird=key")) == "v")
    }

    @Test("remove takes the pair, its ';' and its separator, nothing else", arguments: [
        ("Host=a; Port=1; Database=d", Key.port, "Host=a; Database=d"),
        ("Host=a; Port=1; Database=d", Key.database, "Host=a; Port=1"),
        ("Host=a;Port=1;Database=d;", Key.database, "Host=a;Port=1;"),
        ("Host=a;Port=1;Database=d;", Key.host, "Port=1;Database=d;"),
        ("Host=a", Key.host, ""),
        ("  Host=a;  ", Key.host, "    "),
        ("Host=a;UID=x;User ID=y", Key.userID, "Host=a"),
    ])
    func remove(text: String, key: Key, expected: String) throws {
        var string = try ADOConnectionString(parsing: text)
        #expect(try string.remove(key))
        #expect(Support.sameBytes(string.render(), expected))
        #expect(string.value(for: key) == nil)
        #expect(try string.remove(key) == false)
    }

    @Test("duplicates: the last wins, set edits all, validate reports")
    func duplicates() throws {
        var string = try ADOConnectionString(parsing: "UID=a;Host=h;User ID=b")
        #expect(string.value(for: .userID) == "b")
        let problems = string.validate()
        #expect(problems.count == 1)
        #expect(problems.first?.kind == .invalid)
        #expect(problems.first?.position == TextPosition(line: 1, column: 14))
        try string.set(.userID, to: "c")
        #expect(Support.sameBytes(string.render(), "UID=c;Host=h;User ID=c"))
    }

    @Test("a NUL character cannot be set")
    func nulRejected() throws {
        var string = try ADOConnectionString(parsing: "Host=a")
        let error = Support.coreError { try string.set(.password, to: "a\u{0}b") }
        #expect(error?.kind == .invalid)
    }

    // MARK: Failures

    @Test("syntax errors carry the exact position", arguments: [
        ("Host=a;Password='secret", 1, 17, "no closing quote"),
        ("Host=a;\r\n  Password=\"x", 2, 12, "no closing quote"),
        ("Host=a;Port;x=1", 1, 12, "missing '='"),
        ("Host=a;Port", 1, 12, "missing '='"),
        ("=x", 1, 1, "missing key"),
        ("Host=a; = x", 1, 9, "missing key"),
        ("Password='secret'x;", 1, 18, "unexpected text"),
        ("\u{FEFF}Host='é", 1, 6, "no closing quote"),
        ("Host='中文", 1, 6, "no closing quote"),
        ("Host=中文;Port='", 1, 14, "no closing quote"),
    ])
    func failures(text: String, line: Int, column: Int, fragment: String) {
        let error = Support.coreError { _ = try ADOConnectionString(parsing: text) }
        #expect(error?.kind == .parse)
        #expect(error?.position == TextPosition(line: line, column: column))
        #expect(error?.message.contains(fragment) == true)
        #expect(error?.message.contains("secret") == false)
        #expect(error?.hint != nil)
    }

    // MARK: Properties

    /// A pair the generator wrote, with the value it meant.
    struct GeneratedPair {
        var key: Key
        var value: String
    }

    static let generatorKeys: [[String]] = [
        ["User ID", "UserID", "Username", "uid"], ["Password", "Pwd", "PSW"], ["Host", "Server", "Data Source"],
        ["Port"], ["Database", "Initial Catalog", "DB"], ["Ssl Mode", "SslMode", "sslmode"],
        ["SSL TLS Protocol"], ["Target Session", "Target Session Attributes"], ["Pooling"],
        ["Custom Thing"], ["Search Path"], ["Application Name"],
    ]

    /// Writes `value` in a random valid way, using only the ADO.NET rules (not the code under test).
    static func write(_ value: String, _ rng: inout SplitMix64) -> String {
        let bytes = Array(value.utf8)
        // A leading `=` would pair with the key's `=` into an escaped `==`.
        let mustQuote = bytes.contains(0x3B) || bytes.first == 0x27 || bytes.first == 0x22 || bytes.first == 0x3D
            || bytes.first.map({ $0 == 0x20 || $0 == 0x09 }) == true
            || bytes.last.map({ $0 == 0x20 || $0 == 0x09 }) == true
        if !mustQuote && Bool.random(using: &rng) { return value }
        let quote = Bool.random(using: &rng) ? "'" : "\""
        return quote + Support.replacing(quote, with: quote + quote, in: value) + quote
    }

    static func generate(_ rng: inout SplitMix64) -> (String, [GeneratedPair]) {
        let count = Int.random(in: 0...8, using: &rng)
        let families = generatorKeys.shuffled(using: &rng).prefix(count)
        var text = Bool.random(using: &rng) ? "\u{FEFF}" : ""
        var pairs: [GeneratedPair] = []
        for (index, family) in families.enumerated() {
            let spelling = family.randomElement(using: &rng) ?? family[0]
            let cased = Bool.random(using: &rng) ? spelling.lowercased() : spelling
            let value = Support.randomValue(&rng)
            pairs.append(GeneratedPair(key: Key(spelling), value: value))
            text += Support.randomBlanks(&rng) + cased + Support.randomBlanks(&rng) + "="
                + Support.randomBlanks(&rng) + write(value, &rng) + Support.randomBlanks(&rng)
            if index < families.count - 1 || Bool.random(using: &rng) {
                text += String(repeating: ";", count: Int.random(in: 1...2, using: &rng))
            }
        }
        return (text, pairs)
    }

    @Test("generated strings round-trip and read back every value")
    func propertyRoundTrip() throws {
        var rng = SplitMix64(seed: 0xAD0)
        for _ in 0..<400 {
            let (text, pairs) = Self.generate(&rng)
            let string: ADOConnectionString
            do { string = try ADOConnectionString(parsing: text) } catch { Issue.record("\(error) in \(text.debugDescription)"); continue }
            #expect(Support.sameBytes(string.render(), text), "round trip failed for \(text)")
            for pair in pairs {
                #expect(string.value(for: pair.key).map { Support.sameBytes($0, pair.value) } == true,
                        "value of \(pair.key) in \(text)")
            }
        }
    }

    @Test("set then reparse returns the new value and leaves every other key alone")
    func propertySet() throws {
        var rng = SplitMix64(seed: 0xAD1)
        for _ in 0..<400 {
            let (text, pairs) = Self.generate(&rng)
            var string = try ADOConnectionString(parsing: text)
            let family = Self.generatorKeys.randomElement(using: &rng) ?? ["Host"]
            let key = Key(family[0])
            let newValue = Support.randomValue(&rng)
            let existed = string.value(for: key) != nil
            try string.set(key, to: newValue)
            let reread = try ADOConnectionString(parsing: string.render())
            #expect(reread.value(for: key).map { Support.sameBytes($0, newValue) } == true, "set \(key) in \(text)")
            for pair in pairs where pair.key != key {
                #expect(reread.value(for: pair.key).map { Support.sameBytes($0, pair.value) } == true)
            }
            let original = try ADOConnectionString(parsing: text)
            let rendered = Array(string.render().utf8)
            let textBytes = Array(text.utf8)
            if existed, let pair = original.pairs.first(where: { $0.key == key }) {
                // Everything before and after the edited value is untouched.
                #expect(rendered.starts(with: textBytes[..<pair.valueRange.lowerBound]))
                #expect(rendered.reversed().starts(with: textBytes[pair.valueRange.upperBound...].reversed()))
            } else {
                // Appended: the original is intact up to the last value, and its tail follows the new pair.
                let keep = original.pairs.last?.valueRange.upperBound ?? textBytes.count
                #expect(rendered.starts(with: textBytes[..<keep]))
                #expect(rendered.count > textBytes.count)
            }
        }
    }
}
