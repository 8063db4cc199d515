import Testing

@testable import WardenCore

/// The appsettings.json shapes of the vendor's manual: they must parse, read, and render back
/// byte for byte in every line-ending / BOM variant.
@Suite("JSONC: the vendor manual's appsettings.json files")
struct JSONCVendorSnippetTests {
    static let wholeFileNames = VendorJSONAndXMLSnippets.wholeFiles.map(\.name)

    static func text(_ name: String) throws -> String {
        try #require(VendorJSONAndXMLSnippets.wholeFiles.first { $0.name == name }?.text)
    }

    /// The fragments as they sit in a real file: inside the outer object, trailing comma and all.
    static let completedAppDistribution = "{\n  " + VendorJSONAndXMLSnippets.appDistributionFragment + "\n  \"Logging\": {}\n}\n"
    static let completedHybrid = "{\n  " + VendorJSONAndXMLSnippets.hybridFragment + "\n}\n"
    static let completedNotifier = VendorJSONAndXMLSnippets.notifierFragment + "\n}\n"

    @Test("round-trips byte for byte (LF, CRLF, BOM, final newline or not)", arguments: wholeFileNames)
    func roundTrip(name: String) throws {
        for variant in XMLJSONText.variants(try Self.text(name)) {
            let document = try JSONCDocument(parsing: variant)
            #expect(XMLJSONText.sameBytes(document.render(), variant))
            #expect(document.duplicateKeys.isEmpty)
        }
    }

    @Test("completed fragments round-trip too")
    func completedFragmentsRoundTrip() throws {
        for text in [Self.completedAppDistribution, Self.completedHybrid, Self.completedNotifier] {
            for variant in XMLJSONText.variants(text) {
                #expect(XMLJSONText.sameBytes(try JSONCDocument(parsing: variant).render(), variant))
            }
        }
    }

    @Test("reads typed values: booleans, numbers as spelled, decoded Windows paths")
    func readsTypedValues() throws {
        let broker = try JSONCDocument(parsing: try Self.text("nlBroker"))
        #expect(broker.value(at: ["Postgres", "Security", "Enable"]) == .bool(true))
        #expect(broker.value(at: ["Postgres", "Security", "Mode"]) == .string("require"))
        #expect(broker.value(at: ["Postgres", "Port"])?.numberValue?.intValue == 4432)
        let certificate = try #require(broker.value(at: ["Postgres", "Security", "Certificate"])?.stringValue)
        #expect(certificate.hasPrefix(#"C:\ProgramData\Qlik\Sense\Repository\Exported Certificates"#))
        #expect(!certificate.contains(#"\\"#))
        // A URL with "//" inside a string is text, not a comment.
        let comment = try #require(broker.value(at: ["Postgres", "Security", "comment"])?.stringValue)
        #expect(comment.hasSuffix("#LIBPQ-SSL-PROTECTION"))

        let registrar = try JSONCDocument(parsing: try Self.text("mobilityRegistrar"))
        #expect(registrar.value(at: ["Postgres", "SSL"]) == .number(JSONCNumber(0)))

        let licenses = try JSONCDocument(parsing: try Self.text("licenses"))
        #expect(licenses.value(at: ["messageQueue", "dbName"]) == "QSMQ")
        #expect(licenses.value(at: ["licenses", "sslMode"]) == "require")

        let precedents = try JSONCDocument(parsing: try Self.text("precedents"))
        #expect(precedents.value(at: ["QRS", "Headers", "X-Qlik-User"]) == "UserDirectory=INTERNAL; UserId=sa_api")
        #expect(precedents.value(at: ["QRS", "RetryPolicy", "MaxRetries"]) == 3)

        let notifier = try JSONCDocument(parsing: Self.completedNotifier)
        #expect(notifier.value(at: ["senseServices", "ssl"]) == "true")
        let appDistribution = try JSONCDocument(parsing: Self.completedAppDistribution)
        #expect(appDistribution.value(at: ["Postgres", "ConnectionRetryPolicy", "RetryTimeMs"]) == 100)
    }

    @Test("positions count lines and scalars, never the BOM or the CR of a CRLF")
    func positions() throws {
        for variant in XMLJSONText.variants(try Self.text("mobilityRegistrar")) {
            let document = try JSONCDocument(parsing: variant)
            let ssl = try #require(document.root.child("Postgres")?.members?.last)
            #expect(ssl.key == "SSL")
            #expect(ssl.keyPosition == TextPosition(line: 9, column: 5))
            #expect(ssl.value.position == TextPosition(line: 9, column: 12))
            #expect(document.root.position == TextPosition(line: 1, column: 1))
        }
    }

    @Test("node ranges cover exactly the value's text")
    func nodeRanges() throws {
        let text = try Self.text("nlAppSearch")
        let document = try JSONCDocument(parsing: text)
        let bytes = Array(text.utf8)
        let url = try #require(document.node(at: ["QRS", "Url"]))
        #expect(String(decoding: bytes[url.range], as: UTF8.self) == "\"https://localhost:4242/qrs\"")
        let certificate = try #require(document.node(at: ["QRS", "RootCertificate"]))
        let certificateText = String(decoding: bytes[certificate.range], as: UTF8.self)
        #expect(certificateText.hasPrefix("{") && certificateText.hasSuffix("}"))
        #expect(document.root.range == 0..<bytes.count)
    }

    @Test("a fragment beginning with a key is refused where the ':' is, with a hint")
    func keyFragmentIsRefused() throws {
        for fragment in [VendorJSONAndXMLSnippets.appDistributionFragment, VendorJSONAndXMLSnippets.hybridFragment] {
            let error = try #require(throws: CoreError.self) { try JSONCDocument(parsing: fragment) }
            #expect(error.kind == .parse)
            #expect(error.position == TextPosition(line: 1, column: 11))
            #expect(error.message == "unexpected ':' after the end of the document")
            #expect(error.hint?.contains("fragment") == true)
        }
    }

    @Test("the Notifier fragment ends in '},' and is refused at the end of input")
    func notifierFragmentIsRefused() throws {
        let error = try #require(throws: CoreError.self) {
            try JSONCDocument(parsing: VendorJSONAndXMLSnippets.notifierFragment)
        }
        #expect(error.kind == .parse)
        #expect(error.position == TextPosition(line: 17, column: 5))
        #expect(error.message == "unexpected end of input — the object opened at 1:1 is not closed")

        let withNewline = try #require(throws: CoreError.self) {
            try JSONCDocument(parsing: XMLJSONText.crlf(VendorJSONAndXMLSnippets.notifierFragment + "\n"))
        }
        #expect(withNewline.position == TextPosition(line: 18, column: 1))
    }
}
