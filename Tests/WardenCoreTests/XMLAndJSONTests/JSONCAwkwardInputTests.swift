import Testing

@testable import WardenCore

/// Legal but unusual input: it must read correctly, render back unchanged, and edit cleanly.
@Suite("JSONC: awkward but valid input")
struct JSONCAwkwardInputTests {
    static let corpus: [String] = [
        "{\"a\" /* before colon */ : /* after colon */ 1 // after value\n}",
        "/* leading */ {\"a\": 1} // trailing, no final newline",
        "// only a comment line first\r\n{\r\n}\r\n",
        "{\"a\": [1, [2, [3, []]], {}], \"b\": {\"c\": {\"d\": null}}}",
        "{\"e\\u0301\": \"\\u00e9\", \"smile\": \"\\ud83d\\ude00\", \"raw\": \"😀 é\"}",
        "{\"quote\": \"say \\\"hi\\\"\", \"slash\": \"a\\/b\", \"all\": \"\\b\\f\\n\\r\\t\\\\\"}",
        "{\"n\": [0, -0, 1e10, 1E+10, 2.5e-3, -12.75, 123456789012345678901234567890]}",
        "[\"a\",\t\"b\" ,\r\"c\",]",
        "{\"a\": 1,\n\"b\": 2,\r\n\"c\": 3,\r}",
        "\"just a string\"",
        "42",
        "null",
        "{\"\": \"empty key\", \" \": \"space key\"}",
        "{\"block\": /* a * b / c **/ true, \"url\": \"http://x//y/*z*/\"}",
        "{ } ",
        "[]",
        "{\"nul\": \"\\u0000\"}",
    ]

    @Test("the corpus round-trips byte for byte with and without a BOM", arguments: corpus)
    func roundTrip(text: String) throws {
        for variant in [text, XMLJSONText.withBOM(text)] {
            #expect(XMLJSONText.sameBytes(try JSONCDocument(parsing: variant).render(), variant))
        }
    }

    @Test("comments between key, colon and value do not hide the value")
    func commentsAroundColon() throws {
        var document = try JSONCDocument(parsing: Self.corpus[0])
        #expect(document.value(at: ["a"]) == 1)
        try document.set(2, at: ["a"])
        #expect(document.render() == "{\"a\" /* before colon */ : /* after colon */ 2 // after value\n}")
        try document.set(3, at: ["b"])
        // The first member shares the line of "{", so the object counts as one-line.
        #expect(document.render() == "{\"a\" /* before colon */ : /* after colon */ 2, \"b\": 3 // after value\n}")
    }

    @Test("escapes decode: unicode, surrogate pairs, quotes, the short forms")
    func escapesDecode() throws {
        let unicode = try JSONCDocument(parsing: Self.corpus[4])
        #expect(unicode.value(at: ["smile"]).map { XMLJSONText.strictlyEqual($0, "😀") } == true)
        // Keys compare scalar for scalar: "e" + combining acute is not "é".
        #expect(unicode.value(at: ["e\u{301}"]).map { XMLJSONText.strictlyEqual($0, .string("\u{E9}")) } == true)
        #expect(unicode.value(at: ["\u{E9}"]) == nil)
        let quotes = try JSONCDocument(parsing: Self.corpus[5])
        #expect(quotes.value(at: ["quote"]) == "say \"hi\"")
        #expect(quotes.value(at: ["slash"]) == "a/b")
        #expect(quotes.value(at: ["all"]) == "\u{8}\u{C}\n\r\t\\")
        #expect(try JSONCDocument(parsing: Self.corpus[16]).value(at: ["nul"]) == "\u{0}")
    }

    @Test("numbers keep their spelling and convert on request")
    func numbers() throws {
        let document = try JSONCDocument(parsing: Self.corpus[6])
        let numbers = try #require(document.node(at: ["n"])?.elements).compactMap { $0.value.numberValue }
        #expect(numbers.map(\.spelling) == ["0", "-0", "1e10", "1E+10", "2.5e-3", "-12.75", "123456789012345678901234567890"])
        #expect(numbers[2].doubleValue == 1e10)
        #expect(numbers[2].intValue == nil)
        #expect(numbers[1].intValue == 0)
        #expect(numbers[6].intValue == nil)
        #expect(JSONCNumber(spelling: "1e400")?.doubleValue == nil)
        for bad in ["+1", "01", ".5", "1.", "NaN", "0x1F", "1e", "-", "", " 1"] {
            #expect(JSONCNumber(spelling: bad) == nil, "\(bad) is not a JSON number")
        }
        #expect(JSONCNumber(Double.infinity) == nil)
        #expect(JSONCNumber(0.1)?.spelling == "0.1")
    }

    @Test("scalar roots, empty containers, empty keys")
    func oddRoots() throws {
        #expect(try JSONCDocument(parsing: Self.corpus[9]).value(at: []) == "just a string")
        #expect(try JSONCDocument(parsing: Self.corpus[10]).value(at: []) == 42)
        #expect(try JSONCDocument(parsing: Self.corpus[11]).value(at: []) == .null)
        let keys = try JSONCDocument(parsing: Self.corpus[12])
        #expect(keys.value(at: [""]) == "empty key")
        #expect(keys.value(at: [" "]) == "space key")
        var array = try JSONCDocument(parsing: Self.corpus[7])
        #expect(array.value(at: [2]) == "c")
        try array.set("C", at: [2])
        #expect(array.render() == "[\"a\",\t\"b\" ,\r\"c\",]".replacingFirstASCII("\"c\"", with: "\"C\""))
    }

    @Test("'//' and '/*' inside strings are text")
    func commentMarkersInStrings() throws {
        let document = try JSONCDocument(parsing: Self.corpus[13])
        #expect(document.value(at: ["url"]) == "http://x//y/*z*/")
        #expect(document.value(at: ["block"]) == true)
    }

    @Test("lone CR and mixed line endings count as lines")
    func mixedLineEndings() throws {
        let document = try JSONCDocument(parsing: Self.corpus[8])
        #expect(document.node(at: ["b"])?.position == TextPosition(line: 2, column: 6))
        #expect(document.node(at: ["c"])?.position == TextPosition(line: 3, column: 6))
        let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: "{\r\"a\": 1,\r\n\"b\" 2}") }
        #expect(error.position == TextPosition(line: 3, column: 5))
    }

    @Test("a very long string reads, round-trips and is replaced whole")
    func longString() throws {
        let long = String(repeating: "AQAAANCMnd8BFdERjHoAwE/Cl+sB\\\\é", count: 4_000)
        let text = "{\n  \"Password\": \"\(long)\",\n  \"Port\": 4432\n}\n"
        var document = try JSONCDocument(parsing: text)
        #expect(XMLJSONText.sameBytes(document.render(), text))
        let value = try #require(document.value(at: ["Password"])?.stringValue)
        #expect(value.utf8.count == long.utf8.count - 4_000)
        try document.set("short", at: ["Password"])
        #expect(document.render() == "{\n  \"Password\": \"short\",\n  \"Port\": 4432\n}\n")
    }

    @Test("nesting up to 64 levels is fine; 65 is refused like .NET refuses it")
    func nestingDepth() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(XMLJSONText.sameBytes(try JSONCDocument(parsing: deep).render(), deep))
        let tooDeep = "{\"a\": " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}"
        let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: tooDeep) }
        #expect(error.kind == .parse)
        #expect(error.position == TextPosition(line: 1, column: 70))
    }
}

extension String {
    /// Test-only ASCII replacement on bytes (no Foundation, no grapheme surprises).
    fileprivate func replacingFirstASCII(_ needle: String, with replacement: String) -> String {
        XMLJSONText.replacingFirst(needle, with: replacement, in: self) ?? self
    }
}
