import Foundation
import WardenCore
import WardenHost

// MARK: - Certificates for a lab, made with the openssl CLI

/// A throwaway CA and a server certificate for a lab (tests and benchmarks), made with the
/// `openssl` command-line tool: ECDSA P-256, the server certificate naming `hostNames` as
/// DNS SANs and no IP SAN (see DESIGN.md: NIOSSL would accept an IP SAN for a wrong name).
///
/// Scaffolding, not the site's CA: `pgwarden tls ca|issue` manages real certificates.
/// No key is ever on a command line (keys are files), and none is protected by a
/// passphrase, so no secret is needed at all.
public struct LabCertificates: Sendable {
    public let directory: String
    public var caCertificate: String { directory + "/root.crt" }
    public var serverCertificate: String { directory + "/server.crt" }
    public var serverKey: String { directory + "/server.key" }

    /// Makes a CA and a server certificate for `hostNames` (the first is the CN) in `directory`.
    public static func make(in directory: String, hostNames: [String], openssl: String = "/usr/bin/openssl") async throws -> LabCertificates {
        guard let commonName = hostNames.first else { throw LabError("a server certificate needs a host name") }
        try Directories.create(directory, mode: 0o700)
        let certificates = LabCertificates(directory: directory)
        let extensions = directory + "/server.ext"
        try AtomicFile.write(Array("""
            subjectAltName=\(hostNames.map { "DNS:\($0)" }.joined(separator: ","))
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """.utf8), to: extensions, mode: 0o600)
        let steps: [[String]] = [
            ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", directory + "/ca.key"],
            ["req", "-x509", "-new", "-key", directory + "/ca.key", "-subj", "/CN=pgwarden lab CA", "-days", "365",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", certificates.caCertificate],
            ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", certificates.serverKey],
            ["req", "-new", "-key", certificates.serverKey, "-subj", "/CN=\(commonName)", "-out", directory + "/server.csr"],
            ["x509", "-req", "-in", directory + "/server.csr", "-CA", certificates.caCertificate, "-CAkey", directory + "/ca.key",
             "-CAcreateserial", "-days", "365", "-extfile", extensions, "-out", certificates.serverCertificate],
        ]
        for arguments in steps {
            let result = try await ProcessRunner().run(openssl, arguments)
            guard result.succeeded else {
                throw LabError("openssl \(arguments[0]) failed: \(result.standardError.split(separator: "\n").last ?? "")", hint: "is openssl installed?")
            }
        }
        return certificates
    }

    /// Copies `server.crt`, `server.key` (mode 0600) and `root.crt` into a data directory,
    /// owned by the data directory's owner, as PostgreSQL requires of its key.
    public func install(into dataDirectory: String) throws {
        let owner = OSAccount.owner(of: dataDirectory)
        for (source, name, mode) in [(serverCertificate, "server.crt", mode_t(0o644)), (serverKey, "server.key", 0o600), (caCertificate, "root.crt", 0o644)] {
            let target = dataDirectory + "/" + name
            try AtomicFile.write(try AtomicFile.read(source), to: target, mode: mode)
            chmod(target, mode)
            if let owner, OSAccount.isRoot { try OSAccount.changeOwner(target, to: owner, recursive: false) }
        }
    }
}
