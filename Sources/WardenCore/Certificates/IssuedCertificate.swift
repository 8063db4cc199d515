import Foundation
import X509

// MARK: - A certificate and its key, ready to be written

/// What issuing produces: the certificate (PEM) and its private key (PEM, as a ``Secret``
/// so it never lands in a log line or an error by accident), plus the certificate's facts
/// for printing.
public struct IssuedCertificate: Sendable {
    public var certificatePEM: String
    public var privateKeyPEM: Secret
    public var summary: CertificateSummary

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        try self.init(certificatePEM: try CertificatePEM.text(of: certificate), privateKeyPEM: Secret(try CertificatePEM.text(of: privateKey)))
    }

    /// A pair that came from elsewhere (`tls import`), kept the same way.
    public init(certificatePEM: String, privateKeyPEM: Secret, file: String? = nil) throws {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.summary = try CertificateSummary(pem: certificatePEM, file: file)
    }
}
