import Testing

@testable import WardenCore

/// A config file .NET could not load is refused with the exact line:column, never edited.
@Suite("XML config: failure paths")
struct DotNetConfigFileErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let kind: CoreError.Kind
        let line: Int
        let column: Int
        let message: String

        var testDescription: String { message }
    }

    static let head = "<configuration>\n  <connectionStrings>\n"
    static let tail = "\n  </connectionStrings>\n</configuration>\n"

    static let cases: [Case] = [
        Case(text: head + "    <!-- <add name=\"x\" connectionString=\"y\" />" + tail, kind: .parse, line: 3, column: 5,
             message: "unterminated comment"),
        Case(text: head + "    <add name=\"A\" connectionString=\"a\"" + tail, kind: .parse, line: 3, column: 5,
             message: "the tag <add> is not closed"),
        Case(text: head + "    <add name=\"A\" connectionString=\"Host=a;Password=x />" + tail, kind: .parse, line: 3, column: 36,
             message: "the value of attribute \"connectionString\" is not closed before the next '<'"),
        Case(text: head + "    <add name=\"A\" connectionString=\"Password=p&wd;\" />" + tail, kind: .parse, line: 3, column: 47,
             message: "unknown entity reference in the value of attribute \"connectionString\""),
        Case(text: head + "    <add name=\"A\" connectionString=\"Password=p&w d\" />" + tail, kind: .parse, line: 3, column: 47,
             message: "an '&' in the value of attribute \"connectionString\" does not start an entity reference"),
        Case(text: head + "    <add name=\"A\" connectionString=\"&#0;\" />" + tail, kind: .parse, line: 3, column: 37,
             message: "a character reference in the value of attribute \"connectionString\" is not a character XML allows"),
        Case(text: head + "    <add name=\"A\" connectionString=\"&#xD800;\" />" + tail, kind: .parse, line: 3, column: 37,
             message: "a character reference in the value of attribute \"connectionString\" is not a character XML allows"),
        Case(text: head + "    <add name=\"A\" name=\"B\" connectionString=\"a\" />" + tail, kind: .parse, line: 3, column: 19,
             message: "the attribute \"name\" appears twice in <add>"),
        Case(text: head + "    <add name=A connectionString=\"a\" />" + tail, kind: .parse, line: 3, column: 15,
             message: "the value of attribute \"name\" must be in quotes"),
        Case(text: head + "    <add name \"A\" />" + tail, kind: .parse, line: 3, column: 15,
             message: "expected '=' after the attribute name \"name\" in <add>"),
        Case(text: head + "    <add name=\"A\"connectionString=\"a\" />" + tail, kind: .parse, line: 3, column: 18,
             message: "attributes of <add> must be separated by whitespace"),
        Case(text: head + "    <add name=\"A\" connectionString=\"a\" / >" + tail, kind: .parse, line: 3, column: 40,
             message: "expected '/>' in the tag <add>"),
        Case(text: head + "    < add />" + tail, kind: .parse, line: 3, column: 5, message: "expected an element name after '<'"),
        Case(text: head + "  </connectionString>\n</configuration>\n", kind: .parse, line: 3, column: 3,
             message: "the end tag </connectionString> does not match <connectionStrings> opened at 2:3"),
        Case(text: head, kind: .parse, line: 3, column: 1,
             message: "the <connectionStrings> element opened at 2:3 is not closed"),
        Case(text: "<?xml version=\"1.0\"?>\n<!-- nothing -->\n", kind: .parse, line: 3, column: 1,
             message: "the file has no root element"),
        Case(text: "<?xml version=\"1.0\"\n<configuration />", kind: .parse, line: 1, column: 1,
             message: "unterminated XML declaration or processing instruction"),
        Case(text: "<configuration />\n<configuration />", kind: .parse, line: 2, column: 1,
             message: "a second root element <configuration>"),
        Case(text: "</configuration>", kind: .parse, line: 1, column: 1, message: "the end tag </configuration> has no start tag"),
        Case(text: "<configuration><x><![CDATA[ never closed </x></configuration>", kind: .parse, line: 1, column: 19,
             message: "unterminated CDATA section"),
        Case(text: head + "    <add connectionString=\"a\" />" + tail, kind: .invalid, line: 3, column: 5,
             message: "an <add> without a name attribute"),
        Case(text: head + "    <add name=\"A\" />" + tail, kind: .invalid, line: 3, column: 5,
             message: "<add name=\"A\"> has no connectionString attribute"),
        Case(text: head + "    <add name=\"QSR\" connectionString=\"a\" />\n    <add name=\"qsr\" connectionString=\"b\" />" + tail,
             kind: .invalid, line: 4, column: 5, message: "a second entry named \"qsr\" (the first is at 3:5)"),
        Case(text: head + "    <remove />" + tail, kind: .invalid, line: 3, column: 5, message: "a <remove> without a name attribute"),
        Case(text: "<configuration>\n  <connectionStrings />\n  <connectionStrings />\n</configuration>", kind: .invalid, line: 3,
             column: 3, message: "a second <connectionStrings> section (the first is at 2:3)"),
        Case(text: "<appSettings />", kind: .invalid, line: 1, column: 1, message: "the root element is <appSettings>, not <configuration>"),
    ]

    @Test("each bad file fails at its exact position with its message and a hint", arguments: cases)
    func failure(_ testCase: Case) throws {
        let error = try #require(throws: CoreError.self) { try DotNetConfigFile(parsing: testCase.text) }
        #expect(error.kind == testCase.kind)
        #expect(error.message == testCase.message)
        #expect(error.position == TextPosition(line: testCase.line, column: testCase.column))
        #expect(error.hint?.isEmpty == false)
    }

    @Test("positions are the same with CRLF and a BOM")
    func positionsIgnoreCRLFAndBOM() throws {
        let text = Self.head + "    <add name=\"A\" connectionString=\"Password=p&wd;\" />" + Self.tail
        for variant in XMLJSONText.variants(text) {
            let error = try #require(throws: CoreError.self) { try DotNetConfigFile(parsing: variant) }
            #expect(error.position == TextPosition(line: 3, column: 47))
        }
    }

    @Test("messages and hints never repeat a password")
    func noSecretsInErrors() throws {
        let secret = "s3cr3t"
        let texts = [
            Self.head + "    <add name=\"A\" connectionString=\"Password=\(secret)&\(secret);\" />" + Self.tail,
            Self.head + "    <add name=\"A\" connectionString=\"Password=\(secret)&\(secret)\" />" + Self.tail,
            Self.head + "    <add name=\"A\" connectionString=\"Password=\(secret)" + Self.tail,
            Self.head + "    <add name=\"A\" connectionString=\"Password=&#\(secret);\" />" + Self.tail,
        ]
        for text in texts {
            let error = try #require(throws: CoreError.self) { try DotNetConfigFile(parsing: text) }
            #expect(!error.description.contains(secret))
            #expect(!(error.hint ?? "").contains(secret))
        }
        var file = try DotNetConfigFile(parsing: Self.head + "    <add name=\"A\" connectionString=\"a\" />" + Self.tail)
        let control = try #require(throws: CoreError.self) {
            try file.setConnectionString(name: "A", value: "Password=\(secret)\u{7}")
        }
        #expect(!control.description.contains(secret))
    }
}
