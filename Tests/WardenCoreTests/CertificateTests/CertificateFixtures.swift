import Foundation
@testable import WardenCore

// MARK: - Sites, nodes and CAs for the certificate tests

enum CertificateFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    /// A primary that services reach as db1.plant-a.example or db1, and a standby.
    static var inventory: Inventory {
        var primary = DatabaseNode(name: "db1", host: "10.0.4.10", port: 4432, dataDirectory: "/srv/db1", binDirectory: nil, role: .primary, access: .local)
        primary.hostNames = ["db1.plant-a.example", "db1"]
        var standby = DatabaseNode(name: "db2", host: "db2.plant-a.example", port: 4432, dataDirectory: "/srv/db2", binDirectory: nil, role: .standby, access: .local)
        standby.hostNames = ["db2"]
        return Inventory(
            site: "plant-a", baseDirectory: "/site", stateDirectory: "/site/state", superuser: "postgres",
            replicationRole: "replicator", secrets: [:], databaseNodes: [primary, standby], serviceNodes: [],
            services: [], storedPasswordFiles: [], policy: Policy())
    }

    static func node(_ name: String) -> DatabaseNode {
        inventory.databaseNode(named: name)!
    }

    /// One P-256 CA per test run (key generation is the slow part).
    static let authority: (SiteCertificateAuthority, IssuedCertificate) = {
        try! SiteCertificateAuthority.create(site: "plant-a", algorithm: .p256, now: now)
    }()

    /// Another CA with the same site name: its certificates must not verify against ``authority``.
    static let otherAuthority: (SiteCertificateAuthority, IssuedCertificate) = {
        try! SiteCertificateAuthority.create(site: "plant-a", algorithm: .p256, now: now)
    }()

    static let names = ServerCertificateNames(commonName: "db1.plant-a.example", dnsNames: ["db1.plant-a.example", "db1"])
}
