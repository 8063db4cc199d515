import Testing
@testable import WardenCore

@Suite("IP addresses and ranges")
struct IPAddressTests {
    @Test("accepted forms and their canonical text", arguments: [
        ("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("FE80::1", "fe80::1"), ("fe80::1%eth0", "fe80::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8::0001", "2001:db8::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
        ("::10.1.2.3", "::a01:203"), ("1::", "1::"),
    ])
    func accepted(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test("refused forms", arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "010.0.0.1", "0x7f.0.0.1", "1.2.3.-4", " 1.2.3.4",
        ":", ":::", "1:::2", "1::2::3", ":1::", "::1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::",
        "g::1", "1.2.3.4::", "::1.2.3", "fe80::1%", "localhost",
    ])
    func refused(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("masks and prefix lengths")
    func masks() throws {
        #expect(IPAddress.mask(prefixLength: 20, family: .v4)?.description == "255.255.240.0")
        #expect(IPAddress.mask(prefixLength: 0, family: .v4)?.description == "0.0.0.0")
        #expect(IPAddress.mask(prefixLength: 33, family: .v4) == nil)
        #expect(IPAddress.mask(prefixLength: 64, family: .v6)?.description == "ffff:ffff:ffff:ffff::")
        #expect(IPAddress("255.0.255.0")?.prefixLength == nil)
        #expect(IPAddress("255.255.255.128")?.prefixLength == 25)
        #expect(IPAddressRange(cidr: "10.0.0.0/8")?.prefixLength == 8)
        #expect(IPAddressRange(cidr: "10.0.0.1")?.prefixLength == 32)
        #expect(IPAddressRange(cidr: "10.0.0.0/x") == nil)
        #expect(IPAddressRange(cidr: "::/129") == nil)
        #expect(IPAddressRange(address: try HBATestValues.ip("10.0.0.0"), mask: try HBATestValues.ip("ffff::")) == nil)
    }

    @Test("containment never crosses families; range inclusion is exact for masks with holes")
    func containment() throws {
        let net = try #require(IPAddressRange(cidr: "10.0.0.0/8"))
        #expect(net.contains(try #require(IPAddress("10.255.0.1"))))
        #expect(!net.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!net.contains(try #require(IPAddress("::ffff:10.0.0.1"))))
        #expect(net.contains(try #require(IPAddressRange(cidr: "10.1.0.0/16"))))
        #expect(!net.contains(try #require(IPAddressRange(cidr: "0.0.0.0/0"))))
        let holes = try HBATestValues.range("10.0.0.0", mask: "255.0.255.0")
        #expect(holes.contains(try #require(IPAddressRange(cidr: "10.9.0.0/24"))))
        #expect(!holes.contains(try #require(IPAddressRange(cidr: "10.9.0.0/16"))))
        #expect(holes.description == "10.0.0.0 255.0.255.0")
    }

    @Test("random addresses print and parse back; range inclusion agrees with sampled members")
    func properties() throws {
        var rng = SplitMix64(seed: 0x1BAD_DEED)
        for _ in 0..<500 {
            let family: IPAddress.Family = Bool.random(using: &rng) ? .v4 : .v6
            // Bias towards zero bytes so `::` compression and mapped forms occur.
            let bytes = (0..<family.byteCount).map { _ in Int.random(in: 0..<3, using: &rng) == 0 ? UInt8.random(in: 0...255, using: &rng) : 0 }
            let address = try #require(IPAddress(bytes: bytes))
            #expect(IPAddress(address.description) == address)

            let outerLength = Int.random(in: 0...(family.byteCount * 8), using: &rng)
            let innerLength = Int.random(in: 0...(family.byteCount * 8), using: &rng)
            let outer = try #require(IPAddressRange(address: address, prefixLength: outerLength))
            let inner = try #require(IPAddressRange(address: address, prefixLength: innerLength))
            #expect(outer.contains(inner) == (outerLength <= innerLength))
            // A member of `inner`: keep its masked bits, randomise the rest.
            let member = zip(zip(address.bytes, inner.mask.bytes), (0..<bytes.count).map { _ in UInt8.random(in: 0...255, using: &rng) })
                .map { pair, noise in (pair.0 & pair.1) | (noise & ~pair.1) }
            let memberAddress = try #require(IPAddress(bytes: member))
            #expect(inner.contains(memberAddress))
            if outer.contains(inner) { #expect(outer.contains(memberAddress)) }
        }
    }
}
