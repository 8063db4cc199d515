// MARK: - Certificates in PEM files

/// The DER bytes of each `-----BEGIN CERTIFICATE-----` block of a PEM file (server.pem and
/// friends), for ``CertificateFacts``. Other blocks (keys) are skipped and never decoded.
public enum PEMCertificates {
    public static func der(in text: String) throws -> [[UInt8]] {
        var certificates: [[UInt8]] = []
        var body: String?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine).trimmingCharacter("\r").trimmingBlanks
            if line == "-----BEGIN CERTIFICATE-----" {
                body = ""
            } else if line == "-----END CERTIFICATE-----" {
                guard let collected = body, let bytes = BinaryText.bytes(base64: Substring(collected)) else {
                    throw CoreError(.parse, "a certificate block that is not valid base64",
                                    hint: "is this a PEM certificate file?", position: TextPosition(line: lineNumber, column: 1))
                }
                certificates.append(bytes)
                body = nil
            } else if body != nil {
                body? += line
            }
        }
        guard !certificates.isEmpty else {
            throw CoreError(.parse, "no certificate in the file", hint: "give the server's certificate (PEM, -----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// The subject CN of the first certificate: the name services must connect to for
    /// `verify-full` (what the reference page reads with PowerShell).
    public static func subjectCommonName(in text: String) throws -> String {
        guard let der = try der(in: text).first else {
            throw CoreError(.parse, "no certificate in the file")
        }
        guard let name = try CertificateFacts(der: der).subjectCommonName, !name.isEmpty else {
            throw CoreError(.invalid, "the certificate's subject has no common name (CN)",
                            hint: "give the host name with --repoint instead")
        }
        return name
    }
}
