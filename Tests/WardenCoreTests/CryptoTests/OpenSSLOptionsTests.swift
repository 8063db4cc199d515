import Testing
@testable import WardenCore

@Suite("OpenSSL option bits for --ssl=")
struct OpenSSLOptionsTests {
    typealias Version = OpenSSLOptions.ProtocolVersion

    @Test func vendorPageValueForTLS12() throws {
        // SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1
        #expect(OpenSSLOptions(minimum: .tls1_2).rawValue == 369_098_752)
        let parsed = try OpenSSLOptions(parsing: "369098752")
        #expect(parsed.minimumVersion == .tls1_2)
        #expect(parsed.disabledVersions == [.sslv3, .tls1_0, .tls1_1])
        #expect(parsed.enabledRange == Version.tls1_2...Version.tls1_3)
        #expect(parsed.otherBits == 0)
        #expect(parsed.description == "369098752")
    }

    @Test func constantsMatchOpenSSL3() {
        #expect(OpenSSLOptions.noSSLv2.rawValue == 0)
        #expect(OpenSSLOptions.noSSLv3.rawValue == 1 << 25)
        #expect(OpenSSLOptions.noTLSv1.rawValue == 1 << 26)
        #expect(OpenSSLOptions.noTLSv1_2.rawValue == 1 << 27)
        #expect(OpenSSLOptions.noTLSv1_1.rawValue == 1 << 28)
        #expect(OpenSSLOptions.noTLSv1_3.rawValue == 1 << 29)
        #expect(OpenSSLOptions.protocolMask.rawValue == 0x3E00_0000)
    }

    @Test(arguments: [
        (Version.sslv3, UInt64(0)),
        (.tls1_0, 0x0200_0000),
        (.tls1_1, 0x0600_0000),
        (.tls1_2, 0x1600_0000),
        (.tls1_3, 0x1E00_0000),
    ])
    func minimumVersions(minimum: Version, raw: UInt64) {
        let options = OpenSSLOptions(minimum: minimum)
        #expect(options.rawValue == raw)
        #expect(options.minimumVersion == minimum)
        #expect(options.enabledRange?.upperBound == .tls1_3)
    }

    @Test func holesCloseTheRangeLikeOpenSSL() {
        // Only TLS 1.1 off: OpenSSL keeps the lowest run, SSLv3...TLS 1.0.
        let hole = OpenSSLOptions.noTLSv1_1
        #expect(hole.enabledRange == Version.sslv3...Version.tls1_0)
        // TLS 1.0 and 1.2 off (SSLv3 off): TLS 1.1 alone.
        let twoHoles: OpenSSLOptions = [.noSSLv3, .noTLSv1, .noTLSv1_2]
        #expect(twoHoles.enabledRange == Version.tls1_1...Version.tls1_1)
        #expect(twoHoles.minimumVersion == .tls1_1)
        // Everything off.
        #expect(OpenSSLOptions.protocolMask.enabledRange == nil)
        #expect(OpenSSLOptions.protocolMask.minimumVersion == nil)
    }

    @Test func enabledRangeMatchesAReferenceModelForEveryCombination() {
        for mask in 0..<32 {
            var options = OpenSSLOptions()
            for (bit, version) in Version.allCases.enumerated() where mask & (1 << bit) != 0 {
                options.insert(version.disablingBit)
            }
            // Reference: walk from the newest version down like ssl_get_min_max_version.
            var hole = true
            var high: Version?
            var low: Version?
            for version in Version.allCases.reversed() {
                if options.contains(version.disablingBit) {
                    hole = true
                } else if hole {
                    high = version
                    low = version
                    hole = false
                } else {
                    low = version
                }
            }
            let expected = low.flatMap { low in high.map { low...$0 } }
            #expect(options.enabledRange == expected, "mask \(mask)")
            #expect(options.disabledVersions.count == mask.nonzeroBitCount)
        }
    }

    @Test func settingMinimumKeepsOtherBits() throws {
        // SSL_OP_NO_TICKET (bit 14) and SSL_OP_NO_COMPRESSION (bit 17) plus TLS 1.0 minimum.
        let other: UInt64 = 1 << 14 | 1 << 17
        let existing = OpenSSLOptions(rawValue: other | OpenSSLOptions(minimum: .tls1_0).rawValue)
        let updated = existing.settingMinimum(.tls1_2)
        #expect(updated.rawValue == other | 369_098_752)
        #expect(updated.otherBits == other)
        #expect(updated.minimumVersion == .tls1_2)
        // And relaxing works too (clears the old bits).
        #expect(OpenSSLOptions(minimum: .tls1_3).settingMinimum(.tls1_2) == OpenSSLOptions(minimum: .tls1_2))
    }

    @Test(arguments: ["", "0x16000000", "-1", "369098752 ", " 1", "1e6", "18446744073709551616", "٣"])
    func rejectsNonDecimal(text: String) {
        do {
            _ = try OpenSSLOptions(parsing: text)
            Issue.record("accepted \(text)")
        } catch let error as CoreError {
            #expect(error.kind == .parse)
            #expect(error.position == TextPosition(line: 1, column: 1))
            #expect(error.hint?.contains("369098752") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func versionNamesUsePostgresSpelling() {
        #expect(Version.allCases.map(\.description) == ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
    }
}
