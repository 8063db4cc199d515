import Foundation
import Testing
@testable import WardenCore

/// The pure half of the verify-full check: which host names reach which node, which CA each
/// service trusts, how NIOSSL's answer and pgwarden's own name check combine, and TLS-019.
@Suite("verify-full per service host name")
struct VerifyFullTests {
    static func connection(_ entry: String, hosts: [String], port: Int? = 4432, hostPorts: [String: Int] = [:], user: String? = "qliksenserepository",
                           sslMode: SSLMode? = .require, root: String? = nil, rootFile: String? = nil) -> ServiceConnectionFact {
        ServiceConnectionFact(entry: entry, hosts: hosts, port: port, database: "QSR", user: user, sslMode: sslMode, password: .sealed,
                              location: FileLocation(file: "f"), hostPorts: hostPorts, rootCertificate: root, rootCertificateFile: rootFile)
    }

    static func service(_ name: String, _ connections: [ServiceConnectionFact]) -> ServiceConfigFacts {
        ServiceConfigFacts(name: name, node: "central", profile: "libpq", driver: .libpq, file: name, connections: connections)
    }

    // MARK: Which host names reach a node

    @Test("a node is reached by its own host, by aliases on its port, not by another node's host, an other IP or another port")
    func reach() {
        let services = [
            Self.service("central/repository", [Self.connection("QSR", hosts: ["db1.corp", "db2.corp"])]),
            Self.service("central/alias", [Self.connection("conninfo", hosts: ["QlikDB.corp"])]),
            Self.service("central/ip", [Self.connection("conninfo", hosts: ["10.0.4.11", "10.0.4.10"])]),
            Self.service("central/other-port", [Self.connection("conninfo", hosts: ["db1.corp", "db3.corp"], port: 5432, hostPorts: ["db1.corp": 4432])]),
        ]
        let nodeHosts = ["db1.corp", "10.0.4.11"]
        let db1 = ServiceHostUse.uses(reaching: "db1.corp", port: 4432, nodeHosts: nodeHosts, services: services)
        #expect(db1.map(\.hostName) == ["db1.corp", "db2.corp", "QlikDB.corp", "db1.corp"])
        #expect(db1.map(\.service) == ["central/repository", "central/repository", "central/alias", "central/other-port"])
        #expect(db1.hostNames == ["db1.corp", "db2.corp", "QlikDB.corp"])
        let db2 = ServiceHostUse.uses(reaching: "10.0.4.11", port: 4432, nodeHosts: nodeHosts, services: services)
        #expect(db2.map(\.hostName) == ["db2.corp", "QlikDB.corp", "10.0.4.11"])
        #expect(ServiceHostUse.uses(reaching: "db1.corp", port: 9999, nodeHosts: nodeHosts, services: services).isEmpty)
    }

    // MARK: Which CA each service trusts

    @Test("a service's own readable root certificate wins; else ssl_ca_file; else nothing to check with")
    func trustRoots() {
        let uses = [
            ServiceHostUse(hostName: "db.corp", service: "central/repository", entry: "QSR", user: "qsr", sslMode: .verifyFull,
                           rootCertificate: "/pki/own.pem", rootCertificateFile: "/pki/own.pem"),
            ServiceHostUse(hostName: "db.corp", service: "central/licenses", entry: "licenses", user: "qsr", sslMode: .require,
                           rootCertificate: #"C:\certs\root.pem"#),
            ServiceHostUse(hostName: "DB.corp", service: "central/notifier", entry: "qsmq", user: "qsr", sslMode: .disable),
            ServiceHostUse(hostName: "db.corp", service: "central/backup", entry: "conninfo", user: "backup"),
        ]
        let withCA = VerifyFullRequest.plan(uses, serverCA: .readable(path: "/data/root.crt"))
        #expect(withCA.count == 3)
        #expect(withCA[0].trustRoot == "/pki/own.pem" && withCA[0].trustRootSource == "root certificate of central/repository (QSR)" && withCA[0].verifying)
        #expect(withCA[1].trustRoot == "/data/root.crt")
        #expect(withCA[1].services == ["central/licenses (licenses)", "central/notifier (qsmq)"])
        #expect(withCA[1].trustRootSource
            == #"ssl_ca_file; central/licenses (licenses) names C:\certs\root.pem, not readable here; central/notifier (qsmq) names no root certificate"#)
        #expect(!withCA[1].verifying)
        #expect(withCA[2].user == "backup" && withCA[2].database == nil)

        let withoutCA = VerifyFullRequest.plan(uses, serverCA: .unavailable("the server has no ssl_ca_file"))
        #expect(withoutCA.map(\.trustRoot) == ["/pki/own.pem", nil, nil])
        #expect(withoutCA[1].trustRootSource.hasPrefix("no CA file to verify with: the server has no ssl_ca_file; central/licenses (licenses) names"))
    }

    // MARK: NIOSSL and our own name check, combined

    static let request = VerifyFullRequest(hostName: "db.corp", trustRoot: "/data/root.crt", trustRootSource: "ssl_ca_file", user: "qsr",
                                           services: ["central/repository (QSR)"], verifying: true)
    static let named = HostCheckFact(host: "db.corp", matches: true, rule: "dnsSubjectAltName", matchedName: "db.corp")
    static let notNamed = HostCheckFact(host: "db.corp", matches: false, rule: "dnsSubjectAltName")

    @Test("both must pass: NIOSSL's IP-SAN pass does not hide a name the certificate lacks")
    func combination() {
        let passed = VerifyFullFact(request: Self.request, handshake: .verified(login: "logged in as qsr"), nameCheck: Self.named)
        #expect(passed.outcome == .passed && passed.login == "logged in as qsr" && passed.reason == nil)
        #expect(passed.trustRoot == "/data/root.crt (ssl_ca_file)")

        let ipSANPass = VerifyFullFact(request: Self.request, handshake: .verified(login: "logged in as qsr"), nameCheck: Self.notNamed)
        #expect(ipSANPass.outcome == .failed)
        #expect(ipSANPass.reason?.hasPrefix("the certificate does not name 'db.corp'") == true)

        let rejected = VerifyFullFact(request: Self.request, handshake: .rejected(reason: "CERTIFICATE_VERIFY_FAILED"), nameCheck: Self.named)
        #expect(rejected.outcome == .failed && rejected.reason == "CERTIFICATE_VERIFY_FAILED")

        let chain = VerifyFullHandshake.rejection("handshakeFailed(… CERTIFICATE_VERIFY_FAILED at handshake.cc:320)", hostName: "db.corp")
        #expect(chain == .rejected(reason: "the chain does not verify against the CA file: the certificate is not issued by that CA, "
            + "is expired or not yet valid, or the server does not send the intermediate certificates (CERTIFICATE_VERIFY_FAILED)"))
        #expect(VerifyFullHandshake.rejection("NIOSSLExtraError.failedToValidateHostname: …", hostName: "db.corp")
            == .rejected(reason: "the certificate does not name 'db.corp' (the TLS library's host-name check)"))
        #expect(VerifyFullHandshake.rejection("unexpected EOF", hostName: "db.corp") == .rejected(reason: "unexpected EOF"))

        let down = VerifyFullFact(request: Self.request, handshake: .inconclusive(reason: "connection refused"), nameCheck: nil)
        #expect(down.outcome == .notChecked && down.reason == "connection refused")

        var noCA = Self.request
        noCA.trustRoot = nil
        noCA.trustRootSource = "no CA file to verify with"
        let unchecked = VerifyFullFact(request: noCA, handshake: nil, nameCheck: Self.named)
        #expect(unchecked.outcome == .notChecked && unchecked.reason == "no CA file to verify with" && unchecked.trustRoot == nil)
    }

    // MARK: TLS-019

    @Test("TLS-019: high when a service already verifies, medium when it only blocks verify-full; passes and unchecked are silent")
    func rule() throws {
        var facts = AuditFixtures.hardened
        let failing = VerifyFullFact(services: ["central/a (QSR)", "central/b (x)"], verifying: false, trustRoot: "/r.crt (ssl_ca_file)",
                                     outcome: .failed, reason: "bad chain")
        let verifying = VerifyFullFact(services: ["central/c (QSR)"], verifying: true, outcome: .failed, reason: "bad name")
        let unchecked = VerifyFullFact(services: ["central/d (QSR)"], outcome: .notChecked, reason: "no CA")
        facts.nodes[0].wire?.tls?.hostChecks[0].verifyFull += [failing, verifying, unchecked]
        let findings = try #require(AuditCatalogue.rule("TLS-019")).evaluate(facts)
        #expect(findings.map(\.severity) == [.medium, .high])
        let node = facts.nodes[0]
        #expect(findings[0].evidence == "verify-full to \(node.address) as host 'db.example.com' (used by central/a (QSR), central/b (x)) fails: bad chain, trusting /r.crt (ssl_ca_file)")
        #expect(findings[1].evidence.hasSuffix("(used by central/c (QSR)) fails: bad name"))
    }
}
