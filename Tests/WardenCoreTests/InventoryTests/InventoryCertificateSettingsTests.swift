import Testing
@testable import WardenCore

// MARK: - warden.yaml: the tls: section and host_names:

@Suite("Inventory: tls and host_names")
struct InventoryCertificateSettingsTests {
    static let base = """
    site: plant-a
    state_dir: state
    database_nodes:
      - name: db1
        host: 10.0.4.10
        host_names: [db1.plant-a.example, db1]
        port: 4432
        data_dir: /srv/db1
        role: primary
    tls:
      ca_cert: pki/ca.crt
      ca_key: /secure/ca.key
      validity_days: 90
      warning_days: 14

    """

    @Test("tls: paths resolve against the inventory's folder; host_names are kept in order")
    func parsed() throws {
        let inventory = try InventoryParser.parse(Self.base, path: "/site/warden.yaml")
        #expect(inventory.tls == CertificateSettings(caCertificate: "/site/pki/ca.crt", caKey: "/secure/ca.key", validityDays: 90, warningDays: 14))
        #expect(inventory.databaseNodes[0].hostNames == ["db1.plant-a.example", "db1"])
    }

    @Test("without tls: the CA lives under the state directory, 365/30 days; no host_names")
    func defaults() throws {
        let text = """
        site: tiny
        state_dir: st
        database_nodes:
          - {name: db1, host: 127.0.0.1, port: 5432, data_dir: /d, role: primary}
        """
        let inventory = try InventoryParser.parse(text, path: "/x/warden.yaml")
        #expect(inventory.tls == CertificateSettings(caCertificate: "/x/st/tls/ca.crt", caKey: "/x/st/tls/ca.key", validityDays: 365, warningDays: 30))
        #expect(inventory.databaseNodes[0].hostNames.isEmpty)
    }

    typealias Broken = InventoryParserTests.Broken

    static let broken: [Broken] = [
        Broken(name: "misspelt tls key", edit: ("  warning_days: 14", "  warnings_days: 14"), line: 14, column: 3,
               message: "unknown key 'warnings_days'", hint: "did you mean 'warning_days'?"),
        Broken(name: "misspelt host_names", edit: ("host_names:", "hostnames:"), line: 6, column: 5,
               message: "unknown key 'hostnames'", hint: "did you mean 'host_names'?"),
        Broken(name: "validity not a number", edit: ("validity_days: 90", "validity_days: ninety"), line: 13, column: 18,
               message: "'validity_days' must be a whole number, not 'ninety'"),
        Broken(name: "validity out of range", edit: ("validity_days: 90", "validity_days: 0"), line: 13, column: 18,
               message: "validity_days 0 is out of range"),
        Broken(name: "warning longer than validity", edit: ("warning_days: 14", "warning_days: 90"), line: 14, column: 17,
               message: "warning_days (90) must be shorter than validity_days (90)"),
        Broken(name: "negative warning", edit: ("warning_days: 14", "warning_days: -1"), line: 14, column: 17,
               message: "warning_days cannot be negative"),
        Broken(name: "address in host_names", edit: ("[db1.plant-a.example, db1]", "[db1.plant-a.example, 10.0.4.10]"), line: 6, column: 39,
               message: "'10.0.4.10' is an address, not a host name"),
        Broken(name: "bad host name", edit: ("[db1.plant-a.example, db1]", "[db1.plant-a.example, db_1]"), line: 6, column: 39,
               message: "'db_1' is not a DNS host name"),
        Broken(name: "duplicate host name", edit: ("[db1.plant-a.example, db1]", "[db1.plant-a.example, DB1.plant-a.example]"), line: 6, column: 39,
               message: "host name 'DB1.plant-a.example' is listed twice"),
        Broken(name: "host_names not a list", edit: ("[db1.plant-a.example, db1]", "db1.plant-a.example"), line: 6, column: 17,
               message: "'host_names' must be a list"),
        Broken(name: "tls not a mapping", edit: ("tls:\n  ca_cert: pki/ca.crt\n  ca_key: /secure/ca.key\n  validity_days: 90\n  warning_days: 14", "tls: [a]"), line: 10, column: 6,
               message: "'tls' must be a mapping of keys"),
    ]

    @Test(arguments: broken)
    func brokenSectionGetsAPreciseError(_ case_: Broken) throws {
        try InventoryParserTests.expectError(case_, editing: Self.base)
    }

    @Test("DNS name syntax", arguments: [
        ("db1", true), ("db1.plant-a.example", true), ("db1.example.", true), ("xn--bcher-kva.example", true),
        ("-db1", false), ("db1-", false), ("db_1", false), ("db1..example", false), ("", false), ("*.example.com", false),
        (String(repeating: "a", count: 64) + ".example", false),
    ])
    func dnsNameSyntax(_ name: String, _ valid: Bool) {
        #expect(DNSNameSyntax.isValid(name) == valid)
    }
}
