import Testing

@testable import WardenCore

// MARK: - Errors in service configs point at the value, in the file's own columns

@Suite("Service config errors point where the editor shows the value")
struct ServiceValueLocationTests {
    /// `--ssl=0x4` on line 13 of services.conf: the edit that sets a minimum TLS version is
    /// refused at 13:7 (where `0x4` starts), not at 1:1.
    @Test func sslBitmaskThatDoesNotReadPointsAtItsValue() throws {
        let text = ServiceFixtures.servicesConf.replacingOccurrences(of: "--ssl=33554432", with: "--ssl=0x4")
        var config = try ServiceConfig(text: text, profile: .serviceDispatcher, file: "/site/services.conf")
        let error = try #require(throws: CoreError.self) {
            try config.set(.tlsOptions, .tlsMinimum(.tls1_2), in: "odag")
        }
        #expect(error.description.hasPrefix("/site/services.conf:13:7: --ssl=0x4: --ssl value must be a decimal number"), "\(error)")
        #expect(error.hint?.contains("369098752") == true)
    }

    /// `tls_options=` takes the number `--ssl=` holds when it means "this version or newer"
    /// (the vendor's 369098752 = TLS 1.2), as well as a version; other numbers are refused
    /// with a hint that names both forms.
    @Test func tlsOptionsTakeTheVendorsNumber() throws {
        #expect(try ConnectionValue.parse("369098752", for: .tlsOptions) == .tlsMinimum(.tls1_2))
        #expect(try ConnectionValue.parse(String(OpenSSLOptions(minimum: .tls1_3).rawValue), for: .tlsOptions) == .tlsMinimum(.tls1_3))
        #expect(try ConnectionValue.parse("1.2", for: .tlsOptions) == .tlsMinimum(.tls1_2))
        let hole = try #require(throws: CoreError.self) { try ConnectionValue.parse("268435456", for: .tlsOptions) }  // only TLS 1.1 off
        #expect(hole.message == "OpenSSL options 268435456 are not just a minimum TLS version")
        let other = try #require(throws: CoreError.self) { try ConnectionValue.parse("369098756", for: .tlsOptions) }  // + SSL_OP_LEGACY_SERVER_CONNECT
        #expect(other.message.hasPrefix("OpenSSL options 369098756"))
        let text = try #require(throws: CoreError.self) { try ConnectionValue.parse("strong", for: .tlsOptions) }
        #expect(text.message == "'strong' is neither a TLS version nor an OpenSSL options number")
        #expect(text.hint?.contains("369098752") == true && text.hint?.contains("1.2") == true)
        #expect(throws: CoreError.self) { try ConnectionValue.parse("369098752", for: .tlsProtocol) }
    }

    /// A malformed Devart string: the error is at the bad token's column in the file, which
    /// the two `&quot;` before it push further right than its column in the decoded string.
    @Test func devartErrorUsesTheFilesColumn() throws {
        let text = ServiceFixtures.repository.replacingOccurrences(of: "pa'ss&quot;;", with: "pa'ss&quot;x;")
        let config = try ServiceConfig(text: text, profile: .repository, file: "/site/Repository.exe.config")
        let line = try #require(text.components(separatedBy: "\r\n").first { $0.contains("name=\"QSR\"") })
        let column = line.distance(from: line.startIndex, to: try #require(line.range(of: "x;\" providerName")).lowerBound) + 1  // ASCII line
        let error = try #require(throws: CoreError.self) { try config.settings(of: "QSR") }
        #expect(error.position == TextPosition(line: 5, column: column), "\(error)")
        #expect(column > 100)
        #expect(error.message == "connection string 'QSR': unexpected text after the quoted value of 'Password'")
        #expect(!error.description.contains("S3cret"))
    }

    /// The mapping itself: references and CR LF are one scalar of the value, several bytes.
    @Test func rawOffsetsOfDecodedScalars() {
        let bytes = Array("a&amp;b\r\nc\u{E9}d".utf8)
        let range = 0..<bytes.count
        #expect((0...6).map { XMLAttributeText.rawOffset(ofScalar: $0, in: bytes, range) } == [0, 1, 6, 7, 9, 10, 12])
        #expect(XMLAttributeText.rawOffset(ofScalar: 99, in: bytes, range) == bytes.count)
    }
}
