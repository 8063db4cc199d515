import Testing
@testable import WardenCore

// MARK: - ClientHello bytes

@Suite("TLS ClientHello")
struct TLSClientHelloTests {
    static let random = [UInt8](0..<32)

    /// The common extension block, built by hand with each field named.
    static func expectedExtensions(serverName: String?, tls13Shares: [UInt8]?) -> [UInt8] {
        var ext: [UInt8] = []
        if let serverName {
            let name = Array(serverName.utf8)
            ext += [0x00, 0x00]  // server_name
            ext += [0x00, UInt8(name.count + 5)]  // extension length
            ext += [0x00, UInt8(name.count + 3)]  // server_name_list length
            ext += [0x00]  // host_name
            ext += [0x00, UInt8(name.count)] + name
        }
        ext += [0x00, 0x0A, 0x00, 0x0E, 0x00, 0x0C]  // supported_groups, 6 groups
        ext += [0x00, 0x1D, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19, 0x01, 0x00, 0x01, 0x01]
        ext += [0x00, 0x0B, 0x00, 0x02, 0x01, 0x00]  // ec_point_formats: uncompressed
        ext += [0x00, 0x0D, 0x00, 0x30, 0x00, 0x2E]  // signature_algorithms, 23 schemes
        ext += [0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06,
                0x08, 0x09, 0x08, 0x0A, 0x08, 0x0B, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01,
                0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x02, 0x03, 0x02, 0x01, 0x02, 0x02]
        ext += [0x00, 0x17, 0x00, 0x00]  // extended_master_secret
        ext += [0xFF, 0x01, 0x00, 0x01, 0x00]  // renegotiation_info, empty
        if let tls13Shares {
            ext += [0x00, 0x2B, 0x00, 0x03, 0x02, 0x03, 0x04]  // supported_versions: TLS 1.3
            ext += [0x00, 0x33] + [UInt8(tls13Shares.count >> 8), UInt8(tls13Shares.count & 0xFF)] + tls13Shares
        }
        return ext
    }

    static func wrap(legacyVersion: [UInt8], sessionID: [UInt8], suites: [UInt8], extensions: [UInt8]) -> [UInt8] {
        var body = legacyVersion + random + [UInt8(sessionID.count)] + sessionID
        body += [UInt8(suites.count >> 8), UInt8(suites.count & 0xFF)] + suites
        body += [0x01, 0x00]  // compression methods: null
        body += [UInt8(extensions.count >> 8), UInt8(extensions.count & 0xFF)] + extensions
        let handshake = [0x01, 0x00, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [0x16, 0x03, 0x01, UInt8(handshake.count >> 8), UInt8(handshake.count & 0xFF)] + handshake
    }

    @Test func tls12HelloIsByteExact() {
        let hello = TLSClientHello(version: .tls12, cipherSuites: [0xC030, 0x0001], serverName: "db1.example.com", random: Self.random)
        let expected = Self.wrap(
            legacyVersion: [0x03, 0x03], sessionID: [],
            suites: [0xC0, 0x30, 0x00, 0x01],
            extensions: Self.expectedExtensions(serverName: "db1.example.com", tls13Shares: nil)
        )
        #expect(hello.record == expected)
    }

    @Test func tls10HelloUsesLegacyVersionAndNoSNIForAddresses() {
        for host in ["127.0.0.1", "::1", "[fe80::1%eth0]", ""] {
            let hello = TLSClientHello(version: .tls10, cipherSuites: [0x002F], serverName: host, random: Self.random)
            #expect(hello.serverName == nil)
            #expect(hello.record == Self.wrap(
                legacyVersion: [0x03, 0x01], sessionID: [], suites: [0x00, 0x2F],
                extensions: Self.expectedExtensions(serverName: nil, tls13Shares: nil)))
        }
        #expect(TLSClientHello(version: .tls11, cipherSuites: [], serverName: "Db.Example.", random: Self.random).serverName == "Db.Example")
    }

    /// RFC 7748 §6.1 (x25519) and RFC 6979 A.2.5 (P-256) key pairs, so the public keys in
    /// the key_share extension are checked against published values.
    @Test func tls13HelloCarriesBothKeyShares() throws {
        let x25519Private = WireFixtures.hex(["77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"])
        let x25519Public = WireFixtures.hex(["8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"])
        let p256Private = WireFixtures.hex(["c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"])
        let p256Public = [0x04] + WireFixtures.hex([
            "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
            "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
        ])
        let share = try TLSKeyShare(x25519PrivateKey: x25519Private, p256PrivateKey: p256Private)
        #expect(share.x25519PublicKey == x25519Public)
        #expect(share.p256PublicKey == p256Public)

        let sessionID = [UInt8](repeating: 0xAB, count: 32)
        let hello = TLSClientHello(version: .tls13, cipherSuites: [0x1301, 0x1302], serverName: "pg",
                                   random: Self.random, sessionID: sessionID, keyShare: share)
        var shares: [UInt8] = [0x00, 0x1D, 0x00, 0x20] + x25519Public  // x25519, 32 bytes
        shares += [0x00, 0x17, 0x00, 0x41] + p256Public  // secp256r1, 65 bytes
        shares = [0x00, UInt8(shares.count)] + shares  // client_shares length
        #expect(hello.record == Self.wrap(
            legacyVersion: [0x03, 0x03], sessionID: sessionID, suites: [0x13, 0x01, 0x13, 0x02],
            extensions: Self.expectedExtensions(serverName: "pg", tls13Shares: shares)))
    }

    @Test func seededHellosAreDeterministicAndFresh() throws {
        var first = SplitMix64(seed: 1)
        var again = SplitMix64(seed: 1)
        let a = try TLSClientHello(version: .tls13, cipherSuites: [0x1301], serverName: "h", using: &first)
        let b = try TLSClientHello(version: .tls13, cipherSuites: [0x1301], serverName: "h", using: &again)
        let c = try TLSClientHello(version: .tls13, cipherSuites: [0x1301], serverName: "h", using: &first)
        #expect(a == b)
        #expect(a.random != c.random)
        #expect(a.sessionID.count == 32)
        var rng = SplitMix64(seed: 2)
        #expect(try TLSClientHello(version: .tls12, cipherSuites: [1], serverName: nil, using: &rng).keyShare == nil)
    }

    @Test func badKeyShareIsACryptoError() {
        do {
            _ = try TLSKeyShare(x25519PrivateKey: [1, 2, 3], p256PrivateKey: [])
            Issue.record("short keys must be refused")
        } catch let error as CoreError {
            #expect(error.kind == .crypto)
        } catch { Issue.record("unexpected \(error)") }
    }
}
