import Testing

@testable import WardenCore

/// Repository.exe.config: reading the connectionStrings section and editing it in place.
@Suite("XML config: Repository.exe.config connection strings")
struct DotNetConfigFileTests {
    /// A Repository.exe.config around the vendor page's two `<add>` lines.
    static let repositoryConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <configSections>
            <section name="Qlik" type="Qlik.Sense.Config, Qlik" />
          </configSections>
          <!-- <add name="OLD" connectionString="Host=old" /> -->
          <connectionStrings>
        \(VendorJSONAndXMLSnippets.repositoryAdds.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
          </connectionStrings>
          <appSettings>
            <add key="Mode" value="a &amp; b" />
          </appSettings>
        </configuration>
        """

    static let pageConnectionString =
        "User ID=qliksenserepository;Ssl Mode=Require;Host='fullhostname.com';Port='4432';Database=QSR;Pooling=true;"
        + "Min Pool Size=0;Max Pool Size=90;Connection Lifetime=3600;Unicode=true;Password='randompass';"

    /// The bytes between the quotes of an entry's connectionString attribute.
    static func valueRange(_ file: DotNetConfigFile, _ name: String) throws -> Range<Int> {
        let entry = try #require(file.entry(named: name))
        return try #require(file.elements[entry.element].attribute("connectionString")).valueRange
    }

    // MARK: Reading

    @Test("round-trips byte for byte (LF, CRLF, BOM, final newline or not)")
    func roundTrip() throws {
        for variant in XMLJSONText.variants(Self.repositoryConfig) {
            #expect(XMLJSONText.sameBytes(try DotNetConfigFile(parsing: variant).render(), variant))
        }
    }

    @Test("reads the page's entries: names, decoded strings, providers, positions; ignores comments and appSettings")
    func readsEntries() throws {
        for variant in XMLJSONText.variants(Self.repositoryConfig) {
            let file = try DotNetConfigFile(parsing: variant)
            #expect(file.entries.map(\.name) == ["QSR", "QSMQ"])
            #expect(file.entries.first?.connectionString == Self.pageConnectionString)
            #expect(file.entries.map(\.providerName) == ["Devart.Data.PostgreSql", "Devart.Data.PostgreSql"])
            #expect(file.entries.map(\.position) == [TextPosition(line: 8, column: 5), TextPosition(line: 9, column: 5)])
            #expect(file.connectionStrings?.position == TextPosition(line: 7, column: 3))
            #expect(file.connectionStrings?.isEncrypted == false)
            #expect(file.connectionStrings?.configSource == nil)
        }
    }

    @Test("attribute values decode entities, character references and whitespace like an XML reader")
    func decodesAttributeValues() throws {
        let text = "<configuration><connectionStrings>"
            + "<add name='A' connectionString='&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;\"' />"
            + "<add name=\"B\" connectionString=\"x\ty\nz\r\nw\rv\" />"
            + "<add name=\"C\" connectionString=\"keep&#10;line&#9;tab&#13;\" />"
            + "</connectionStrings></configuration>"
        let file = try DotNetConfigFile(parsing: text)
        #expect(file.entry(named: "A")?.connectionString == "&<>\"'AB😀\"")
        #expect(file.entry(named: "B")?.connectionString == "x y z w v")
        #expect(file.entry(named: "C")?.connectionString == "keep\nline\ttab\r")
        #expect(file.entry(named: "B")?.providerName == nil)
    }

    @Test("markup that only looks like an <add> is ignored: comments, CDATA, processing instructions, DOCTYPE")
    func ignoresLookalikes() throws {
        let text = """
            \u{FEFF}<?xml version="1.0"?>
            <!DOCTYPE configuration [ <!ENTITY x "<add name='dtd' connectionString='no' />"> <!-- ]> --> ]>
            <configuration>
              <?pi <add name="pi" connectionString="no" /> ?>
              <connectionStrings>
                <!-- <add name="comment" connectionString="no" />
                     spans lines -->
                <add name="real" connectionString="yes"
                     providerName="Npgsql"
                />
              </connectionStrings>
              <other><![CDATA[ <add name="cdata" connectionString="no" /> ]]></other>
            </configuration>
            """
        let file = try DotNetConfigFile(parsing: text)
        #expect(file.entries.map(\.name) == ["real"])
        #expect(file.entries.first?.providerName == "Npgsql")
        #expect(file.entries.first?.position == TextPosition(line: 8, column: 5))
        #expect(XMLJSONText.sameBytes(file.render(), text))
    }

    @Test("<remove> and <clear> are reported and applied like .NET applies them")
    func removeAndClear() throws {
        let text = """
            <configuration>
              <connectionStrings>
                <add name="Old" connectionString="a" />
                <clear />
                <add name="QSR" connectionString="b" />
                <add name="QSMQ" connectionString="c" />
                <remove name="qsr" />
                <add name="QSR" connectionString="d" />
              </connectionStrings>
            </configuration>
            """
        let file = try DotNetConfigFile(parsing: text)
        let items = try #require(file.connectionStrings?.items)
        #expect(items.count == 6)
        #expect(items[1] == .clear(position: TextPosition(line: 4, column: 5)))
        #expect(items[4] == .remove(name: "qsr", position: TextPosition(line: 7, column: 5)))
        #expect(file.entries.map(\.name) == ["QSMQ", "QSR"])
        #expect(file.entry(named: "qsr")?.connectionString == "d")
        #expect(file.entry(named: "Old") == nil)
    }

    // MARK: Setting a connection string

    @Test("setting a value splices only the attribute's bytes, escaped for its quote character", arguments: ["\"", "'"])
    func setEscapesForQuote(quote: String) throws {
        let text = "<configuration>\r\n  <connectionStrings>\r\n    <add name=\(quote)QSR\(quote) connectionString=\(quote)Host=a\(quote) providerName=\(quote)P\(quote)/>\r\n  </connectionStrings>\r\n</configuration>\r\n"
        var file = try DotNetConfigFile(parsing: text)
        let range = try Self.valueRange(file, "QSR")
        let value = "Host=db1,db2;Password='p\"w&<d>';Options=a\tb\nc\r"
        try file.setConnectionString(name: "qsr", value: value)
        let escaped = quote == "\""
            ? "Host=db1,db2;Password='p&quot;w&amp;&lt;d>';Options=a&#9;b&#10;c&#13;"
            : "Host=db1,db2;Password=&apos;p\"w&amp;&lt;d>&apos;;Options=a&#9;b&#10;c&#13;"
        #expect(XMLJSONText.sameBytes(file.render(), XMLJSONText.splicing(text, range, with: escaped)))
        #expect(file.entry(named: "QSR")?.connectionString == value)
        #expect(try DotNetConfigFile(parsing: file.render()).entry(named: "QSR")?.connectionString == value)
    }

    @Test("setting the page's entries in every variant changes nothing outside the value")
    func setInVariants() throws {
        for variant in XMLJSONText.variants(Self.repositoryConfig) {
            var file = try DotNetConfigFile(parsing: variant)
            let range = try Self.valueRange(file, "QSMQ")
            let value = Self.pageConnectionString.replacingFirstASCII("Host='fullhostname.com'", "Host=db1,db2;Target Session=Primary")
            try file.setConnectionString(name: "QSMQ", value: value)
            #expect(XMLJSONText.sameBytes(file.render(), XMLJSONText.splicing(variant, range, with: value)))
            #expect(file.entry(named: "QSR")?.connectionString == Self.pageConnectionString)
        }
    }

    @Test("setting the value an entry already has leaves the file untouched, whatever its escapes")
    func setSameValueIsANoOp() throws {
        let text = #"<configuration><connectionStrings><add name="A" connectionString="a&#38;b" /></connectionStrings></configuration>"#
        var file = try DotNetConfigFile(parsing: text)
        try file.setConnectionString(name: "A", value: "a&b")
        #expect(XMLJSONText.sameBytes(file.render(), text))
    }

    @Test("refusals: unknown name, control characters, no section, configSource, encrypted section")
    func setRefusals() throws {
        var file = try DotNetConfigFile(parsing: Self.repositoryConfig)
        let unknown = try #require(throws: CoreError.self) { try file.setConnectionString(name: "Nope", value: "x") }
        #expect(unknown.kind == .notFound)
        #expect(unknown.hint == "the section has \"QSR\", \"QSMQ\"")
        let control = try #require(throws: CoreError.self) { try file.setConnectionString(name: "QSR", value: "a\u{1}b") }
        #expect(control.kind == .invalid)
        #expect(XMLJSONText.sameBytes(file.render(), Self.repositoryConfig))

        var bare = try DotNetConfigFile(parsing: "<configuration><appSettings /></configuration>")
        #expect(bare.connectionStrings == nil)
        let none = try #require(throws: CoreError.self) { try bare.addConnectionString(name: "QSR", value: "x") }
        #expect(none.kind == .notFound)

        var external = try DotNetConfigFile(parsing: "<configuration>\n  <connectionStrings configSource=\"cs.config\" />\n</configuration>")
        #expect(external.connectionStrings?.configSource == "cs.config")
        let source = try #require(throws: CoreError.self) { try external.addConnectionString(name: "QSR", value: "x") }
        #expect(source.kind == .unsupported)
        #expect(source.position == TextPosition(line: 2, column: 3))
    }

    @Test("an encrypted section is reported and refused for edits")
    func encryptedSection() throws {
        let text = """
            <configuration>
              <connectionStrings configProtectionProvider="DataProtectionConfigurationProvider">
                <EncryptedData>
                  <CipherData>
                    <CipherValue>AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA</CipherValue>
                  </CipherData>
                </EncryptedData>
              </connectionStrings>
            </configuration>
            """
        var file = try DotNetConfigFile(parsing: text)
        #expect(file.connectionStrings?.isEncrypted == true)
        #expect(file.connectionStrings?.protectionProvider == "DataProtectionConfigurationProvider")
        #expect(file.entries.isEmpty)
        let error = try #require(throws: CoreError.self) { try file.setConnectionString(name: "QSR", value: "x") }
        #expect(error.kind == .unsupported)
        #expect(error.message == "the <connectionStrings> section is encrypted with DataProtectionConfigurationProvider")
    }

    @Test("a configSource file (root <connectionStrings>) is read and edited directly")
    func configSourceFile() throws {
        var file = try DotNetConfigFile(parsing: "<connectionStrings>\n\t<add name=\"QSR\" connectionString=\"a\" />\n</connectionStrings>\n")
        try file.addConnectionString(name: "QSMQ", value: "b")
        #expect(file.render() == "<connectionStrings>\n\t<add name=\"QSR\" connectionString=\"a\" />\n\t<add name=\"QSMQ\" connectionString=\"b\" />\n</connectionStrings>\n")
    }

    // MARK: Adding an entry

    @Test("a new <add> goes after the last item, in its indentation, line ending, quotes and closing style")
    func addAfterLastItem() throws {
        for variant in XMLJSONText.variants(Self.repositoryConfig) {
            var file = try DotNetConfigFile(parsing: variant)
            try file.addConnectionString(name: "SenseServices", value: "Host=db1;Password='x&y'", providerName: "Devart.Data.PostgreSql")
            let newline = variant.utf8.contains(UInt8(ascii: "\r")) ? "\r\n" : "\n"
            let end = try #require(XMLJSONText.byteOffset(of: newline + "  </connectionStrings>", in: variant))
            let added = newline
                + "    <add name=\"SenseServices\" connectionString=\"Host=db1;Password='x&amp;y'\" providerName=\"Devart.Data.PostgreSql\" />"
            #expect(XMLJSONText.sameBytes(file.render(), XMLJSONText.splicing(variant, end..<end, with: added)))
            #expect(file.entries.map(\.name) == ["QSR", "QSMQ", "SenseServices"])
        }
        var single = try DotNetConfigFile(
            parsing: "<configuration>\n\t<connectionStrings>\n\t\t<add name='A' connectionString='a'/> <!-- main -->\n\t</connectionStrings>\n</configuration>")
        try single.addConnectionString(name: "B", value: "it's")
        #expect(single.render() == "<configuration>\n\t<connectionStrings>\n\t\t<add name='A' connectionString='a'/> <!-- main -->\n\t\t<add name='B' connectionString='it&apos;s'/>\n\t</connectionStrings>\n</configuration>")
    }

    @Test("an empty or self-closing section opens up to hold the first entry", arguments: [
        ("<configuration>\n  <connectionStrings>\n  </connectionStrings>\n</configuration>\n",
         "<configuration>\n  <connectionStrings>\n    <add name=\"QSR\" connectionString=\"a\" />\n  </connectionStrings>\n</configuration>\n"),
        ("<configuration>\r\n    <connectionStrings></connectionStrings>\r\n</configuration>",
         "<configuration>\r\n    <connectionStrings>\r\n        <add name=\"QSR\" connectionString=\"a\" />\r\n    </connectionStrings>\r\n</configuration>"),
        ("<configuration>\n\t<connectionStrings />\n</configuration>\n",
         "<configuration>\n\t<connectionStrings>\n\t\t<add name=\"QSR\" connectionString=\"a\" />\n\t</connectionStrings>\n</configuration>\n"),
        ("<configuration>\n  <connectionStrings>\n    <clear />\n  </connectionStrings>\n</configuration>\n",
         "<configuration>\n  <connectionStrings>\n    <clear />\n    <add name=\"QSR\" connectionString=\"a\" />\n  </connectionStrings>\n</configuration>\n"),
    ])
    func addIntoEmptySection(before: String, after: String) throws {
        var file = try DotNetConfigFile(parsing: before)
        try file.addConnectionString(name: "QSR", value: "a")
        #expect(file.render() == after)
    }

    @Test("adding a name that exists (in any letter case) is refused; after <remove> it is allowed")
    func addRefusals() throws {
        var file = try DotNetConfigFile(parsing: Self.repositoryConfig)
        let error = try #require(throws: CoreError.self) { try file.addConnectionString(name: "qsmq", value: "x") }
        #expect(error.kind == .invalid)
        #expect(error.position == TextPosition(line: 9, column: 5))
        var removed = try DotNetConfigFile(
            parsing: "<configuration><connectionStrings><add name=\"A\" connectionString=\"a\" /><remove name=\"A\" /></connectionStrings></configuration>")
        try removed.addConnectionString(name: "A", value: "b")
        #expect(removed.entry(named: "A")?.connectionString == "b")
    }

    // MARK: Properties

    @Test("set then reparse returns exactly the value set, for random values and both quote characters")
    func setProperty() throws {
        var random = SplitMix64(seed: 0x5EED)
        let alphabet: [String] = ["a", "Z", "9", " ", ";", "=", "'", "\"", "&", "<", ">", "\t", "\n", "\r", "é", "😀", "&amp;", "]]>", "-->"]
        for round in 0..<300 {
            let quote = Bool.random(using: &random) ? "\"" : "'"
            let text = "<configuration>\n  <connectionStrings>\n    <add name=\(quote)A\(quote) connectionString=\(quote)old\(quote) />\n  </connectionStrings>\n</configuration>\n"
            let length = Int.random(in: 0...24, using: &random)
            let value = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }.joined()
            var file = try DotNetConfigFile(parsing: text)
            let range = try Self.valueRange(file, "A")
            try file.setConnectionString(name: "A", value: value)
            let reread = try DotNetConfigFile(parsing: file.render())
            let read = try #require(reread.entry(named: "A")?.connectionString)
            #expect(read.unicodeScalars.elementsEqual(value.unicodeScalars), "round \(round)")
            let new = Array(file.render().utf8)
            let old = Array(text.utf8)
            #expect(new.starts(with: old[..<range.lowerBound]), "round \(round)")
            #expect(new.reversed().starts(with: old[range.upperBound...].reversed()), "round \(round)")
        }
    }
}

extension String {
    fileprivate func replacingFirstASCII(_ needle: String, _ replacement: String) -> String {
        XMLJSONText.replacingFirst(needle, with: replacement, in: self) ?? self
    }
}
