import Foundation
import Testing

@testable import WardenCore

@Suite("ServiceConfig: every shape read uniformly, written in the driver's spelling")
struct ServiceConfigTests {
    static let indices = Array(ServiceFixtures.all.indices)

    static func open(_ index: Int) throws -> ServiceConfig {
        let fixture = ServiceFixtures.all[index]
        return try ServiceConfig(text: fixture.text, profile: fixture.profile, file: fixture.file)
    }

    // MARK: Round trip

    @Test("unedited files render byte for byte", arguments: indices)
    func roundTrip(index: Int) throws {
        let config = try Self.open(index)
        #expect(config.render() == ServiceFixtures.all[index].text)
        #expect(!config.entries.isEmpty)
        _ = try config.allSettings()
    }

    @Test("detection picks the format and the profile", arguments: indices)
    func detection(index: Int) throws {
        let fixture = ServiceFixtures.all[index]
        let config = try ServiceConfig.detect(text: fixture.text, file: fixture.file)
        #expect(config.profile.format == fixture.profile.format)
        #expect(config.render() == fixture.text)
        // Every profile is told apart except shapes that are the same (app distribution / hybrid).
        if fixture.profile.format != .json || fixture.profile.name != "app-distribution" {
            #expect(config.profile.name == fixture.profile.name)
        }
    }

    @Test("a JSON file no profile describes is refused with a hint")
    func unknownJSON() {
        #expect(throws: CoreError.self) { try ServiceConfig.detect(text: "{\"Logging\": {}}", file: "/x/appsettings.json") }
    }

    // MARK: Reading

    @Test("Devart strings: host, port, database, SSL mode, password kind")
    func readDevart() throws {
        let config = try Self.open(0)
        let qsr = try config.settings(of: "QSR")
        #expect(qsr.hosts == [ConnectionHostList.Host(name: "fullhostname.com")])
        #expect(qsr.port == 4432)
        #expect(qsr.database == "QSR")
        #expect(qsr.sslMode == nil)
        #expect(qsr.passwordKind == .plaintext)
        #expect(!qsr.requiresTLS)
        #expect(try config.password(in: "QSR")?.revealed == ServiceFixtures.password)
        let qsmq = try config.settings(of: "QSMQ")
        #expect(qsmq.sslMode == .require)
        #expect(qsmq.requiresTLS)
    }

    @Test("JSON shapes: switches in their types, DPAPI recognised, Security.Enable + Mode both needed")
    func readJSON() throws {
        let licenses = try Self.open(1)
        #expect(try licenses.settings(of: "licenses").sslMode == .disable)
        #expect(try licenses.settings(of: "messageQueue").passwordKind == .windowsDPAPI)
        let notifier = try Self.open(2)
        #expect(try notifier.settings(of: "qsmq").sslEnabled == false)
        let mobility = try Self.open(3)
        #expect(try mobility.settings(of: "Postgres").sslEnabled == false)
        let broker = try Self.open(5)
        let settings = try broker.settings(of: "Postgres")
        #expect(settings.sslEnabled == false && settings.sslMode == .disable)
        #expect(settings.rootCertificate == #"C:\certs\root.pem"#)
    }

    @Test("services.conf: one entry per [NAME.parameters] section, --ssl read as options")
    func readINI() throws {
        let config = try Self.open(6)
        #expect(config.entries.map(\.name) == ["resource-distribution", "odag"])
        #expect(try config.settings(of: "resource-distribution").tlsOptions == nil)
        #expect(try config.settings(of: "odag").tlsMinimum == .tls1_0)
    }

    @Test("an unknown entry is a not-found error naming the entries")
    func unknownEntry() throws {
        let config = try Self.open(0)
        let error = try #require(throws: CoreError.self) { try config.settings(of: "Nope") }
        #expect(error.kind == .notFound)
        #expect(error.hint?.contains("QSR") == true)
    }

    // MARK: Writing in each spelling

    @Test("require SSL: Devart gains Ssl Mode=Require and nothing else changes")
    func devartRequire() throws {
        var config = try Self.open(0)
        try config.set(.sslMode, .sslMode(.require), in: "QSR")
        let text = config.render()
        #expect(text.contains("Password=&quot;S3cret;pa'ss&quot;;Ssl Mode=Require;\""))
        #expect(text.replacingFirst("Ssl Mode=Require;", with: "") == ServiceFixtures.repository)
        #expect(try config.settings(of: "QSR").requiresTLS)
    }

    @Test("TLS pin: Devart SSL TLS Protocol=1.2; 1.3 refused")
    func devartTLS() throws {
        var config = try Self.open(0)
        try config.set(.tlsProtocol, .tlsMinimum(.tls1_2), in: "QSMQ")
        #expect(config.render().contains("SSL TLS Protocol=1.2;"))
        #expect(throws: CoreError.self) { try config.set(.tlsProtocol, .tlsMinimum(.tls1_3), in: "QSMQ") }
    }

    @Test("JSON switches keep their type: \"ssl\": \"true\", \"SSL\": 1, Enable: true")
    func jsonSwitches() throws {
        var notifier = try Self.open(2)
        try notifier.set(.sslEnabled, .switchedOn(true), in: "qsmq")
        #expect(notifier.render().contains(#""password": "p1", "ssl": "true" }"#))
        #expect(notifier.render().contains(#""password": "p2", "ssl": "false" }"#))
        var mobility = try Self.open(3)
        try mobility.set(.sslEnabled, .switchedOn(true), in: "Postgres")
        #expect(mobility.render() == ServiceFixtures.mobility.replacingFirst(#""SSL": 0"#, with: #""SSL": 1"#))
        var broker = try Self.open(5)
        try broker.set(.sslEnabled, .switchedOn(true), in: "Postgres")
        try broker.set(.sslMode, .sslMode(.verifyFull), in: "Postgres")
        #expect(broker.render() == ServiceFixtures.nlBroker
            .replacingFirst(#""Enable": false"#, with: #""Enable": true"#)
            .replacingFirst(#""Mode": "disable""#, with: #""Mode": "verify-full""#))
    }

    @Test("a missing Security object is created in the file's style")
    func createsParents() throws {
        var config = try Self.open(4)
        try config.set(.sslEnabled, .switchedOn(true), in: "Postgres")
        try config.set(.rootCertificate, .text("/etc/root.pem"), in: "Postgres")
        let reread = try ServiceConfig(text: config.render(), profile: .appDistribution, file: "f")
        let settings = try reread.settings(of: "Postgres")
        #expect(settings.sslEnabled == true)
        #expect(settings.rootCertificate == "/etc/root.pem")
        #expect(settings.database == "SenseServices")
    }

    @Test("services.conf: --ssl=369098752 added in CRLF style; other bits kept when editing")
    func iniBitmask() throws {
        var config = try Self.open(6)
        try config.set(.tlsOptions, .tlsMinimum(.tls1_2), in: "resource-distribution")
        try config.set(.tlsOptions, .tlsMinimum(.tls1_2), in: "odag")
        let text = config.render()
        #expect(text.contains("--mode=server\r\n--ssl=369098752\r\n"))
        #expect(text.contains("[odag.parameters]\r\n--ssl=369098752\r\n"))
        #expect(try config.settings(of: "odag").tlsMinimum == .tls1_2)
    }

    @Test("libpq: multi-host with target_session_attrs; sslmode; ssl_min_protocol_version")
    func libpqWrites() throws {
        var config = try Self.open(7)
        try config.set(.host, .hosts([.init(name: "db1", port: 4432), .init(name: "db2", port: 4433)]), in: "conninfo")
        try config.set(.sslMode, .sslMode(.verifyFull), in: "conninfo")
        try config.set(.tlsProtocol, .tlsMinimum(.tls1_2), in: "conninfo")
        let text = config.render()
        #expect(text.hasPrefix("host=db1,db2 port=4432,4433 dbname=QSR"))
        #expect(text.contains("sslmode=verify-full"))
        #expect(text.contains("target_session_attrs=read-write"))
        #expect(text.contains("ssl_min_protocol_version=TLSv1.2"))
        #expect(text.hasSuffix("\n"))
        #expect(try config.settings(of: "conninfo").hosts.count == 2)
    }

    @Test("Devart multi-host sets Target Session=Primary; node-postgres refuses multi-host")
    func multiHost() throws {
        var repository = try Self.open(0)
        try repository.set(.host, .hosts([.init(name: "db1", port: 4432), .init(name: "db2", port: 4432)]), in: "QSR")
        #expect(repository.render().contains("Host='db1:4432,db2:4432'"))
        #expect(repository.render().contains("Target Session=Primary;"))
        var licenses = try Self.open(1)
        let error = try #require(throws: CoreError.self) {
            try licenses.set(.host, .hosts([.init(name: "a"), .init(name: "b")]), in: "licenses")
        }
        #expect(error.kind == .unsupported)
    }

    @Test("a field the shape has no place for is unsupported, with the fields listed")
    func unsupportedField() throws {
        var config = try Self.open(2)
        let error = try #require(throws: CoreError.self) { try config.set(.tlsProtocol, .tlsMinimum(.tls1_2), in: "qsmq") }
        #expect(error.kind == .unsupported)
        #expect(error.hint?.contains("ssl_enabled") == true)
    }

    // MARK: Sealing

    @Test("sealing binds the value to the file and entry; DPAPI left alone")
    func sealing() throws {
        var config = try Self.open(1)
        #expect(try config.sealPassword(in: "licenses", key: ServiceFixtures.key))
        #expect(try config.sealPassword(in: "messageQueue", key: ServiceFixtures.key) == false)
        #expect(try config.settings(of: "licenses").passwordKind == .sealed(keyID: ServiceFixtures.key.id))
        let text = try #require(try config.password(in: "licenses")?.revealed)
        #expect(!config.render().contains("plain-licenses"))
        let sealed = try SealedSecret(parsing: text)
        #expect(try sealed.open(context: config.sealContext(for: "licenses"), key: ServiceFixtures.key).revealed == "plain-licenses")
        #expect(throws: CoreError.self) { try sealed.open(context: config.sealContext(for: "messageQueue"), key: ServiceFixtures.key) }
        #expect(throws: CoreError.self) { try config.setPassword(Secret("x"), in: "messageQueue") }
        #expect(config.unmetEdits([.sealPassword(entry: "licenses")], key: ServiceFixtures.key).isEmpty)
        #expect(!config.unmetEdits([.sealPassword(entry: "licenses")], key: ServiceFixtures.otherKey).isEmpty)
    }

    @Test("re-sealing moves a value to the new key; a missing old key is a crypto error")
    func resealing() throws {
        var config = try Self.open(0)
        try config.sealPassword(in: "QSR", key: ServiceFixtures.otherKey)
        var copy = config
        #expect(throws: CoreError.self) { try copy.resealPassword(in: "QSR", with: ServiceFixtures.key, keys: []) }
        #expect(try config.resealPassword(in: "QSR", with: ServiceFixtures.key, keys: [ServiceFixtures.otherKey]))
        let text = try #require(try config.password(in: "QSR")?.revealed)
        #expect(try SealedSecret(parsing: text).open(context: config.sealContext(for: "QSR"), key: ServiceFixtures.key).revealed == ServiceFixtures.password)
    }

    // MARK: Bad input

    @Test("a malformed file is reported with file:line:col")
    func malformed() throws {
        let broken = ServiceFixtures.mobility.replacingFirst(#""SSL": 0"#, with: #""SSL": "#)
        let error = try #require(throws: CoreError.self) {
            try ServiceConfig(text: broken, profile: .mobilityRegistrar, file: "/site/m.json")
        }
        #expect(error.file == "/site/m.json")
        #expect(error.position != nil)
        #expect(error.description.hasPrefix("/site/m.json:"))
    }

    @Test("a malformed connection string inside the XML points at its <add>")
    func malformedConnectionString() throws {
        let broken = ServiceFixtures.repository.replacingFirst("Host='fullhostname.com'", with: "Host='fullhostname.com")
        let config = try ServiceConfig(text: broken, profile: .repository, file: "/r.config")
        let error = try #require(throws: CoreError.self) { try config.settings(of: "QSR") }
        #expect(error.file == "/r.config")
        #expect(error.position?.line == 5)
    }

    @Test("values typed by a user: every driver spelling, passwords refused")
    func parsingValues() throws {
        #expect(try ConnectionValue.parse("VerifyFull", for: .sslMode) == .sslMode(.verifyFull))
        #expect(try ConnectionValue.parse("TLSv1.2", for: .tlsProtocol) == .tlsMinimum(.tls1_2))
        #expect(try ConnectionValue.parse("1", for: .sslEnabled) == .switchedOn(true))
        #expect(throws: CoreError.self) { try ConnectionValue.parse("x", for: .password) }
        #expect(throws: CoreError.self) { try ConnectionValue.parse("70000", for: .port) }
        #expect(throws: CoreError.self) { try ConnectionValue.parse("maybe", for: .sslMode) }
    }

    @Test("the CN of a PEM certificate")
    func certificateCN() throws {
        #expect(try PEMCertificates.subjectCommonName(in: ServiceFixtures.certificatePEM) == "db1.example.test")
        #expect(throws: CoreError.self) { try PEMCertificates.subjectCommonName(in: "not a certificate") }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
