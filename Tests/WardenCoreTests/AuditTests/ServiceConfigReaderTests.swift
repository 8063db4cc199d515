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
        #expect(ServiceConfigReader.sslMode(text) == mode)
    }
}
