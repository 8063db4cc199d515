import Foundation
import Testing
@testable import WardenCore

// MARK: - The site CA and what it issues

@Suite("Site certificate authority")
struct CertificateAuthorityTests {
    let now = CertificateFixtures.now
    let day = CertificateFixtures.day

    @Test("a P-256 CA is self-signed, CA:TRUE, certSign + cRLSign, ten years")
    func p256Authority() throws {
        let (authority, files) = CertificateFixtures.authority
        let ca = files.summary.certificate
        #expect(ca.subject == "O=pgwarden, CN=pgwarden plant-a CA")
        #expect(ca.isSelfIssued)
        #expect(ca.isCA)
        #expect(ca.keyType == "EC P-256")
        #expect(ca.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(ca.notAfter == now.addingTimeInterval(Double(CertificateSettings.authorityValidityDays) * day))
        #expect(authority.algorithm == .p256)
        let keyUsage = try #require(try authority.certificate.extensions.keyUsage)
        #expect(keyUsage.keyCertSign && keyUsage.cRLSign && !keyUsage.digitalSignature)
        #expect(files.privateKeyPEM.revealed.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect("\(files.privateKeyPEM)" == "<redacted>")
    }

    @Test("an RSA 3072 CA issues RSA 3072 server certificates signed with SHA-256")
    func rsaAuthority() async throws {
        let (authority, files) = try SiteCertificateAuthority.create(site: "plant-a", algorithm: .rsa3072, now: now)
        #expect(files.summary.certificate.keyType == "RSA")
        #expect(files.summary.certificate.keyBits == 3072)
        #expect(files.summary.certificate.signatureAlgorithm == "sha256WithRSAEncryption")
        let server = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 365)
        #expect(server.summary.certificate.keyType == "RSA")
        #expect(server.summary.certificate.keyBits == 3072)
        #expect(server.summary.certificate.signatureAlgorithm == "sha256WithRSAEncryption")
        let verdict = try await CertificateChainCheck.verify(certificatePEM: server.certificatePEM, caPEM: files.certificatePEM, at: now)
        #expect(verdict == .valid)
        let reloaded = try SiteCertificateAuthority(certificatePEM: files.certificatePEM, keyPEM: files.privateKeyPEM)
        #expect(reloaded.algorithm == .rsa3072)
    }

    @Test("a server certificate: CN = host name, DNS SANs, no IP SAN unless asked, CA:FALSE, issuer = CA")
    func serverCertificate() throws {
        let (authority, files) = CertificateFixtures.authority
        let server = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 90)
        let leaf = server.summary.certificate
        #expect(leaf.commonName == "db1.plant-a.example")
        #expect(leaf.dnsNames == ["db1.plant-a.example", "db1"])
        #expect(leaf.ipAddresses.isEmpty)
        #expect(!leaf.isCA)
        #expect(leaf.issuer == files.summary.certificate.subject)
        #expect(leaf.notAfter == now.addingTimeInterval(90 * day))
        #expect(leaf.notBefore < now)
        #expect(leaf.matches(hostName: "DB1.plant-a.example.").matches)
        #expect(!leaf.matches(hostName: "10.0.4.10").matches)

        var withAddress = CertificateFixtures.names
        withAddress.ipAddresses = ["10.0.4.10", "fd00::10"]
        let addressed = try authority.issueServer(names: withAddress, now: now, validityDays: 90).summary.certificate
        #expect(addressed.ipAddresses == ["10.0.4.10", "fd00:0:0:0:0:0:0:10"])
        #expect(addressed.matches(hostName: "10.0.4.10").matches)
    }

    @Test("a client certificate has CN = role and no SANs")
    func clientCertificate() throws {
        let client = try CertificateFixtures.authority.0.issueClient(role: "qliksenserepository", now: now, validityDays: 30)
        #expect(client.summary.certificate.commonName == "qliksenserepository")
        #expect(client.summary.certificate.dnsNames.isEmpty)
        #expect(throws: CoreError.self) { try CertificateFixtures.authority.0.issueClient(role: "", now: now, validityDays: 30) }
    }

    @Test("refusals: no names, a certificate outliving the CA, zero days, a key of another CA, a leaf as CA")
    func refusals() throws {
        let (authority, files) = CertificateFixtures.authority
        #expect(throws: CoreError.self) {
            try authority.issueServer(names: ServerCertificateNames(commonName: "db1", dnsNames: []), now: now, validityDays: 30)
        }
        #expect(throws: CoreError.self) { try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 4000) }
        #expect(throws: CoreError.self) { try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 0) }
        let other = CertificateFixtures.otherAuthority.1
        let mismatch = #expect(throws: CoreError.self) {
            try SiteCertificateAuthority(certificatePEM: files.certificatePEM, keyPEM: other.privateKeyPEM)
        }
        #expect(mismatch?.message.contains("does not belong") == true)
        let leaf = try authority.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)
        let notCA = #expect(throws: CoreError.self) {
            try SiteCertificateAuthority(certificatePEM: leaf.certificatePEM, keyPEM: leaf.privateKeyPEM)
        }
        #expect(notCA?.message.contains("not a CA certificate") == true)
    }

    @Test("PEM: keys in other forms load, encrypted and missing keys are refused without quoting the file")
    func pemKeys() throws {
        let issued = try CertificateFixtures.authority.0.issueServer(names: CertificateFixtures.names, now: now, validityDays: 30)
        let withCertificateFirst = Secret(issued.certificatePEM + issued.privateKeyPEM.revealed)
        #expect(try CertificatePEM.privateKey(in: withCertificateFirst).publicKey == CertificatePEM.certificate(in: issued.certificatePEM).publicKey)
        let encrypted = Secret("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")
        let refusal = #expect(throws: CoreError.self) { try CertificatePEM.privateKey(in: encrypted, file: "vendor.key") }
        #expect(refusal?.kind == .unsupported)
        #expect(refusal?.file == "vendor.key")
        #expect(throws: CoreError.self) { try CertificatePEM.privateKey(in: Secret(issued.certificatePEM)) }
        let garbage = #expect(throws: CoreError.self) { try CertificatePEM.privateKey(in: Secret("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----")) }
        #expect(garbage?.message.contains("c2VjcmV0") == false)
    }

    @Test("fingerprints are SHA-256 of the DER in openssl's spelling")
    func fingerprint() throws {
        let summary = CertificateFixtures.authority.1.summary
        #expect(summary.fingerprint.count == 32 * 3 - 1)
        #expect(summary.fingerprint.split(separator: ":").allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) })
        let der = try PEMCertificates.der(in: CertificateFixtures.authority.1.certificatePEM)[0]
        #expect(summary.fingerprint.replacingOccurrences(of: ":", with: "").lowercased() == FileDigest.sha256(der))
    }
}
