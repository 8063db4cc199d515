import Testing
@testable import WardenCore

// MARK: - warden.yaml: good files and a set of broken ones, each with its exact error

@Suite("Inventory parsing")
struct InventoryParserTests {
    static let good = """
    site: plant-a
    state_dir: state
    superuser: postgres
    replication_role: replicator
    secrets:
      postgres: file:secrets/postgres.password
      qliksenserepository: env:QSR_PASSWORD
    database_nodes:
      - name: db1
        host: 127.0.0.1
        port: 4432
        data_dir: db1/data
        bin_dir: /usr/lib/postgresql/15/bin
        role: primary
      - name: db2
        host: 127.0.0.1
        port: 4433
        data_dir: ../elsewhere/db2
        role: standby
    service_nodes:
      - name: central
        address: 127.0.0.1
    services:
      - node: central
        profile: licenses
        file: nodes/central/Licenses/appsettings.json
      - name: repo
        node: central
        profile: repository
        file: /abs/Repository.exe.config
    stored_password_files:
      - node: central
        file: pgpass.conf
    policy:
      password_encryption: scram-sha-256
      tls_min_version: TLSv1.3
      client_networks: [10.0.4.0/24, 10.0.5.17, "::1/128"]
      server_settings:
        log_connections: "on"

    """

    @Test func goodInventoryParsesWithResolvedPaths() throws {
        let inventory = try InventoryParser.parse(Self.good, path: "/site/warden.yaml")
        #expect(inventory.site == "plant-a")
        #expect(inventory.stateDirectory == "/site/state")
        #expect(inventory.databaseNodes.map(\.name) == ["db1", "db2"])
        #expect(inventory.primary?.name == "db1")
        #expect(inventory.databaseNodes[0].dataDirectory == "/site/db1/data")
        #expect(inventory.databaseNodes[1].dataDirectory == "/elsewhere/db2")
        #expect(inventory.databaseNodes[1].binDirectory == nil)
        #expect(inventory.secrets["postgres"] == .file(path: "/site/secrets/postgres.password"))
        #expect(inventory.secrets["qliksenserepository"] == .environment(name: "QSR_PASSWORD"))
        #expect(inventory.services.map(\.name) == ["central/licenses", "repo"])
        #expect(inventory.services[0].profile == ServiceProfile.licenses)
        #expect(inventory.services[0].file == "/site/nodes/central/Licenses/appsettings.json")
        #expect(inventory.services[1].file == "/abs/Repository.exe.config")
        #expect(inventory.storedPasswordFiles == [StoredPasswordFile(node: "central", file: "/site/pgpass.conf")])
        #expect(inventory.policy.tlsMinimumVersion == "TLSv1.3")
        #expect(inventory.policy.clientNetworks == ["10.0.4.0/24", "10.0.5.17", "::1/128"])
        #expect(inventory.policy.serverSettings == ["log_connections": "on"])
    }

    @Test func defaultsApplyWhenOptionalKeysAreAbsent() throws {
        let text = """
        site: tiny
        database_nodes:
          - {name: db1, host: 127.0.0.1, port: 5432, data_dir: /d, role: primary}
        """
        let inventory = try InventoryParser.parse(text, path: "/x/warden.yaml")
        #expect(inventory.superuser == "postgres")
        #expect(inventory.replicationRole == "replicator")
        #expect(inventory.stateDirectory == "/x/.pgwarden-state")
        #expect(inventory.policy == Policy())
        #expect(inventory.databaseNodes[0].access == .local)
    }

    // MARK: Broken inventories

    struct Broken: Sendable, CustomTestStringConvertible {
        var name: String
        /// A replacement applied to the good file: (old, new).
        var edit: (String, String)
        var line: Int
        var column: Int
        var message: String
        var hint: String?
        var testDescription: String { name }
    }

    static let broken: [Broken] = [
        Broken(name: "misspelt key", edit: ("state_dir: state", "stat_dir: state"), line: 2, column: 1,
               message: "unknown key 'stat_dir'", hint: "did you mean 'state_dir'?"),
        Broken(name: "unknown node key", edit: ("    role: standby", "    role: standby\n    colour: blue"), line: 20, column: 5,
               message: "unknown key 'colour'"),
        Broken(name: "port out of range", edit: ("port: 4433", "port: 70000"), line: 17, column: 11,
               message: "port 70000 is out of range"),
        Broken(name: "port not a number", edit: ("port: 4433", "port: four"), line: 17, column: 11,
               message: "'port' must be a whole number, not 'four'"),
        Broken(name: "bad role", edit: ("role: standby", "role: replica"), line: 19, column: 11,
               message: "'role' cannot be 'replica'", hint: "use one of: primary, standby, fenced"),
        Broken(name: "two primaries", edit: ("role: standby", "role: primary"), line: 1, column: 1,
               message: "database_nodes has 2 primaries; exactly one is needed"),
        Broken(name: "unknown profile", edit: ("profile: licenses", "profile: licences"), line: 25, column: 14,
               message: "unknown profile 'licences'"),
        Broken(name: "unknown service node", edit: ("  - node: central\n    profile: licenses", "  - node: rim9\n    profile: licenses"), line: 24, column: 11,
               message: "unknown service node 'rim9'"),
        Broken(name: "secret as plain value", edit: ("env:QSR_PASSWORD", "hunter2"), line: 7, column: 24,
               message: "secret reference must start with 'file:', 'env:' or 'store:'"),
        Broken(name: "bad env name", edit: ("env:QSR_PASSWORD", "env:9LIVES"), line: 7, column: 24,
               message: "secret reference 'env:9LIVES' is not a valid environment variable name"),
        Broken(name: "bad network", edit: ("10.0.5.17", "10.0.5.300"), line: 37, column: 34,
               message: "'10.0.5.300' is not an address or CIDR network"),
        Broken(name: "bad password_encryption", edit: ("password_encryption: scram-sha-256", "password_encryption: sha1"), line: 35, column: 24,
               message: "password_encryption 'sha1' is not md5 or scram-sha-256"),
        Broken(name: "missing required key", edit: ("    host: 127.0.0.1\n    port: 4433", "    port: 4433"), line: 15, column: 5,
               message: "missing required key 'host'"),
        Broken(name: "duplicate node name", edit: ("  - name: db2", "  - name: db1"), line: 15, column: 11,
               message: "database node 'db1' is listed twice"),
        Broken(name: "mapping where a list belongs", edit: ("service_nodes:\n  - name: central\n    address: 127.0.0.1", "service_nodes:\n  name: central"), line: 21, column: 3,
               message: "'service_nodes' must be a list"),
        Broken(name: "YAML syntax error", edit: ("site: plant-a", "site: [plant-a"), line: 2, column: 10,
               message: "YAML syntax"),
        Broken(name: "repeated key", edit: ("    role: standby", "    role: standby\n    port: 4434"), line: 20, column: 5,
               message: "key 'port' appears twice in the same mapping: first at 17:5, again at 20:5", hint: YAMLDuplicateKey.hint),
        Broken(name: "repeated first key of a list item", edit: ("    role: primary", "    role: primary\n    name: db9"), line: 15, column: 5,
               message: "key 'name' appears twice in the same mapping: first at 9:5, again at 15:5"),
        Broken(name: "repeated top-level key", edit: ("superuser: postgres", "superuser: postgres\n\n# again\nsite: plant-b"), line: 6, column: 1,
               message: "key 'site' appears twice in the same mapping: first at 1:1, again at 6:1"),
        Broken(name: "repeated key, quoted", edit: ("  qliksenserepository: env:QSR_PASSWORD", "  qliksenserepository: env:QSR_PASSWORD\n  \"postgres\" : env:OTHER"), line: 8, column: 3,
               message: "key 'postgres' appears twice in the same mapping: first at 6:3, again at 8:3"),
    ]

    @Test(arguments: broken)
    func brokenInventoryGetsAPreciseError(_ case_: Broken) throws {
        try Self.expectError(case_, editing: Self.good)
    }

    /// Applies the case's edit to `original` and checks the error: file, line:col, message, hint.
    static func expectError(_ case_: Broken, editing original: String) throws {
        let text = original.replacingOccurrences(of: case_.edit.0, with: case_.edit.1)
        #expect(text != original, "the edit must change the file")
        let error = try #require(throws: CoreError.self) {
            try InventoryParser.parse(text, path: "warden.yaml")
        }
        #expect(error.file == "warden.yaml")
        #expect(error.position == TextPosition(line: case_.line, column: case_.column), "\(error)")
        #expect(error.message.hasPrefix(case_.message), "\(error.message)")
        #expect(error.hint != nil)
        if let hint = case_.hint { #expect(error.hint == hint) }
        #expect(error.description.hasPrefix("warden.yaml:\(case_.line):\(case_.column): "))
    }

    /// A flow mapping is not followed: the error points at the first occurrence and says so;
    /// several repeated keys are all named; no value of the file reaches the error.
    @Test func repeatedKeysInAFlowMappingAndSeveralAtOnce() throws {
        let flow = try #require(throws: CoreError.self) {
            try InventoryParser.parse("site: a\nsecrets: {postgres: env:A_SECRET_VALUE, postgres: env:B}\n", path: "w.yaml")
        }
        #expect(flow.description == "w.yaml:2:11: key 'postgres' appears more than once in the mapping whose first 'postgres' is at 2:11")
        #expect(!flow.description.contains("A_SECRET_VALUE") && !(flow.hint ?? "").contains("A_SECRET_VALUE"))
        let several = try #require(throws: CoreError.self) {
            try InventoryParser.parse("site: a\nsuperuser: x\nsite: b\nsuperuser: y\n", path: "w.yaml")
        }
        #expect(several.description == "w.yaml:3:1: key 'site' appears twice in the same mapping: first at 1:1, again at 3:1")
        #expect(several.hint?.hasSuffix("also repeated in this mapping: 'superuser'") == true, "\(several.hint ?? "")")
    }

    @Test func emptyFileIsRefusedWithAHint() throws {
        let error = try #require(throws: CoreError.self) { try InventoryParser.parse("", path: "w.yaml") }
        #expect(error.message == "the inventory is empty")
        #expect(error.file == "w.yaml")
    }

    @Test func topLevelListIsRefused() throws {
        let error = try #require(throws: CoreError.self) { try InventoryParser.parse("- a\n- b\n", path: "w.yaml") }
        #expect(error.position == TextPosition(line: 1, column: 1))
    }

    @Test func secretValuesNeverAppearInErrors() throws {
        let text = Self.good.replacingOccurrences(of: "env:QSR_PASSWORD", with: "S3cr3t-Passw0rd")
        let error = try #require(throws: CoreError.self) { try InventoryParser.parse(text, path: "w.yaml") }
        #expect(!error.description.contains("S3cr3t-Passw0rd"))
        #expect(!(error.hint ?? "").contains("S3cr3t-Passw0rd"))
    }
}

@Suite("Paths and secret references")
struct PathResolutionTests {
    @Test(arguments: [
        ("a/b", "/base", "/base/a/b"),
        ("/abs/x", "/base", "/abs/x"),
        ("../up/./x", "/base/sub", "/base/up/x"),
        ("./x", "/", "/x"),
        ("../../../x", "/a", "/x"),
    ])
    func resolve(_ path: String, _ base: String, _ expected: String) {
        #expect(PathResolution.resolve(path, against: base) == expected)
    }

    @Test func directoryOfPath() {
        #expect(PathResolution.directory(of: "/a/b/c.yaml") == "/a/b")
        #expect(PathResolution.directory(of: "/c.yaml") == "/")
        #expect(PathResolution.directory(of: "c.yaml") == ".")
    }

    @Test func emptyFileReferenceIsRefused() {
        #expect(throws: CoreError.self) { try SecretReference.parse("file:", baseDirectory: "/") }
    }
}
