import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The site CA and issued certificates on disk

/// Where the site CA and the certificates pgwarden issued are kept, and the rules for
/// reading and writing them:
///
/// - `tls.ca_cert` / `tls.ca_key` (default `STATE_DIR/tls/ca.crt|ca.key`): the key is
///   written 0600 and **refused** when anyone but its owner can read it, since whoever
///   reads it can mint certificates every service trusts;
/// - `STATE_DIR/tls/nodes/NODE/server.crt|server.key`: what was issued for a node, before
///   and after it is installed in the data directory;
/// - `STATE_DIR/tls/clients/ROLE/client.crt|client.key`: client certificates for `cert` auth.
///
/// Every key is written owner-only. A replaced file's old bytes go to the state directory's
/// content-addressed backups (`backups/tls-issued/SHA256`), so nothing issued is lost.
public struct SiteCertificateFiles: Sendable {
    public let inventory: Inventory

    public init(inventory: Inventory) {
        self.inventory = inventory
    }

    var settings: CertificateSettings { inventory.tls }

    // MARK: The CA

    public var authorityExists: Bool { AtomicFile.exists(settings.caCertificate) || AtomicFile.exists(settings.caKey) }

    /// Creates the site CA. Refuses when one exists unless `replace`; a replaced CA's files
    /// move to `STATE_DIR/tls/retired/` (certificates it issued stop verifying against the
    /// new root.crt, so replacing is a deliberate act).
    public func createAuthority(algorithm: CertificateKeyAlgorithm, now: Date, replace: Bool = false) throws -> SiteCertificateAuthority {
        if authorityExists {
            guard replace else {
                throw HostError(.io, "a site CA already exists (\(settings.caCertificate))",
                                hint: "keep it, or replace it with `pgwarden tls ca init --force` (every certificate it issued must then be issued again)")
            }
            try retireAuthority()
        }
        let (authority, files) = try SiteCertificateAuthority.create(site: inventory.site, algorithm: algorithm, now: now)
        for path in [settings.caCertificate, settings.caKey] {
            try Directories.create((path as NSString).deletingLastPathComponent, mode: 0o700)
        }
        try AtomicFile.create(Array(files.privateKeyPEM.revealed.utf8), at: settings.caKey, mode: 0o600)
        try AtomicFile.create(Array(files.certificatePEM.utf8), at: settings.caCertificate, mode: 0o644)
        return authority
    }

    /// Loads the CA, refusing a key others can read or write.
    public func loadAuthority() throws -> SiteCertificateAuthority {
        guard AtomicFile.exists(settings.caCertificate) else {
            throw HostError(.io, "there is no site CA at \(settings.caCertificate)", hint: "create one with `pgwarden tls ca init` (or set tls.ca_cert and tls.ca_key in warden.yaml)")
        }
        guard AtomicFile.exists(settings.caKey) else {
            throw HostError(.io, "the site CA has no key at \(settings.caKey), so it cannot issue",
                            hint: "an imported CA cannot issue here: import the renewed pair with `pgwarden tls import`, point tls.ca_key at its key, or create a site CA (`pgwarden tls ca init --force`)")
        }
        let key = try Self.readPrivateKey(settings.caKey, purpose: "CA key", strict: true)
        return try SiteCertificateAuthority(certificatePEM: try AtomicFile.readText(settings.caCertificate), keyPEM: key,
                                            certificateFile: settings.caCertificate, keyFile: settings.caKey)
    }

    /// The CA certificate's PEM text.
    public func authorityCertificatePEM() throws(HostError) -> String {
        try AtomicFile.readText(settings.caCertificate)
    }

    private func retireAuthority() throws(HostError) {
        let folder = inventory.stateDirectory + "/tls/retired"
        try Directories.create(folder, mode: 0o700)
        let stamp = AtomicFile.exists(settings.caCertificate) ? String(FileDigest.sha256(try AtomicFile.read(settings.caCertificate)).prefix(16)) : "unknown"
        for (path, suffix) in [(settings.caCertificate, "crt"), (settings.caKey, "key")] where AtomicFile.exists(path) {
            let target = "\(folder)/ca-\(stamp).\(suffix)"
            guard rename(path, target) == 0 else { throw HostError.posix("move the old CA file", path, errno: errno) }
        }
    }

    // MARK: Issued certificates

    /// Writes a node's issued certificate and key (key 0600). Returns their paths.
    @discardableResult
    public func writeServer(_ issued: IssuedCertificate, node: String) throws(HostError) -> (certificate: String, key: String) {
        try write(issued, in: TLSFileLocations.issueDirectory(node: node, stateDirectory: inventory.stateDirectory),
                  certificateName: TLSFileRole.certificate.fileName, keyName: TLSFileRole.key.fileName)
    }

    /// Writes a role's client certificate and key (key 0600). Returns their paths.
    @discardableResult
    public func writeClient(_ issued: IssuedCertificate, role: String) throws(HostError) -> (certificate: String, key: String) {
        try write(issued, in: TLSFileLocations.clientDirectory(role: role, stateDirectory: inventory.stateDirectory),
                  certificateName: "client.crt", keyName: "client.key")
    }

    /// What was issued for `node`, if anything.
    public func issuedServer(node: String) throws -> CertificateSummary? {
        let path = TLSFileLocations.issued(node: node, inventory: inventory)[.certificate] ?? ""
        guard AtomicFile.exists(path) else { return nil }
        return try CertificateSummary(pem: try AtomicFile.readText(path), file: path)
    }

    private func write(_ issued: IssuedCertificate, in folder: String, certificateName: String, keyName: String) throws(HostError) -> (certificate: String, key: String) {
        try Directories.create(folder, mode: 0o700)
        let me = FileOwner(uid: geteuid(), gid: getegid())
        let certificate = folder + "/" + certificateName
        let key = folder + "/" + keyName
        for (path, bytes, mode) in [(key, Array(issued.privateKeyPEM.revealed.utf8), mode_t(0o600)), (certificate, Array(issued.certificatePEM.utf8), mode_t(0o644))] {
            let backup = AtomicFile.exists(path) ? AtomicFile.backupPath(stateDirectory: inventory.stateDirectory, kind: "tls-issued", sha256: FileDigest.sha256(try AtomicFile.read(path))) : nil
            try AtomicFile.write(bytes, to: path, mode: mode, backupPath: backup, owner: me)
        }
        return (certificate, key)
    }

    // MARK: Keys

    /// Reads a private key file. With `strict`, a key that its group or others can read or
    /// write is refused with the chmod that fixes it.
    public static func readPrivateKey(_ path: String, purpose: String, strict: Bool) throws(HostError) -> Secret {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw HostError.posix("read the \(purpose)", path, errno: errno)
        }
        if strict, info.st_mode & 0o077 != 0 {
            throw HostError(.secret, "\(purpose) \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); refused",
                            hint: "run: chmod 600 \(path) — and if others may already have copied it, replace the CA (pgwarden tls ca init --force)")
        }
        return Secret(try AtomicFile.readText(path))
    }

    /// Whether a key file is readable by others (for a warning on imported keys).
    public static func isReadableByOthers(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & 0o077 != 0
    }
}
