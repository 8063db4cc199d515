import Testing
@testable import WardenCore

@Suite("Reading service configs into facts")
struct ServiceConfigReaderTests {
    static func spec(_ profile: ServiceProfile) -> ServiceSpec {
        ServiceSpec(name: "central/\(profile.name)", node: "central", profile: profile, file: "/site/\(profile.name)")
    }

    @Test("Devart strings: hosts, SSL Mode, TLS pin, and a plaintext password with its <add> position")
    func devart() throws {
        let text = "\u{FEFF}<?xml version=\"1.0\"?>\r\n<configuration>\r\n  <connectionStrings>\r\n"
            + "    <add name=\"QSR\" connectionString=\"User ID=qliksenserepository;Host=db1,db2;Port=4432;Database=QSR;Password=pw;\" />\r\n"
            + "    <add name=\"QSMQ\" connectionString=\"User ID=qliksenserepository;Ssl Mode=VerifyFull;SSL TLS Protocol=1.2;Host='db.example.com';Port='4432';Database=QSMQ;Password=AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA;\" />\r\n"
            + "  </connectionStrings>\r\n</configuration>\r\n"
        let facts = ServiceConfigReader.read(text, spec: Self.spec(.repository), displayPath: "Repository.exe.config")
        #expect(facts.problem == nil)
        #expect(facts.connections.count == 2)
        let qsr = facts.connections[0]
        #expect(qsr.hosts == ["db1", "db2"])
        #expect(qsr.sslMode == .disable)  // Devart's default when the string says nothing
        #expect(qsr.password == .plaintext)
        #expect(qsr.location == FileLocation(file: "Repository.exe.config", line: 4, column: 5))
        let qsmq = facts.connections[1]
        #expect(qsmq.sslMode == .verifyFull && qsmq.tlsProtocol == "1.2" && qsmq.password == .windowsDPAPI)
        #expect(qsmq.hosts == ["db.example.com"] && qsmq.port == 4432)
        // Evidence spells the setting as the file does, or says what the driver does without it.
        #expect(qsmq.sslSetting == "Ssl Mode=VerifyFull")
        #expect(qsr.sslSetting == "no Ssl Mode (sslmode disable when absent)")
    }

    @Test("multi-host ports, root certificates and positions come through the facade")
    func facadeDetails() throws {
        let broker = ServiceConfigReader.read(
            "{\n  \"Postgres\": {\n    \"Host\": \"db1:5433,db2\",\n    \"Port\": 4432,\n    \"Password\": \"x\",\n"
                + "    \"Security\": {\"Enable\": true, \"Mode\": \"verify-full\", \"RootCertificate\": \"pki/root.pem\"}\n  }\n}\n",
            spec: Self.spec(.nlBroker), displayPath: "b.json")
        let connection = try #require(broker.connections.first)
        #expect(connection.hosts == ["db1", "db2"] && connection.hostPorts == ["db1": 5433])
        #expect(connection.port(for: "db1") == 5433 && connection.port(for: "db2") == 4432)
        #expect(connection.rootCertificate == "pki/root.pem" && connection.rootCertificateFile == nil)
        #expect(connection.sslSetting == "Security.Enable: true, Security.Mode: verify-full")
        #expect(connection.location == FileLocation(file: "b.json", line: 5, column: 17))  // the password's value
    }

    @Test("the effective SSL mode: a switch that is off or absent means no TLS; a file that says nothing gets the driver's default")
    func effectiveModes() throws {
        func mode(_ profile: ServiceProfile, _ text: String) throws -> SSLMode? {
            try ServiceConfig(text: text, profile: profile).allSettings().first?.effectiveSSLMode
        }
        #expect(try mode(.nlBroker, #"{"Postgres": {"Security": {"Mode": "require"}}}"#) == .disable)
        #expect(try mode(.nlBroker, #"{"Postgres": {"Security": {"Enable": true, "Mode": "verify-ca"}}}"#) == .verifyCA)
        #expect(try mode(.mobilityRegistrar, #"{"Postgres": {"Host": "db"}}"#) == .disable)
        #expect(try mode(.mobilityRegistrar, #"{"Postgres": {"SSL": 1}}"#) == .require)
        #expect(try mode(.libpqFile, "host=db") == .prefer)
        #expect(try mode(.repository, "<configuration><connectionStrings><add name=\"QSR\" connectionString=\"Host=db\" /></connectionStrings></configuration>") == .disable)
        #expect(ServiceDriver.nodeTLS.defaultSSLMode == nil && ServiceDriver.npgsql.defaultSSLMode == .prefer)
    }

    @Test("where a setting is written and how the file spells it")
    func positionsAndSpellings() throws {
        let xml = "<configuration>\n  <connectionStrings>\n    <add name=\"QSR\" connectionString=\"Host=db;ssl mode=Require\" />\n  </connectionStrings>\n</configuration>\n"
        let repository = try ServiceConfig(text: xml, profile: .repository)
        #expect(try repository.spelling(of: .sslMode, in: "QSR") == "ssl mode")
        #expect(try repository.spelling(of: .rootCertificate, in: "QSR") == "SSL CA Cert")
        #expect(try repository.spelling(of: .sslEnabled, in: "QSR") == nil)
        #expect(try repository.position(of: .sslMode, in: "QSR") == TextPosition(line: 3, column: 5))
        let ini = try ServiceConfig(text: "[a.Parameters]\n--mode=x\n--ssl=1\n\n[b.parameters]\n", profile: .serviceDispatcher)
        #expect(try ini.position(of: .tlsOptions, in: "a") == TextPosition(line: 3, column: 1))
        #expect(try ini.position(of: .tlsOptions, in: "b") == TextPosition(line: 5, column: 1))
        #expect(try ini.spelling(of: nil, in: "a") == "a.Parameters" && ini.spelling(of: .tlsOptions, in: "a") == "--ssl")
        #expect(throws: CoreError.self) { try ini.position(in: "nope") }
    }

    @Test("appsettings.json: SSL switches in each shape")
    func json() {
        let notifier = ServiceConfigReader.read(
            #"{ "qsmq": { "host": "db", "port": 4432, "database": "QSMQ", "user": "u", "password": "x", "ssl": "true" }, "senseServices": { "host": "db", "ssl": "false" } }"#,
            spec: Self.spec(.notifier), displayPath: "n.json")
        #expect(notifier.connections.map(\.sslMode) == [.require, .disable])
        #expect(notifier.connections.map(\.password) == [.plaintext, .absent])
        let mobility = ServiceConfigReader.read(#"{"Postgres": {"Host": "db", "Password": "", "SSL": 0}}"#, spec: Self.spec(.mobilityRegistrar), displayPath: "m.json")
        #expect(mobility.connections.first?.sslMode == .disable)
        #expect(mobility.connections.first?.password == .empty)
        let broker = ServiceConfigReader.read(
            #"{"Postgres": {"Host": "db", "Security": {"Enable": true, "Mode": "verify-full"}}}"#, spec: Self.spec(.nlBroker), displayPath: "b.json")
        #expect(broker.connections.first?.sslMode == .verifyFull)
        let licenses = ServiceConfigReader.read(#"{"licenses": {"host": "db", "sslMode": "require"}}"#, spec: Self.spec(.licenses), displayPath: "l.json")
        #expect(licenses.connections.first?.sslMode == .require)
        #expect(licenses.connections.first?.sslSetting == "sslMode: require")
    }

    @Test("a malformed file gets file:line:col and the audit goes on")
    func malformed() {
        let facts = ServiceConfigReader.read("{\n  \"licenses\": {\n    \"host\": ,\n  }\n}\n", spec: Self.spec(.licenses), displayPath: "Licenses/appsettings.json")
        #expect(facts.connections.isEmpty)
        #expect(facts.problem?.location.file == "Licenses/appsettings.json")
        #expect(facts.problem?.location.line == 3)
        #expect(facts.problem?.location.column != nil)
        #expect(facts.problem?.description.hasPrefix("Licenses/appsettings.json:3:") == true)
        let xml = ServiceConfigReader.read("<configuration>\n<connectionStrings>\n<add name=\"QSR\" connectionString=\"x\n", spec: Self.spec(.repository), displayPath: "r.config")
        #expect(xml.problem != nil)
    }

    @Test("services.conf: --ssl per parameters section, missing --ssl, and passwords on command lines")
    func servicesConf() {
        let text = "[a]\r\nExePath=node.exe\r\n\r\n[a.parameters]\r\n--ssl=369098752\r\n\r\n[b.parameters]\r\n--mode=server\r\n--db-password=hunter2\r\n\r\n[c.parameters]\r\n--ssl=33554432\r\n"
        let facts = ServiceConfigReader.read(text, spec: Self.spec(.serviceDispatcher), displayPath: "services.conf")
        #expect(facts.problem == nil)
        let byName = Dictionary(uniqueKeysWithValues: facts.tlsOptions.map { ($0.section, $0) })
        #expect(byName["a.parameters"]?.minimumVersion == "TLSv1.2")
        #expect(byName["b.parameters"]?.value == nil)
        #expect(byName["c.parameters"]?.minimumVersion == "TLSv1")
        #expect(facts.commandLinePasswords == [FileLocation(file: "services.conf", line: 9)])
    }

    @Test("a libpq connection string file")
    func libpq() {
        let facts = ServiceConfigReader.read("host=db.example.com port=4432 dbname=QSR user=backup sslmode=verify-full ssl_min_protocol_version=TLSv1.2\n",
                                             spec: Self.spec(.libpqFile), displayPath: "backup.conninfo")
        let connection = facts.connections.first
        #expect(connection?.sslMode == .verifyFull && connection?.hosts == ["db.example.com"] && connection?.port == 4432)
        #expect(connection?.password == .absent && connection?.tlsProtocol == "TLSv1.2")
    }

    @Test("driver spellings of SSL modes", arguments: [
        ("Require", SSLMode.require), ("VerifyFull", .verifyFull), ("verify-ca", .verifyCA), ("verify_full", .verifyFull),
        ("Disable", .disable), ("Prefer", .prefer), ("no-verify", .require),
    ])
    func spellings(text: String, mode: SSLMode) {
        #expect(DriverSpelling.sslMode(text) == mode)
    }
}
