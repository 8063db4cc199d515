import Crypto
import Foundation
import SwiftASN1
import X509

// MARK: - The site's own certificate authority

/// The CA that signs the site's server and client certificates: a self-signed certificate
/// (CA:TRUE, path length 0, key usage certSign + cRLSign) and its private key.
///
/// Pure: the caller passes `now` and writes the PEM text where it belongs. Keys come from
/// the system's secure generator. Signatures use swift-certificates' default for the CA's
/// key: SHA-256 for P-256 and RSA (never SHA-1, see TLS-012), SHA-384/512 for larger curves.
///
/// ```swift
/// let (authority, files) = try SiteCertificateAuthority.create(site: "plant-a", algorithm: .p256, now: now)
/// let server = try authority.issueServer(names: names, now: now, validityDays: 365)
/// ```
public struct SiteCertificateAuthority: Sendable {
    public let certificate: Certificate
    private let privateKey: Certificate.PrivateKey
    /// The key type the certificates it issues get (the CA key's kind: ECDSA or RSA).
    public let algorithm: CertificateKeyAlgorithm

    // MARK: Creating and loading

    /// A new CA for `site`, valid from `now` for `validityDays`. Returns the authority and
    /// its PEM files (write the key owner-only).
    public static func create(
        site: String, algorithm: CertificateKeyAlgorithm, now: Date,
        validityDays: Int = CertificateSettings.authorityValidityDays
    ) throws -> (SiteCertificateAuthority, IssuedCertificate) {
        let key = try algorithm.generateKey()
        let name = try DistinguishedName {
            OrganizationName("pgwarden")
            CommonName("pgwarden \(site) CA")
        }
        let certificate = try sign {
            try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: backdated(now), notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
                issuer: name, subject: name,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key)
        }
        let authority = SiteCertificateAuthority(certificate: certificate, privateKey: key, algorithm: algorithm)
        return (authority, try IssuedCertificate(certificate: certificate, privateKey: key))
    }

    /// Loads a CA from its PEM files. Refuses a key that does not belong to the certificate,
    /// a certificate that is not a CA (CA:TRUE and keyCertSign), and key types pgwarden does
    /// not issue with.
    public init(certificatePEM: String, keyPEM: Secret, certificateFile: String? = nil, keyFile: String? = nil) throws {
        let certificate = try CertificatePEM.certificate(in: certificatePEM, file: certificateFile)
        let key = try CertificatePEM.privateKey(in: keyPEM, file: keyFile)
        guard key.publicKey == certificate.publicKey else {
            throw CoreError(.invalid, "the CA key does not belong to the CA certificate",
                            hint: "tls.ca_cert and tls.ca_key in warden.yaml must be a pair", file: keyFile)
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints,
              (try? certificate.extensions.keyUsage)?.keyCertSign ?? true
        else {
            throw CoreError(.invalid, "\(certificate.subject) is not a CA certificate (needs basicConstraints CA:TRUE and keyCertSign)",
                            hint: "create the site CA with `pgwarden tls ca init`", file: certificateFile)
        }
        guard let algorithm = CertificateKeyAlgorithm(issuerKey: certificate.publicKey) else {
            throw CoreError(.unsupported, "the CA key is neither ECDSA (P-256, P-384, P-521) nor RSA of 2048 bits or more",
                            hint: "create a CA with `pgwarden tls ca init` (add --rsa for RSA 3072)", file: keyFile)
        }
        self.init(certificate: certificate, privateKey: key, algorithm: algorithm)
    }

    private init(certificate: Certificate, privateKey: Certificate.PrivateKey, algorithm: CertificateKeyAlgorithm) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.algorithm = algorithm
    }

    /// The CA certificate as PEM (what services and the server get as root.crt).
    public var certificatePEM: String {
        get throws { try CertificatePEM.text(of: certificate) }
    }

    // MARK: Issuing

    /// A server certificate: CN and dNSName/iPAddress SANs from `names`, CA:FALSE,
    /// digitalSignature (+ keyEncipherment for RSA), extended key usage serverAuth.
    public func issueServer(names: ServerCertificateNames, now: Date, validityDays: Int) throws -> IssuedCertificate {
        var alternatives: [GeneralName] = names.dnsNames.map { .dnsName($0) }
        for address in names.ipAddresses {
            guard let bytes = IPAddressText.bytes(address) else {
                throw CoreError(.invalid, "'\(address)' is not an IP address", hint: "give addresses as 10.0.4.10 or fd00::10")
            }
            alternatives.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        guard !alternatives.isEmpty else {
            throw CoreError(.invalid, "the certificate would name no host",
                            hint: "give the node a DNS name (host: or host_names: in warden.yaml), or pass --ip-san")
        }
        for name in names.dnsNames where name.isEmpty || name.utf8.count > 253 {
            throw CoreError(.invalid, "'\(name)' cannot be a certificate name", hint: "host names are 1 to 253 characters")
        }
        guard !names.commonName.isEmpty, names.commonName.utf8.count <= 64 else {
            throw CoreError(.invalid, "'\(names.commonName)' cannot be a common name", hint: "X.509 allows 1 to 64 characters in a CN; the long name can still be a DNS SAN")
        }
        return try issue(
            subject: try DistinguishedName {
                OrganizationName("pgwarden")
                CommonName(names.commonName)
            },
            usage: .serverAuth, alternatives: alternatives, now: now, validityDays: validityDays)
    }

    /// A client certificate for `cert` authentication: CN = the role (PostgreSQL compares it
    /// with the user name), extended key usage clientAuth, no SANs.
    public func issueClient(role: String, now: Date, validityDays: Int) throws -> IssuedCertificate {
        guard !role.isEmpty, role.utf8.count <= 63 else {
            throw CoreError(.invalid, "'\(role)' is not a PostgreSQL role name", hint: "role names are 1 to 63 bytes")
        }
        return try issue(
            subject: try DistinguishedName {
                OrganizationName("pgwarden")
                CommonName(role)
            },
            usage: .clientAuth, alternatives: [], now: now, validityDays: validityDays)
    }

    private func issue(
        subject: DistinguishedName, usage: ExtendedKeyUsage.Usage, alternatives: [GeneralName], now: Date, validityDays: Int
    ) throws -> IssuedCertificate {
        guard validityDays > 0 else {
            throw CoreError(.invalid, "a certificate must be valid for at least one day", hint: "set tls.validity_days in warden.yaml")
        }
        let notAfter = now.addingTimeInterval(Double(validityDays) * 86_400)
        guard notAfter <= certificate.notValidAfter else {
            throw CoreError(.invalid, "the certificate would outlive the CA (CA valid until \(certificate.notValidAfter))",
                            hint: "issue for fewer days (tls.validity_days), or create a new CA with `pgwarden tls ca init --force`")
        }
        let key = try algorithm.generateKey()
        let authorityKeyIdentifier = (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
        let leaf = try Self.sign {
            try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: Self.backdated(now), notValidAfter: notAfter,
                issuer: certificate.subject, subject: subject,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: algorithm == .rsa3072))
                    try ExtendedKeyUsage([usage])
                    SubjectKeyIdentifier(hash: key.publicKey)
                    if let authorityKeyIdentifier {
                        AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
                    }
                    if !alternatives.isEmpty {
                        SubjectAlternativeNames(alternatives)
                    }
                },
                issuerPrivateKey: privateKey)
        }
        return try IssuedCertificate(certificate: leaf, privateKey: key)
    }

    // MARK: Details

    /// Five minutes before `now`, so a node whose clock is a little behind accepts a
    /// certificate issued a moment ago.
    static func backdated(_ now: Date) -> Date { now.addingTimeInterval(-300) }

    /// Turns swift-certificates' errors into ours.
    static func sign(_ body: () throws -> Certificate) throws -> Certificate {
        do {
            return try body()
        } catch let error as CoreError {
            throw error
        } catch {
            throw CoreError(.crypto, "could not sign the certificate: \(error)")
        }
    }
}
