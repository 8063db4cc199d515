import Testing

@testable import WardenCore

/// Bad input gets a `.parse` error at the exact line:column, a message that says what was
/// expected, a hint, and never a secret.
@Suite("JSONC: failure paths")
struct JSONCErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let column: Int
        let message: String

        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(text: #"{"a": }"#, line: 1, column: 7, message: "unexpected '}' — a value was expected after ':'"),
        Case(text: "{\"a\": 1\n \"b\": 2}", line: 2, column: 2, message: "expected ',' or '}' after the value of \"a\""),
        Case(text: #"{"a" 1}"#, line: 1, column: 6, message: "expected ':' after the key \"a\""),
        Case(text: #"{"a": "x"#, line: 1, column: 7, message: "unterminated string"),
        Case(text: "{\"a\": \"x\n\"}", line: 1, column: 7, message: "unterminated string (a string cannot span lines)"),
        Case(text: #"{"a": tru}"#, line: 1, column: 7, message: "unquoted text where a value was expected"),
        Case(text: #"{"a": 01}"#, line: 1, column: 7, message: "invalid number: leading zeros are not allowed"),
        Case(text: #"{"a": 1.}"#, line: 1, column: 9, message: "invalid number: a digit must follow the decimal point"),
        Case(text: #"{"a": -}"#, line: 1, column: 7, message: "invalid number: '-' must be followed by a digit"),
        Case(text: #"{"a": 1e}"#, line: 1, column: 9, message: "invalid number: the exponent has no digits"),
        Case(text: #"{"a": 0x1F}"#, line: 1, column: 7, message: "invalid number"),
        Case(text: #"{"a": "C:\Program Files"}"#, line: 1, column: 10, message: "invalid escape sequence in a string"),
        Case(text: #"{"a": "\ud800"}"#, line: 1, column: 8, message: "an unpaired UTF-16 surrogate escape in a string"),
        Case(text: #"{"a": "\udc00\ud800"}"#, line: 1, column: 8, message: "an unpaired UTF-16 surrogate escape in a string"),
        Case(text: #"{"a": "\ud800\u0041"}"#, line: 1, column: 8, message: "an unpaired UTF-16 surrogate escape in a string"),
        Case(text: #"{"a": "\u12"}"#, line: 1, column: 8, message: "invalid \\u escape: four hex digits must follow \\u"),
        Case(text: "{\"a\": \"x\ty\"}", line: 1, column: 9, message: "a raw control character inside a string"),
        Case(text: "{'a': 1}", line: 1, column: 2, message: "a key in single quotes"),
        Case(text: "{a: 1}", line: 1, column: 2, message: "a key without quotes"),
        Case(text: "{\"a\": 'x'}", line: 1, column: 7, message: "a string in single quotes"),
        Case(text: "{,}", line: 1, column: 2, message: "unexpected ',' — a key was expected"),
        Case(text: "{\"a\": 1,,}", line: 1, column: 9, message: "unexpected ',' — a key was expected"),
        Case(text: "{\"a\": [1,,2]}", line: 1, column: 10, message: "unexpected ',' — a value was expected"),
        Case(text: "[1 2]", line: 1, column: 4, message: "expected ',' or ']' after an array element"),
        Case(text: "[}", line: 1, column: 2, message: "unexpected '}' — a value or ']' was expected"),
        Case(text: "{\"a\": 1", line: 1, column: 8, message: "unexpected end of input — the object opened at 1:1 is not closed"),
        Case(text: "{\"a\": [1,\n", line: 2, column: 1, message: "unexpected end of input — the array opened at 1:7 is not closed"),
        Case(text: "{\"a\":", line: 1, column: 6, message: "unexpected end of input — a value was expected after ':'"),
        Case(text: "{\"a\": 1 /* x ", line: 1, column: 9, message: "unterminated block comment"),
        Case(text: "{\"a\": 1} /", line: 1, column: 10, message: "unexpected '/' — a comment starts with // or /*"),
        Case(text: "{\"a\": 1} x", line: 1, column: 10, message: "unexpected text after the end of the document"),
        Case(text: "{\"a\": 1} {}", line: 1, column: 10, message: "unexpected '{' after the end of the document"),
        Case(text: "", line: 1, column: 1, message: "the document is empty"),
        Case(text: "  // nothing\n", line: 2, column: 1, message: "the document is empty"),
        Case(text: "}", line: 1, column: 1, message: "unexpected '}' — a value was expected"),
        Case(text: "{\"a\":\u{A0}1}", line: 1, column: 6, message: "a non-breaking space (U+00A0) where only plain spaces are allowed"),
        Case(text: "{\"a\": 1}\u{FEFF}", line: 1, column: 9, message: "a byte-order mark (U+FEFF) in the middle of the file"),
        Case(text: "{\"é\": x}", line: 1, column: 7, message: "unquoted text where a value was expected"),
        Case(text: "{\"a\": True}", line: 1, column: 7, message: "unquoted text where a value was expected"),
    ]

    @Test("each bad input fails at its exact position with its message and a hint", arguments: cases)
    func failure(_ testCase: Case) throws {
        let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: testCase.text) }
        #expect(error.kind == .parse)
        #expect(error.message == testCase.message)
        #expect(error.position == TextPosition(line: testCase.line, column: testCase.column))
        #expect(error.hint?.isEmpty == false)
    }

    @Test("positions are the same with CRLF and a BOM")
    func positionsIgnoreCRLFAndBOM() throws {
        let text = "{\n  \"Postgres\": {\n    \"Port\": 4432\n    \"Host\": \"x\"\n  }\n}\n"
        for variant in XMLJSONText.variants(text) {
            let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: variant) }
            #expect(error.position == TextPosition(line: 4, column: 5))
            #expect(error.message == "expected ',' or '}' after the value of \"Port\"")
        }
    }

    @Test("messages and hints never repeat a secret value")
    func noSecretsInErrors() throws {
        let secret = "s3cr3t-Pa55"
        let texts = [
            "{\"Password\": \"\(secret)",
            "{\"Password\": \(secret)}",
            "{\"Password\": \"\(secret)\n\"}",
            "{\"Password\": \"\(secret)\\q\"}",
            "{\"Password\": \"\(secret)\" \"Port\": 1}",
            "{\"Password\": '\(secret)'}",
        ]
        for text in texts {
            let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: text) }
            #expect(!error.message.contains(secret))
            #expect(!(error.hint ?? "").contains(secret))
            #expect(!error.description.contains(secret))
        }
    }

    @Test("an error names its file when the caller adds it")
    func errorInFile() throws {
        let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: "{\"a\": }") }
        #expect(error.inFile("appsettings.json").description
            == "appsettings.json:1:7: unexpected '}' — a value was expected after ':'")
    }
}
