import Testing

@testable import WardenCore

/// Edits change only the bytes they must, and new text looks like the text around it.
@Suite("JSONC: editing in place")
struct JSONCEditTests {
    /// Builds a document from `(depth, text)` lines in a given indentation unit and line ending.
    static func layout(_ lines: [(Int, String)], unit: String, newline: String = "\n") -> String {
        lines.map { String(repeating: unit, count: $0.0) + $0.1 }.joined(separator: newline) + newline
    }

    static let units = ["  ", "    ", "\t"]

    // MARK: Replacing values

    @Test("replacing a scalar rewrites exactly the node's bytes, in every variant")
    func replaceScalars() throws {
        let edits: [(JSONCPath, JSONCValue, String)] = [
            (["Postgres", "Security", "Mode"], "verify-full", "\"verify-full\""),
            (["Postgres", "Port"], 5432, "5432"),
            (["Postgres", "Security", "Enable"], false, "false"),
            (["Postgres", "Password"], "AQAAANCMnd8-sealed", "\"AQAAANCMnd8-sealed\""),
            (["Postgres", "Host"], nil, "null"),
        ]
        for variant in XMLJSONText.variants(VendorJSONAndXMLSnippets.nlBroker) {
            for (path, value, written) in edits {
                var document = try JSONCDocument(parsing: variant)
                let range = try #require(document.node(at: path)).range
                try document.set(value, at: path)
                #expect(XMLJSONText.sameBytes(document.render(), XMLJSONText.splicing(variant, range, with: written)))
                #expect(document.value(at: path) == value)
            }
        }
    }

    @Test("untouched numbers keep their spelling")
    func numbersKeepTheirSpelling() throws {
        var document = try JSONCDocument(parsing: #"{"a": 1e10, "b": -0, "c": 1.50, "d": 2E+3}"#)
        try document.set(.number(JSONCNumber(7)), at: ["b"])
        #expect(document.render() == #"{"a": 1e10, "b": 7, "c": 1.50, "d": 2E+3}"#)
        try document.set(.number(try #require(JSONCNumber(spelling: "6.02e23"))), at: ["c"])
        #expect(document.render() == #"{"a": 1e10, "b": 7, "c": 6.02e23, "d": 2E+3}"#)
    }

    @Test("new strings are escaped minimally: quotes, backslashes, control characters")
    func stringsAreEscapedMinimally() throws {
        let cases: [(String, String)] = [
            (#"D:\certs\client "new".pem"#, #""D:\\certs\\client \"new\".pem""#),
            ("höst-ünïcode-😀", "\"höst-ünïcode-😀\""),
            ("line1\nline2\ttab\u{1}", #""line1\nline2\ttab\u0001""#),
            ("a/b </script>", "\"a/b </script>\""),
        ]
        for (value, written) in cases {
            var document = try JSONCDocument(parsing: "{\n  \"k\": \"old\" // keep me\n}\n")
            try document.set(.string(value), at: ["k"])
            #expect(XMLJSONText.sameBytes(document.render(), "{\n  \"k\": \(written) // keep me\n}\n"))
            let reread = try JSONCDocument(parsing: document.render())
            #expect(reread.value(at: ["k"]).map { XMLJSONText.strictlyEqual($0, .string(value)) } == true)
        }
    }

    @Test("setting the value a key already has changes nothing, whatever its escapes")
    func sameValueIsANoOp() throws {
        let text = "{ \"Mode\": \"\\u0072equire\", \"Port\": 4432 }"
        var document = try JSONCDocument(parsing: text)
        try document.set("require", at: ["Mode"])
        try document.set(4432, at: ["Port"])
        #expect(XMLJSONText.sameBytes(document.render(), text))
    }

    @Test("replacing a scalar with an object writes it in the file's indentation")
    func replaceScalarWithObject() throws {
        for unit in Self.units {
            let text = Self.layout([(0, "{"), (1, "\"Postgres\": {"), (2, "\"Security\": false"), (1, "}"), (0, "}")], unit: unit)
            var document = try JSONCDocument(parsing: text)
            try document.set(["Enable": true, "Mode": "require"], at: ["Postgres", "Security"])
            let expected = Self.layout(
                [(0, "{"), (1, "\"Postgres\": {"), (2, "\"Security\": {"), (3, "\"Enable\": true,"), (3, "\"Mode\": \"require\""),
                 (2, "}"), (1, "}"), (0, "}")], unit: unit)
            #expect(XMLJSONText.sameBytes(document.render(), expected))
        }
    }

    // MARK: Inserting members

    @Test("a new key in a nested object is written like its siblings (2 spaces, 4 spaces, tabs; LF and CRLF)")
    func insertNestedScalar() throws {
        for unit in Self.units {
            for newline in ["\n", "\r\n"] {
                let before: [(Int, String)] = [
                    (0, "{"), (1, "\"Postgres\": {"), (2, "\"Host\": \"localhost\","), (2, "\"Security\": {"),
                    (3, "\"Enable\": true"), (2, "}"), (1, "}"), (0, "}"),
                ]
                var document = try JSONCDocument(parsing: Self.layout(before, unit: unit, newline: newline))
                try document.set("require", at: ["Postgres", "Security", "Mode"])
                let after: [(Int, String)] = [
                    (0, "{"), (1, "\"Postgres\": {"), (2, "\"Host\": \"localhost\","), (2, "\"Security\": {"),
                    (3, "\"Enable\": true,"), (3, "\"Mode\": \"require\""), (2, "}"), (1, "}"), (0, "}"),
                ]
                #expect(XMLJSONText.sameBytes(document.render(), Self.layout(after, unit: unit, newline: newline)))
            }
        }
    }

    @Test("a new nested object is laid out one member per line, one unit deeper")
    func insertNestedObject() throws {
        for unit in Self.units {
            let before: [(Int, String)] = [(0, "{"), (1, "\"Postgres\": {"), (2, "\"Port\": 4432"), (1, "}"), (0, "}")]
            var document = try JSONCDocument(parsing: Self.layout(before, unit: unit))
            try document.set(
                ["Enable": true, "RootCertificate": ["Path": "root.pem"], "Hosts": ["a", "b"], "Empty": [:]],
                at: ["Postgres", "Security"])
            let after: [(Int, String)] = [
                (0, "{"), (1, "\"Postgres\": {"), (2, "\"Port\": 4432,"), (2, "\"Security\": {"), (3, "\"Enable\": true,"),
                (3, "\"RootCertificate\": {"), (4, "\"Path\": \"root.pem\""), (3, "},"), (3, "\"Hosts\": ["), (4, "\"a\","),
                (4, "\"b\""), (3, "],"), (3, "\"Empty\": {}"), (2, "}"), (1, "}"), (0, "}"),
            ]
            #expect(XMLJSONText.sameBytes(document.render(), Self.layout(after, unit: unit)))
        }
    }

    @Test("inserting into the vendor's NL broker file touches only the new line and one comma")
    func insertIntoVendorFile() throws {
        for variant in XMLJSONText.variants(VendorJSONAndXMLSnippets.nlBroker) {
            var document = try JSONCDocument(parsing: variant)
            try document.set(false, at: ["Postgres", "Security", "CheckRevocation"])
            let newline = variant.utf8.contains(UInt8(ascii: "\r")) ? "\r\n" : "\n"
            let change = XMLJSONText.changedRegion(from: variant, to: document.render())
            #expect(change.removed.isEmpty)
            #expect(XMLJSONText.sameBytes(change.inserted, "," + newline + "      \"CheckRevocation\": false"))
            #expect(document.value(at: ["Postgres", "Security", "CheckRevocation"]) == false)
        }
    }

    @Test("trailing-comma style is kept")
    func insertKeepsTrailingCommas() throws {
        var document = try JSONCDocument(parsing: "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2,\n  },\n}\n")
        try document.set(3, at: ["b", "d"])
        #expect(document.render() == "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2,\n    \"d\": 3,\n  },\n}\n")
    }

    @Test("a comment after the last member stays on its line; a commented-out line stays below")
    func insertAfterComments() throws {
        var commented = try JSONCDocument(parsing: "{\n  \"a\": 1, // first\n  \"b\": 2 /* second */ // !\n}")
        try commented.set(3, at: ["c"])
        #expect(commented.render() == "{\n  \"a\": 1, // first\n  \"b\": 2, /* second */ // !\n  \"c\": 3\n}")

        var disabled = try JSONCDocument(parsing: "{\n  \"a\": 1\n  // \"b\": 2\n}\n")
        try disabled.set(3, at: ["b"])
        #expect(disabled.render() == "{\n  \"a\": 1,\n  \"b\": 3\n  // \"b\": 2\n}\n")
    }

    @Test("one-line objects stay one line, in their own spacing")
    func insertIntoOneLineObjects() throws {
        let cases: [(String, JSONCPath, String)] = [
            (#"{"Postgres": {"Host": "db1", "Port": 4432}}"#, ["Postgres", "Ssl"],
             #"{"Postgres": {"Host": "db1", "Port": 4432, "Ssl": true}}"#),
            (#"{ "a": 1 }"#, ["Ssl"], #"{ "a": 1, "Ssl": true }"#),
            (#"{"a":1,"b":2}"#, ["Ssl"], #"{"a":1,"b":2,"Ssl":true}"#),
            (#"{"a": 1,}"#, ["Ssl"], #"{"a": 1, "Ssl": true,}"#),
            (#"{}"#, ["Ssl"], #"{"Ssl": true}"#),
            (#"{ }"#, ["Ssl"], #"{ "Ssl": true }"#),
        ]
        for (before, path, after) in cases {
            var document = try JSONCDocument(parsing: before)
            try document.set(true, at: path)
            #expect(document.render() == after)
        }
        var nested = try JSONCDocument(parsing: #"{"a": 1}"#)
        try nested.set(["x": [1, 2], "y": [:]], at: ["b"])
        #expect(nested.render() == #"{"a": 1, "b": {"x": [1, 2], "y": {}}}"#)
    }

    @Test("an empty object in a multi-line file opens up; comments inside it are kept")
    func insertIntoEmptyObjects() throws {
        for unit in Self.units {
            var document = try JSONCDocument(parsing: Self.layout([(0, "{"), (1, "\"Security\": {}"), (0, "}")], unit: unit))
            try document.set(true, at: ["Security", "Enable"])
            let expected = Self.layout([(0, "{"), (1, "\"Security\": {"), (2, "\"Enable\": true"), (1, "}"), (0, "}")], unit: unit)
            #expect(document.render() == expected)
        }
        var commented = try JSONCDocument(parsing: "{\n  \"Security\": {\n    // nothing yet\n  }\n}\n")
        try commented.set(true, at: ["Security", "Enable"])
        #expect(commented.render() == "{\n  \"Security\": {\n    // nothing yet\n    \"Enable\": true\n  }\n}\n")
    }

    @Test("comma-first layout gets a comma-first member")
    func insertCommaFirst() throws {
        var document = try JSONCDocument(parsing: "{\n  \"a\": 1\n  , \"b\": 2\n}\n")
        try document.set(3, at: ["c"])
        #expect(document.render() == "{\n  \"a\": 1\n  , \"b\": 2\n  , \"c\": 3\n}\n")
    }

    @Test("a key that differs only in letter case is refused; a missing parent is not created")
    func insertRefusals() throws {
        var document = try JSONCDocument(parsing: VendorJSONAndXMLSnippets.nlBroker)
        let clash = try #require(throws: CoreError.self) { try document.set("x", at: ["Postgres", "host"]) }
        #expect(clash.kind == .invalid)
        #expect(clash.position == TextPosition(line: 3, column: 5))
        let missing = try #require(throws: CoreError.self) { try document.set("x", at: ["Postgres", "Tls", "Mode"]) }
        #expect(missing.kind == .notFound)
        #expect(missing.message == "no key \"Tls\" in the object at Postgres")
        let scalar = try #require(throws: CoreError.self) { try document.set("x", at: ["Postgres", "Port", "x"]) }
        #expect(scalar.kind == .invalid)
        #expect(scalar.message == "Postgres.Port is a number, not an object")
        let index = try #require(throws: CoreError.self) { try document.set("x", at: ["Postgres", 0]) }
        #expect(index.message == "Postgres is an object, not an array")
        #expect(XMLJSONText.sameBytes(document.render(), VendorJSONAndXMLSnippets.nlBroker))
    }

    // MARK: Removing members

    @Test("removing a member takes its line; removing the last one also takes the comma before it")
    func removeFromVendorFile() throws {
        for variant in XMLJSONText.variants(VendorJSONAndXMLSnippets.nlBroker) {
            let newline = variant.utf8.contains(UInt8(ascii: "\r")) ? "\r\n" : "\n"
            var document = try JSONCDocument(parsing: variant)
            try document.remove(at: ["Postgres", "Schema"])
            let withoutSchema = try #require(
                XMLJSONText.replacingFirst("    \"Schema\": \"nl_broker\"," + newline, with: "", in: variant))
            #expect(XMLJSONText.sameBytes(document.render(), withoutSchema))
            #expect(document.value(at: ["Postgres", "Schema"]) == nil)

            // The last member of "Postgres": its lines go, and so does the comma after "Password".
            try document.remove(at: ["Postgres", "Security"])
            let cut = try #require(XMLJSONText.byteOffset(of: "," + newline + "    \"Security\"", in: withoutSchema))
            let resume = try #require(XMLJSONText.byteOffset(of: newline + "  }" + newline + "}", in: withoutSchema))
            #expect(XMLJSONText.sameBytes(document.render(), XMLJSONText.splicing(withoutSchema, cut..<resume, with: "")))
            #expect(document.node(at: ["Postgres"])?.members?.map(\.key) == ["Host", "Port", "Database", "Username", "Password"])
        }
    }

    @Test("removal in one-line objects, trailing-comma files, commented lines, arrays")
    func removeShapes() throws {
        let cases: [(String, JSONCPath, String)] = [
            (#"{"a": 1, "b": 2, "c": 3}"#, ["a"], #"{"b": 2, "c": 3}"#),
            (#"{"a": 1, "b": 2, "c": 3}"#, ["b"], #"{"a": 1, "c": 3}"#),
            (#"{"a": 1, "b": 2, "c": 3}"#, ["c"], #"{"a": 1, "b": 2}"#),
            (#"{ "a": 1 }"#, ["a"], #"{ }"#),
            ("{\n  \"a\": 1,\n  \"b\": 2,\n}\n", ["b"], "{\n  \"a\": 1,\n}\n"),
            ("{\n  \"a\": 1, // about a\n  \"b\": 2\n}\n", ["a"], "{\n  \"b\": 2\n}\n"),
            ("{\n  \"a\": 1, // about a\n  \"b\": 2\n}\n", ["b"], "{\n  \"a\": 1 // about a\n}\n"),
            ("{\n  \"a\": 1\n}\n", ["a"], "{\n}\n"),
            ("{\n  \"a\": 1\n  , \"b\": 2\n}\n", ["b"], "{\n  \"a\": 1\n}\n"),
            ("{\r\n\t\"a\": 1,\r\n\t\"b\": 2\r\n}", ["a"], "{\r\n\t\"b\": 2\r\n}"),
            (#"{"hosts": ["db1", "db2", "db3"]}"#, ["hosts", 1], #"{"hosts": ["db1", "db3"]}"#),
            (#"{"hosts": ["db1", "db2", "db3"]}"#, ["hosts", 2], #"{"hosts": ["db1", "db2"]}"#),
            ("[\n  1,\n  2\n]", [0], "[\n  2\n]"),
            (#"{"a": 1, "b": 2, "a": 3}"#, ["a"], #"{"b": 2}"#),
        ]
        for (before, path, after) in cases {
            var document = try JSONCDocument(parsing: before)
            try document.remove(at: path)
            #expect(document.render() == after, "removing \(path) from \(before)")
        }
    }

    @Test("removing something that is not there, or the root, fails and changes nothing")
    func removeRefusals() throws {
        var document = try JSONCDocument(parsing: VendorJSONAndXMLSnippets.dataPrep)
        let missing = try #require(throws: CoreError.self) { try document.remove(at: ["Postgres", "Nope"]) }
        #expect(missing.kind == .notFound)
        let root = try #require(throws: CoreError.self) { try document.remove(at: []) }
        #expect(root.kind == .invalid)
        #expect(XMLJSONText.sameBytes(document.render(), VendorJSONAndXMLSnippets.dataPrep))
    }

    // MARK: Duplicate keys

    @Test("duplicate keys are reported; reading and setting use the last; case-only twins are flagged")
    func duplicateKeys() throws {
        var document = try JSONCDocument(parsing: #"{"Port": 1, "Host": "a", "Port": 2}"#)
        #expect(document.value(at: ["Port"]) == 2)
        let duplicate = try #require(document.duplicateKeys.first)
        #expect(document.duplicateKeys.count == 1)
        #expect(duplicate.key == "Port")
        #expect(duplicate.objectPath == .root)
        #expect(duplicate.positions == [TextPosition(line: 1, column: 2), TextPosition(line: 1, column: 26)])
        #expect(!duplicate.differsOnlyInCase)
        try document.set(3, at: ["Port"])
        #expect(document.render() == #"{"Port": 1, "Host": "a", "Port": 3}"#)

        let cased = try JSONCDocument(parsing: "{\"Postgres\": {\"Port\": 1,\n \"port\": 2}}")
        #expect(cased.value(at: ["Postgres", "Port"]) == 1)
        #expect(cased.duplicateKeys.map(\.differsOnlyInCase) == [true])
        #expect(cased.duplicateKeys.first?.objectPath == ["Postgres"])
        #expect(cased.duplicateKeys.first?.positions.last == TextPosition(line: 2, column: 2))
    }
}
