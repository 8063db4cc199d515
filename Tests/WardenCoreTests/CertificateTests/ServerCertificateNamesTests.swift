import Testing
@testable import WardenCore

// MARK: - Which names a node's certificate carries

@Suite("Server certificate names")
struct ServerCertificateNamesTests {
    let inventory = CertificateFixtures.inventory

    @Test("the primary gets its host names and the names no other node claims; addresses are left out")
    func primary() {
        let names = ServerCertificateNames.forNode(
            CertificateFixtures.node("db1"), in: inventory,
            serviceHosts: ["db1.plant-a.example", "repository-db.plant-a.example", "db2", "10.0.4.10", "/var/run/postgresql", "DB1"])
        #expect(names.commonName == "db1.plant-a.example")
        #expect(names.dnsNames == ["db1.plant-a.example", "db1", "repository-db.plant-a.example"])
        #expect(names.ipAddresses.isEmpty)
        #expect(names.addressesLeftOut == ["10.0.4.10"])
    }

    @Test("IP SANs only on request: the node's address and the addresses services dial to it")
    func addressesOnRequest() {
        let names = ServerCertificateNames.forNode(
            CertificateFixtures.node("db1"), in: inventory, serviceHosts: ["10.0.4.10", "10.0.4.99"], includeAddresses: true)
        #expect(names.ipAddresses == ["10.0.4.10", "10.0.4.99"])
        #expect(names.addressesLeftOut.isEmpty)
    }

    @Test("a standby gets only what names it; unclaimed names stay with the primary")
    func standby() {
        let names = ServerCertificateNames.forNode(
            CertificateFixtures.node("db2"), in: inventory, serviceHosts: ["repository-db.plant-a.example", "db2", "10.0.4.10"])
        #expect(names.commonName == "db2.plant-a.example")
        #expect(names.dnsNames == ["db2.plant-a.example", "db2"])
        #expect(names.addressesLeftOut.isEmpty)
    }

    @Test("a host name too long for a CN (64) is a DNS SAN only; the CN is the next name that fits")
    func longName() throws {
        var node = CertificateFixtures.node("db1")
        let long = String(repeating: "a", count: 60) + ".plant-a.example"
        node.hostNames = [long, "db1.plant-a.example"]
        node.host = "10.0.4.10"
        let names = ServerCertificateNames.forNode(node, in: inventory, serviceHosts: [])
        #expect(names.commonName == "db1.plant-a.example")
        #expect(names.dnsNames == [long, "db1.plant-a.example"])
        let issued = try CertificateFixtures.authority.0.issueServer(names: names, now: CertificateFixtures.now, validityDays: 30)
        #expect(issued.summary.certificate.matches(hostName: long).matches)
        var tooLong = names
        tooLong.commonName = long
        #expect(throws: CoreError.self) { try CertificateFixtures.authority.0.issueServer(names: tooLong, now: CertificateFixtures.now, validityDays: 30) }
    }

    @Test("a node known only by address is named after the node")
    func addressOnly() {
        let node = DatabaseNode(name: "db9", host: "127.0.0.1", port: 5432, dataDirectory: "/d", binDirectory: nil, role: .standby, access: .local)
        let names = ServerCertificateNames.forNode(node, in: inventory, serviceHosts: [])
        #expect(names.commonName == "db9")
        #expect(names.dnsNames.isEmpty)
    }
}
