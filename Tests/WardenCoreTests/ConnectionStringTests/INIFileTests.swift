import Testing
@testable import WardenCore

@Suite("INI files (services.conf)")
struct INIFileTests {
    typealias Support = ConnectionStringTestSupport

    /// The reference page's services.conf example, with the CRLF endings the real file has.
    static let servicesConf = [
        "[resource-distribution]",
        "Identity=Qlik.resource-distribution",
        "DisplayName=Resource Distribution",
        "ExePath=Node\\node.exe",
        "Script=..\\ResourceDistributionService\\server.js",
        "",
        "[resource-distribution.parameters]",
        "--secure",
        "--wes-port=${WESPort}",
        "--mode=server",
        "--log-path=${LogPath}",
        "--log-level=info",
        "--ssl=369098752",
        "",
    ].joined(separator: "\r\n")

    // MARK: Reading

    @Test("the reference services.conf: sections, settings and parameters")
    func reference() throws {
        let file = try INIFile(parsing: Self.servicesConf)
        #expect(Support.sameBytes(file.render(), Self.servicesConf))
        #expect(file.sections.map(\.name) == ["resource-distribution", "resource-distribution.parameters"])
        #expect(file.sections.map(\.headerLine) == [1, 7])
        #expect(file.value(of: "ExePath", in: "resource-distribution") == "Node\\node.exe")
        #expect(file.value(of: "exepath", in: "RESOURCE-DISTRIBUTION") == "Node\\node.exe")
        #expect(file.value(of: "Missing", in: "resource-distribution") == nil)
        #expect(file.parameter("--ssl", in: "resource-distribution.parameters")?.value == "369098752")
        #expect(file.parameter("ssl", in: "resource-distribution.parameters")?.line == 13)
        #expect(file.parameter("--secure", in: "resource-distribution.parameters") == INIFile.Parameter(name: "--secure", value: nil, line: 8))
        #expect(file.parameter("--SSL", in: "resource-distribution.parameters") == nil)
        #expect(file.parameter("--ssl", in: "resource-distribution") == nil)
        #expect(file.lines[5].kind == .blank)
    }

    @Test("comments, a leading unnamed section, blanks and indentation")
    func shapes() throws {
        let text = "; top comment\r\nGlobal = 1 \r\n# hash comment\r\n  [ spaced ]  ; trailing note\r\n\tKey = a value \r\n"
        let file = try INIFile(parsing: text)
        #expect(file.sections.map(\.name) == [nil, "spaced"])
        #expect(file.value(of: "Key", in: "spaced") == "a value")
        #expect(file.lines.map(\.kind) == [
            .comment, .setting(key: "Global", value: "1"), .comment, .section(name: "spaced"),
            .setting(key: "Key", value: "a value"),
        ])
    }

    @Test("awkward files round-trip byte for byte", arguments: [
        "",
        "\r\n\r\n",
        servicesConf,
        "\u{FEFF}[a]\r\nk=v\r\n",
        "[a]\nk=v\r\n--x\n\n",
        "[a]\r\nk=v",
        "[a]   \r\nk = v   \t\r\n",
        "[ünï]\r\nName=中文 😀\r\n",
        "[a]\r\n--x=" + String(repeating: "y", count: 20_000) + "\r\n",
        "[a]\r\n--flag\r\n--flag=again\r\n[a]\r\nk=v\r\n",
        "[a]\r\nk=\r\n--p=\r\n",
    ])
    func roundTrip(text: String) throws {
        #expect(Support.sameBytes(try INIFile(parsing: text).render(), text))
    }

    @Test("a section given twice is one section: lookups see both parts")
    func repeatedSection() throws {
        let file = try INIFile(parsing: "[a]\r\nk=1\r\n[b]\r\nk=2\r\n[A]\r\nk=3\r\n")
        #expect(file.value(of: "k", in: "a") == "3")
        #expect(file.value(of: "k", in: "b") == "2")
    }

    // MARK: Editing

    @Test("setParameter edits the value in place")
    func setParameterInPlace() throws {
        var file = try INIFile(parsing: Self.servicesConf)
        try file.setParameter("--ssl", to: "402653184", in: "resource-distribution.parameters")
        Support.expectSplice(Self.servicesConf, file.render(), replacing: "=369098752", with: "=402653184")
        #expect(file.parameter("ssl", in: "resource-distribution.parameters")?.value == "402653184")
    }

    @Test("setParameter turns a flag into a valued parameter and back")
    func setParameterFlag() throws {
        var file = try INIFile(parsing: Self.servicesConf)
        try file.setParameter("--secure", to: "yes", in: "resource-distribution.parameters")
        Support.expectSplice(Self.servicesConf, file.render(), replacing: "--secure\r\n", with: "--secure=yes\r\n")
        try file.setParameter("--secure", to: nil, in: "resource-distribution.parameters")
        #expect(Support.sameBytes(file.render(), Self.servicesConf))
        try file.setParameter("--secure", to: nil, in: "resource-distribution.parameters")
        #expect(Support.sameBytes(file.render(), Self.servicesConf))
    }

    @Test("a new parameter goes after the section's last entry, in its line-ending style")
    func setParameterAppends() throws {
        var file = try INIFile(parsing: Self.servicesConf)
        try file.setParameter("ssl-ciphers", to: "HIGH", in: "resource-distribution.parameters")
        Support.expectSplice(Self.servicesConf, file.render(), replacing: "--ssl=369098752\r\n",
                             with: "--ssl=369098752\r\n--ssl-ciphers=HIGH\r\n")

        // Before a trailing comment and the next section; with the section's own endings and indentation.
        let mixed = "[a]\n  --x=1\n\n; about b\r\n[b]\r\nk=v\r\n"
        var edited = try INIFile(parsing: mixed)
        try edited.setParameter("--y", to: nil, in: "a")
        #expect(Support.sameBytes(edited.render(), "[a]\n  --x=1\n  --y\n\n; about b\r\n[b]\r\nk=v\r\n"))

        // The last line has no newline: it gets the file's, and the new last line has none.
        let open = "[a]\r\n--x=1"
        var appended = try INIFile(parsing: open)
        try appended.setParameter("--z", to: "2", in: "a")
        #expect(Support.sameBytes(appended.render(), "[a]\r\n--x=1\r\n--z=2"))

        // A section with only its header.
        var headerOnly = try INIFile(parsing: "[a]\r\n[b]\r\n")
        try headerOnly.setParameter("--z", to: "2", in: "a")
        #expect(Support.sameBytes(headerOnly.render(), "[a]\r\n--z=2\r\n[b]\r\n"))
    }

    @Test("setValue edits in place or appends in the section's key style")
    func setValue() throws {
        var file = try INIFile(parsing: Self.servicesConf)
        try file.setValue("Node\\node18.exe", of: "exepath", in: "Resource-Distribution")
        Support.expectSplice(Self.servicesConf, file.render(), replacing: "Node\\node.exe", with: "Node\\node18.exe")

        var spaced = try INIFile(parsing: "[a]\r\nk = v\r\n\r\n[b]\r\n")
        try spaced.setValue("2", of: "New", in: "a")
        #expect(Support.sameBytes(spaced.render(), "[a]\r\nk = v\r\nNew = 2\r\n\r\n[b]\r\n"))

        var both = try INIFile(parsing: "[a]\r\nk=1\r\n[b]\r\n[a]\r\nk=3\r\n")
        try both.setValue("9", of: "K", in: "A")
        #expect(Support.sameBytes(both.render(), "[a]\r\nk=9\r\n[b]\r\n[a]\r\nk=9\r\n"))
    }

    @Test("remove takes whole lines and nothing else")
    func remove() throws {
        var file = try INIFile(parsing: Self.servicesConf)
        #expect(try file.removeParameter("ssl", in: "resource-distribution.parameters"))
        Support.expectSplice(Self.servicesConf, file.render(), replacing: "--ssl=369098752\r\n", with: "")
        #expect(try file.removeParameter("ssl", in: "resource-distribution.parameters") == false)
        #expect(try file.removeValue(of: "Script", in: "resource-distribution"))
        #expect(file.value(of: "Script", in: "resource-distribution") == nil)
        #expect(try file.removeValue(of: "Script", in: "nowhere") == false)
    }

    @Test("edits refuse what a line cannot hold, and missing sections")
    func editFailures() throws {
        var file = try INIFile(parsing: Self.servicesConf)
        #expect(Support.coreError { try file.setParameter("--ssl", to: "1\r\n--evil", in: "resource-distribution.parameters") }?.kind == .invalid)
        #expect(Support.coreError { try file.setValue(" padded", of: "k", in: "resource-distribution") }?.kind == .invalid)
        #expect(Support.coreError { try file.setParameter("--ssl", to: "1", in: "no-such.parameters") }?.kind == .notFound)
        #expect(Support.sameBytes(file.render(), Self.servicesConf))
    }

    // MARK: Failures

    @Test("lines of no known shape are errors with their position", arguments: [
        ("[unterminated", 1, 1, "no closing"),
        ("[a]\r\n  [b\r\n", 2, 3, "no closing"),
        ("[]\r\n", 1, 1, "empty name"),
        ("[a] trailing\r\n", 1, 5, "unexpected text"),
        ("[a]\r\n=value\r\n", 2, 1, "missing key"),
        ("[a]\r\n  just words\r\n", 2, 3, "expected Key=Value"),
        ("[a]\r\n--=x\r\n", 2, 1, "no name"),
        ("\u{FEFF}oops", 1, 1, "expected Key=Value"),
        ("[中文]\r\n中文 oops", 2, 1, "expected Key=Value"),
    ])
    func failures(text: String, line: Int, column: Int, fragment: String) {
        let error = Support.coreError { _ = try INIFile(parsing: text) }
        #expect(error?.kind == .parse)
        #expect(error?.position == TextPosition(line: line, column: column))
        #expect(error?.message.contains(fragment) == true, "message: \(error?.message ?? "")")
        #expect(error?.hint != nil)
    }

    // MARK: Properties

    struct GeneratedSection {
        var name: String
        var settings: [String: String] = [:]
        var parameters: [String: String?] = [:]
        var terminator: String
    }

    static func generate(_ rng: inout SplitMix64) -> (String, [GeneratedSection]) {
        let valueAlphabet = ["a", "Z", "0", "$", "{", "}", "\\", ".", "=", " ", "é", "中", "😀", ";", "#", "[", "]"]
        var text = Bool.random(using: &rng) ? "\u{FEFF}" : ""
        var sections: [GeneratedSection] = []
        for index in 0..<Int.random(in: 0...4, using: &rng) {
            let terminator = Bool.random(using: &rng) ? "\r\n" : "\n"
            var section = GeneratedSection(name: "svc\(index).parameters", terminator: terminator)
            text += "[\(section.name)]" + terminator
            for line in 0..<Int.random(in: 0...6, using: &rng) {
                let indent = Support.randomBlanks(&rng, max: 1)
                var value = Support.randomValue(&rng, alphabet: valueAlphabet, maxLength: 8)
                while value.hasPrefix(" ") || value.hasSuffix(" ") { value = "v" + Support.replacing(" ", with: "", in: value) + "v" }
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: text += indent + "; note " + value
                case 1: text += ""
                case 2:
                    let key = "Key\(line)"
                    section.settings[key] = value
                    text += indent + key + Support.randomBlanks(&rng, max: 1) + "=" + Support.randomBlanks(&rng, max: 1) + value
                case 3:
                    section.parameters["--flag\(line)"] = String?.none
                    text += indent + "--flag\(line)"
                default:
                    section.parameters["--p\(line)"] = value
                    text += indent + "--p\(line)=" + value
                }
                text += Support.randomBlanks(&rng, max: 1) + terminator
            }
            sections.append(section)
        }
        if Bool.random(using: &rng), text.hasSuffix("\n") {
            text.removeLast()  // no final newline (drops a whole "\r\n" grapheme or a "\n")
        }
        return (text, sections)
    }

    @Test("generated files round-trip and read back every value")
    func propertyRoundTrip() throws {
        var rng = SplitMix64(seed: 0x1F1)
        for _ in 0..<400 {
            let (text, sections) = Self.generate(&rng)
            let file = try INIFile(parsing: text)
            #expect(Support.sameBytes(file.render(), text))
            for section in sections {
                for (key, value) in section.settings {
                    #expect(file.value(of: key, in: section.name).map { Support.sameBytes($0, value) } == true)
                }
                for (name, value) in section.parameters {
                    #expect(file.parameter(name, in: section.name)?.value == value)
                }
            }
        }
    }

    @Test("setting a parameter changes only it, in the section's line-ending style")
    func propertySetParameter() throws {
        var rng = SplitMix64(seed: 0x1F2)
        for _ in 0..<400 {
            let (text, sections) = Self.generate(&rng)
            guard let section = sections.randomElement(using: &rng) else { continue }
            var file = try INIFile(parsing: text)
            let name = Bool.random(using: &rng) ? "--ssl" : (section.parameters.keys.randomElement(using: &rng) ?? "--ssl")
            let value: String? = Bool.random(using: &rng) ? String(Int.random(in: 0...Int(UInt32.max), using: &rng)) : nil
            let existed = file.parameter(name, in: section.name) != nil
            try file.setParameter(name, to: value, in: section.name)
            let reread = try INIFile(parsing: file.render())
            #expect(reread.parameter(name, in: section.name)?.value == value)
            for other in sections {
                for (key, otherValue) in other.settings {
                    #expect(reread.value(of: key, in: other.name).map { Support.sameBytes($0, otherValue) } == true)
                }
                for (otherName, otherValue) in other.parameters where !(other.name == section.name && otherName == name) {
                    #expect(reread.parameter(otherName, in: other.name)?.value == otherValue)
                }
            }
            let before = PlainTextBytes.lines(Array(text.utf8)).count
            let after = PlainTextBytes.lines(Array(file.render().utf8))
            #expect(after.count == before + (existed ? 0 : 1))
            if !existed, let added = reread.lines.first(where: {
                if case .parameter(let found, _) = $0.kind { return found == name }
                return false
            }), added.span.hasTerminator {
                let terminator = PlainTextBytes.string(PlainTextBytes.terminator(of: added.span, in: Array(file.render().utf8)))
                #expect(Support.sameBytes(terminator, section.terminator))
            }
        }
    }
}
