import WardenCore

// MARK: - The certificate material in a data directory

/// Reads what a node would serve with `ssl = on`: `server.crt`, the key's existence, mode
/// and owner (never its contents), and `root.crt` when there is one — the names
/// `pgwarden tls` installs (``TLSFileRole``) and PostgreSQL's defaults.
public enum ServedCertificateReader {
    static let certificateFile = TLSFileRole.certificate.fileName
    static let keyFile = TLSFileRole.key.fileName
    static let caFile = TLSFileRole.rootCertificate.fileName

    /// The material in `dataDirectory`, or nil when there is no certificate there.
    /// - Throws: when the certificate exists but cannot be read (permissions).
    public static func read(dataDirectory: String) throws(HostError) -> ServedCertificate? {
        let certificatePath = dataDirectory + "/" + certificateFile
        guard AtomicFile.exists(certificatePath) else { return nil }
        let caPath = dataDirectory + "/" + caFile
        let caPEM = AtomicFile.exists(caPath) ? try AtomicFile.readText(caPath) : nil
        return ServedCertificate(
            certificateFile: certificateFile, keyFile: keyFile, caFile: caPEM == nil ? nil : caFile,
            certificatePEM: try AtomicFile.readText(certificatePath), caPEM: caPEM,
            key: FileFactsCollector.fileFact(purpose: "ssl_key_file", path: dataDirectory + "/" + keyFile),
            dataDirectoryOwner: OSAccount.owner(of: dataDirectory))
    }
}
