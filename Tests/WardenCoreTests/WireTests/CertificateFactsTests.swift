import Foundation
import Testing
@testable import WardenCore

// MARK: - Certificate facts and host-name checks

@Suite("Certificate facts")
struct CertificateFactsTests {
    @Test func rsaCertificateWithSANs() throws {
        let facts = try CertificateFacts(der: WireFixtures.rsaWithSANs)
        #expect(facts.subject == "C=DE, O=Example Lab, CN=db1.example.com")
        #expect(facts.issuer == facts.subject)
        #expect(facts.isSelfIssued)
        #expect(facts.subjectCommonName == "db1.example.com")
        #expect(facts.dnsNames == ["db1.example.com", "*.db.example.com"])
        #expect(facts.ipAddresses == ["127.0.0.1", "0:0:0:0:0:0:0:1"])
        #expect(facts.keyType == .rsa)
        #expect(facts.keyBits == 2048)
        #expect(facts.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(!facts.isCA)
        #expect(facts.notBefore.timeIntervalSince1970 == WireFixtures.rsaWithSANsValidity.notBefore)
        #expect(facts.notAfter.timeIntervalSince1970 == WireFixtures.rsaWithSANsValidity.notAfter)
    }

    @Test func ecCACertificate() throws {
        let facts = try CertificateFacts(der: WireFixtures.ecCA)
        #expect(facts.keyType == .ec(curve: "P-256"))
        #expect(facts.keyBits == 256)
        #expect(facts.signatureAlgorithm == "ecdsa-with-SHA384")
        #expect(facts.isCA)
        #expect(facts.dnsNames.isEmpty)
        #expect(facts.notAfter.timeIntervalSince1970 == WireFixtures.ecCAValidity.notAfter)
    }

    /// swift-certificates refuses this key; the facts must still come out.
    @Test func weakRSA1024WithSHA1() throws {
        let facts = try CertificateFacts(der: WireFixtures.rsa1024SHA1)
        #expect(facts.keyType == .rsa)
        #expect(facts.keyBits == 1024)
        #expect(facts.signatureAlgorithm == "sha1WithRSAEncryption")
        #expect(facts.subjectCommonName == "legacy.example.org")
    }

    @Test func ed25519() throws {
        let facts = try CertificateFacts(der: WireFixtures.ed25519Wildcard)
        #expect(facts.keyType == .ed25519)
        #expect(facts.keyBits == 256)
        #expect(facts.signatureAlgorithm == "ED25519")
        #expect(facts.notBefore.timeIntervalSince1970 == WireFixtures.ed25519WildcardValidity.notBefore)
    }

    // MARK: Host names

    @Test func dnsSANsDecideWhenPresent() throws {
        let facts = try CertificateFacts(der: WireFixtures.rsaWithSANs)
        let cases: [(String, Bool, String?)] = [
            ("db1.example.com", true, "db1.example.com"),
            ("DB1.Example.COM.", true, "db1.example.com"),
            ("node7.db.example.com", true, "*.db.example.com"),
            ("db.example.com", false, nil),  // wildcard needs one label
            ("a.b.db.example.com", false, nil),  // …exactly one
            ("db2.example.com", false, nil),
        ]
        for (host, matches, name) in cases {
            let match = facts.matches(hostName: host)
            #expect(match.matches == matches, "\(host)")
            #expect(match.rule == .dnsSubjectAltName, "\(host)")
            #expect(match.matchedName == name, "\(host)")
        }
    }

    @Test func ipLiteralsOnlyMatchIPSANs() throws {
        let facts = try CertificateFacts(der: WireFixtures.rsaWithSANs)
        #expect(facts.matches(hostName: "127.0.0.1") == CertificateHostMatch(matches: true, rule: .ipSubjectAltName, matchedName: "127.0.0.1"))
        #expect(facts.matches(hostName: "::1").matches)
        #expect(facts.matches(hostName: "[0::0:1]").matches)
        #expect(!facts.matches(hostName: "127.0.0.2").matches)
        // A CN-only certificate never matches an IP, even one spelled in its CN.
        let cnOnly = try CertificateFacts(der: WireFixtures.ecCA)
        #expect(cnOnly.matches(hostName: "10.0.0.1").rule == .ipSubjectAltName)
    }

    @Test func commonNameFallbackOnlyWithoutDNSSANs() throws {
        let ec = try CertificateFacts(der: WireFixtures.ecCA)
        #expect(ec.matches(hostName: "pg.example.net") == CertificateHostMatch(matches: true, rule: .commonNameFallback, matchedName: "pg.example.net"))
        let wildcard = try CertificateFacts(der: WireFixtures.ed25519Wildcard)
        #expect(wildcard.matches(hostName: "db.example.com").matches)
        #expect(!wildcard.matches(hostName: "example.com").matches)
        // The RSA certificate's CN is also a SAN; a name only in a CN would be ignored there.
        var sanOnly = try CertificateFacts(der: WireFixtures.rsaWithSANs)
        sanOnly.subjectCommonName = "other.example.com"
        #expect(!sanOnly.matches(hostName: "other.example.com").matches)
    }

    @Test func wildcardRules() {
        let cases: [(String, String, Bool)] = [
            ("*.example.com", "a.example.com", true),
            ("*.com", "example.com", false),  // too broad
            ("f*.example.com", "foo.example.com", false),  // partial wildcard: not accepted
            ("*.*.example.com", "a.b.example.com", false),
            ("a.*.example.com", "a.b.example.com", false),
            ("*.example.com", ".example.com", false),
            ("example.com", "example.com", true),
            ("", "", false),
        ]
        for (pattern, host, expected) in cases {
            #expect(CertificateFacts.dnsPattern(pattern, matches: host) == expected, "\(pattern) vs \(host)")
        }
    }

    @Test func ipAddressText() {
        #expect(IPAddressText.ipv4Bytes("192.168.0.1") == [192, 168, 0, 1])
        #expect(IPAddressText.ipv4Bytes("1.2.3") == nil)
        #expect(IPAddressText.ipv4Bytes("1.2.3.256") == nil)
        #expect(IPAddressText.ipv4Bytes("1.2.3.+4") == nil)
        #expect(IPAddressText.ipv6Bytes("::") == [UInt8](repeating: 0, count: 16))
        #expect(IPAddressText.ipv6Bytes("fe80::1%eth0") == [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [1])
        #expect(IPAddressText.ipv6Bytes("::ffff:10.0.0.1") == [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 10, 0, 0, 1])
        #expect(IPAddressText.ipv6Bytes("1:2:3:4:5:6:7:8") != nil)
        #expect(IPAddressText.ipv6Bytes("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddressText.ipv6Bytes("1::2::3") == nil)
        #expect(IPAddressText.ipv6Bytes("12345::") == nil)
        #expect(IPAddressText.ipv6Bytes("db1.example.com") == nil)
    }

    // MARK: Time and DER details

    @Test func timesFollowRFC5280() {
        let utc: [UInt8] = Array("491231235959Z".utf8)
        #expect(DERReader.time(tag: 0x17, value: utc[...]) == 2_524_607_999)  // 2049-12-31T23:59:59Z
        #expect(DERReader.time(tag: 0x17, value: Array("500101000000Z".utf8)[...]) == -631_152_000)  // 1950
        #expect(DERReader.time(tag: 0x18, value: Array("20380119031408Z".utf8)[...]) == 2_147_483_648)
        #expect(DERReader.time(tag: 0x18, value: Array("20380119031408".utf8)[...]) == nil)  // no Z
        #expect(DERReader.time(tag: 0x17, value: Array("491331235959Z".utf8)[...]) == nil)  // month 13
        #expect(DERReader.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
    }

    @Test func oidsAndIntegers() {
        #expect(DERReader.objectIdentifier([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B][...]) == "1.2.840.113549.1.1.11")
        #expect(DERReader.objectIdentifier([0x55, 0x04, 0x03][...]) == "2.5.4.3")
        #expect(DERReader.bitLength(ofInteger: [0x00, 0x80, 0x00][...]) == 16)
        #expect(DERReader.bitLength(ofInteger: [0x01][...]) == 1)
    }

    // MARK: Failures

    @Test func truncatedCertificateIsAParseError() {
        let der = WireFixtures.rsaWithSANs
        var rng = SplitMix64(seed: 99)
        for _ in 0..<200 {
            let cut = Int.random(in: 0..<der.count, using: &rng)
            #expect(throws: CoreError.self) { try CertificateFacts(der: Array(der[0..<cut])) }
        }
    }

    @Test func wrongTagNamesTheField() {
        var der = WireFixtures.ecCA
        der[0] = 0x31  // SET instead of SEQUENCE
        do {
            _ = try CertificateFacts(der: der)
            Issue.record("a SET must be refused")
        } catch let error as CoreError {
            #expect(error.kind == .parse)
            #expect(error.message == "certificate: expected Certificate (tag 0x30), found tag 0x31 (at byte 0)")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func chainErrorsSayWhichCertificate() {
        do {
            _ = try CertificateFacts.chain([WireFixtures.ecCA, [0x30, 0x05]])
            Issue.record("a broken second certificate must be refused")
        } catch let error as CoreError {
            #expect(error.message.hasPrefix("certificate 2 of the chain: "))
        } catch { Issue.record("unexpected \(error)") }
        #expect((try? CertificateFacts.chain([WireFixtures.ecCA, WireFixtures.ed25519Wildcard]).count) == 2)
    }
}
