import Foundation

// MARK: - What a certificate says, for `tls show` and the checks

/// One certificate described: subject, names, key, validity, issuer (``CertificateFact``,
/// the same description the audit uses) and its SHA-256 fingerprint, which is how a
/// certificate read from the wire is matched with a file.
public struct CertificateSummary: Sendable, Hashable, Codable {
    public var certificate: CertificateFact
    /// `AB:CD:…`, SHA-256 of the DER (see ``CertificatePEM/fingerprint(der:)``).
    public var fingerprint: String

    public init(der: [UInt8]) throws {
        self.certificate = CertificateFact(try CertificateFacts(der: der))
        self.fingerprint = CertificatePEM.fingerprint(der: der)
    }

    /// The first certificate of a PEM text.
    public init(pem: String, file: String? = nil) throws {
        do {
            guard let der = try PEMCertificates.der(in: pem).first else { throw CoreError(.parse, "no certificate in the file") }
            try self.init(der: der)
        } catch let error as CoreError {
            guard let file, error.file == nil else { throw error }
            throw error.inFile(file)
        }
    }

    /// Whole days until `notAfter` at `now` (negative once expired), rounded down. A minute of
    /// slack absorbs the whole-second times certificates store, so a certificate issued now
    /// for 365 days has 365 days left, not 364.
    public func daysLeft(at now: Date) -> Int {
        Int(((certificate.notAfter.timeIntervalSince(now) + 60) / 86_400).rounded(.down))
    }

    /// Every name the certificate answers to, DNS names first (`db1.example, 10.0.4.10`).
    public var names: [String] { certificate.dnsNames + certificate.ipAddresses }
}
