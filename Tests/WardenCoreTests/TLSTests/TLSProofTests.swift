import Foundation
import Testing
@testable import WardenCore

// MARK: - Judging what the wire showed

@Suite("TLS proof: what the wire must show")
struct TLSProofTests {
    static let devart = ClientTLSProfile(driver: .devart, sslMode: .require, maximumVersion: .tls12)
    static let proof = TLSProof(
        node: "db1", acceptedVersions: [.tls12, .tls13], allowedSuites: [0xC02B, 0xC02C, 0xCCA9, 0x1301, 0x1302, 0x1303],
        hostNames: ["db1.plant.example"], rootCertificate: "/srv/db1/root.crt",
        plaintextRefused: [.init(user: "qliksenserepository", database: "QSR")],
        consumers: [.init(service: "central/repository", entry: "QSR", profile: devart)], standbysOverTLS: ["db2"])

    static func good() throws -> TLSProofObservation {
        let der = try #require(try PEMCertificates.der(in: TLSFixtures.ecdsaCertificate).first)
        return TLSProofObservation(
            sslAnswer: .willing, accepted: [.tls12: [0xC02C, 0xC02B, 0xCCA9], .tls13: [0x1302, 0x1303, 0x1301]],
            leafCertificate: try CertificateFacts(der: der), verifyFull: ["db1.plant.example": String?.none],
            plaintextLogins: [PlaintextLoginFact(user: "qliksenserepository", database: "QSR", outcome: .rejected, detail: "no pg_hba.conf entry")],
            consumerLogins: [ConsumerLogin(service: "central/repository", entry: "QSR", target: "t", ok: true, overTLS: true)],
            standbys: ["db2": .some(true)])
    }

    @Test func theIntendedStateHolds() throws {
        #expect(Self.proof.failures(try Self.good()).isEmpty)
    }

    @Test("each way the wire can disagree is named")
    func failures() throws {
        var observation = try Self.good()
        observation.accepted[.tls11] = [0xC013]
        #expect(Self.proof.failures(observation).contains { $0.contains("accepts TLSv1.1, TLSv1.2, TLSv1.3, expected exactly TLSv1.2, TLSv1.3") })
        #expect(Self.proof.failures(observation).contains { $0.contains("unintended TLSv1.1 suites: ECDHE-RSA-AES128-SHA") })

        observation = try Self.good()
        observation.accepted[.tls12] = [0xC02B, 0x009C]
        let failures = Self.proof.failures(observation)
        #expect(failures.contains { $0.contains("unintended TLSv1.2 suites: AES128-GCM-SHA256") })
        #expect(failures.contains { $0.contains("non-forward-secret") })

        observation = try Self.good()
        observation.plaintextLogins = [PlaintextLoginFact(user: "qliksenserepository", database: "QSR", outcome: .md5PasswordAsked)]
        #expect(Self.proof.failures(observation).contains { $0.contains("plaintext login as qliksenserepository to QSR: md5-password-asked") })

        observation = try Self.good()
        observation.verifyFull = ["db1.plant.example": .some("certificate verify failed")]
        #expect(Self.proof.failures(observation) == ["verify-full for db1.plant.example failed: certificate verify failed"])

        observation = try Self.good()
        observation.consumerLogins[0].ok = false
        observation.consumerLogins[0].problem = "no pg_hba.conf entry"
        #expect(Self.proof.failures(observation).contains { $0.contains("central/repository QSR cannot log in") })

        observation = try Self.good()
        observation.standbys = ["db2": .some(false)]
        #expect(Self.proof.failures(observation) == ["standby db2 still replicates without TLS"])
        observation.standbys = [:]
        #expect(Self.proof.failures(observation) == ["standby db2 is not connected to db1"])

        observation = try Self.good()
        observation.sslAnswer = .unwilling
        #expect(Self.proof.failures(observation).count == 1)
    }

    @Test("a host name the served certificate does not carry fails even if a session got through")
    func leafName() throws {
        var proof = Self.proof
        proof.hostNames = ["other.plant.example"]
        var observation = try Self.good()
        observation.verifyFull = ["other.plant.example": String?.none]
        #expect(proof.failures(observation) == ["the certificate db1 serves does not name other.plant.example"])
    }

    @Test("Devart keeps a suite only while TLS 1.2 is accepted")
    func devartNeedsTLS12() throws {
        var proof = Self.proof
        proof.acceptedVersions = [.tls13]
        var observation = try Self.good()
        observation.accepted = [.tls13: [0x1301]]
        #expect(proof.failures(observation).contains { $0.contains("has no version and suite in common") })
    }

    @Test func summaryNamesWhatWillBeProven() {
        let text = Self.proof.summary.joined(separator: "\n")
        #expect(text.contains("exactly TLSv1.2, TLSv1.3; refused: TLSv1, TLSv1.1"))
        #expect(text.contains("ECDHE-ECDSA-AES128-GCM-SHA256"))
        #expect(text.contains("verify-full for: db1.plant.example"))
    }

    @Test func roundTripsThroughJSON() throws {
        let step = PlannedStep(id: "db1/tls/proof", title: "", reason: "", diff: [], action: .proveTLS(Self.proof))
        #expect(try JSONDecoder().decode(PlannedStep.self, from: JSONEncoder().encode(step)) == step)
    }
}

@Suite("Cipher policy and client profiles")
struct TLSCipherAndClientTests {
    @Test("the intended suites are forward secret AEAD, three per key type, and weak ones are not acceptable")
    func intendedSuites() {
        let ec = TLSCipherPolicy.intendedLegacySuites(for: .ec(curve: "P-256"))
        #expect(ec.map(\.openSSLName) == ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"])
        #expect(TLSCipherPolicy.intendedLegacySuites(for: .rsa).map(\.openSSLName) == ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"])
        #expect(TLSCipherPolicy.intendedLegacySuites(for: .ed25519).isEmpty)
        #expect((ec + CipherSuiteCatalogue.tls13).allSatisfy(TLSCipherPolicy.isAcceptable))
        for name in ["ADH-AES128-SHA", "DES-CBC3-SHA", "RC4-SHA", "AES128-GCM-SHA256", "CAMELLIA128-SHA", "ECDHE-RSA-AES128-SHA", "NULL-SHA"] {
            #expect(CipherSuiteCatalogue.suite(named: name).map(TLSCipherPolicy.isAcceptable) == false, "\(name)")
        }
    }

    static func settings(_ profile: ServiceProfile, _ text: String, entry: String) throws -> ConnectionSettings {
        try ServiceConfig(text: text, profile: profile, file: "f").settings(of: entry)
    }

    @Test("each driver's defaults and pins")
    func profiles() throws {
        let devart = ClientTLSProfile(try Self.settings(.repository, TLSFixtures.repository(), entry: "QSR"))
        #expect(devart.sslMode == .disable && devart.maximumVersion == .tls11)
        let pinned = ClientTLSProfile(try Self.settings(.repository, TLSFixtures.secured.repository, entry: "QSR"))
        #expect(pinned.sslMode == .require && pinned.maximumVersion == .tls12)
        let notifier = ClientTLSProfile(try Self.settings(.notifier, ServiceFixtures.notifier, entry: "qsmq"))
        #expect(notifier.sslMode == .disable)
        let switchedOn = ClientTLSProfile(try Self.settings(.notifier, ServiceFixtures.notifier.replacingOccurrences(of: "\"false\"", with: "\"true\""), entry: "qsmq"))
        #expect(switchedOn.sslMode == .require && switchedOn.maximumVersion == .tls13)
        let broker = ClientTLSProfile(try Self.settings(.nlBroker, ServiceFixtures.nlBroker.replacingOccurrences(of: "\"disable\"", with: "\"verify-full\""), entry: "Postgres"))
        #expect(broker.sslMode == .disable, "Security.Enable false wins over Mode")
        let libpq = ClientTLSProfile(try Self.settings(.libpqFile, "host=db1 user=u password=p sslmode=verify-full sslrootcert=/ca.pem ssl_min_protocol_version=TLSv1.3\n", entry: "conninfo"))
        #expect(libpq.sslMode == .verifyFull && libpq.minimumVersion == .tls13 && libpq.rootCertificate == "/ca.pem")
        #expect(libpq.commonVersions(with: [.tls12, .tls13]) == [.tls13])
    }
}
