import Foundation
import WardenCore
import WardenHost

/// Certificate authorities and server certificates made with the `openssl` command line in a
/// test's folder — on purpose not with pgwarden's own CA code, so the audit is checked
/// against what OpenSSL makes. No secrets are involved: keys are throwaway and unencrypted.
struct TestPKI {
    /// Where every key, certificate and CA database lives (inside the lab's folder).
    let directory: String

    init(directory: String) throws {
        self.directory = directory
        // Others may enter: a server running as `postgres` reads the OpenSSL configuration here.
        try Directories.create(directory, mode: 0o755)
    }

    /// A leaf certificate and its key, as files.
    struct Leaf {
        var certificate: String
        var key: String
    }

    /// When a certificate is valid. A year unless a test says otherwise: outside TLS-018's
    /// 30-day warning window, so only the tests about expiry see expiry findings.
    enum Validity {
        case days(Int)
        /// `YYYYMMDDHHMMSSZ` bounds (an expired certificate: both in the past).
        case between(String, String)
    }

    /// A self-signed CA (CA:TRUE, keyCertSign) named `name`; returns its certificate's path.
    @discardableResult
    func makeCA(_ name: String) async throws -> String {
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "365",
                           "-subj", "/CN=pgwarden test CA \(name)", "-addext", "basicConstraints=critical,CA:TRUE",
                           "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try write("", to: "\(name).index")
        try write("01\n", to: "\(name).serial")
        return directory + "/\(name).crt"
    }

    /// A server certificate (CA:FALSE) for `dnsNames` and `ipAddresses`, signed by CA `ca`
    /// with `openssl ca` (which, unlike `x509 -req`, sets any validity period).
    /// `subjectAltName` replaces the names with an extension value of OpenSSL's syntax
    /// (`DER:30:05:…` writes raw, even malformed, bytes).
    func issue(_ name: String, by ca: String, dnsNames: [String], ipAddresses: [String] = [], subjectAltName: String? = nil,
               keyBits: Int = 2048, validity: Validity = .days(365)) async throws -> Leaf {
        try await openssl(["req", "-newkey", "rsa:\(keyBits)", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr",
                           "-subj", "/CN=\(dnsNames.first ?? ipAddresses.first ?? name)"])
        let names = subjectAltName ?? (dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }).joined(separator: ",")
        try write("""
            [ca]
            default_ca = signing
            [signing]
            database = \(ca).index
            serial = \(ca).serial
            new_certs_dir = .
            default_md = sha256
            policy = any
            unique_subject = no
            [any]
            commonName = supplied
            [leaf]
            basicConstraints = critical,CA:FALSE
            subjectAltName = \(names)

            """, to: "\(name).cnf")
        let period: [String]
        switch validity {
        case .days(let days): period = ["-days", String(days)]
        case .between(let start, let end): period = ["-startdate", start, "-enddate", end]
        }
        try await openssl(["ca", "-batch", "-notext", "-config", "\(name).cnf", "-cert", "\(ca).crt", "-keyfile", "\(ca).key",
                           "-in", "\(name).csr", "-out", "\(name).crt", "-extensions", "leaf"] + period)
        return Leaf(certificate: directory + "/\(name).crt", key: directory + "/\(name).key")
    }

    /// `leaf` followed by the certificates of `extra` in one file, as `ssl_cert_file` holds
    /// a chain (OpenSSL checks the leaf when it loads the file, and passes the rest along).
    func chain(_ leaf: Leaf, then extra: [Leaf], name: String) throws -> Leaf {
        var bytes = try AtomicFile.read(leaf.certificate)
        for certificate in extra { bytes += try AtomicFile.read(certificate.certificate) }
        try AtomicFile.write(bytes, to: directory + "/" + name, mode: 0o644)
        return Leaf(certificate: directory + "/" + name, key: leaf.key)
    }

    /// A self-signed certificate for `commonName` signed with SHA-1, CA:TRUE and without a
    /// subjectAltName: everything a certificate rule looks for, in one.
    func selfSignedSHA1CA(_ commonName: String) async throws -> Leaf {
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha1", "-keyout", "weak.key", "-out", "weak.crt", "-days", "365",
                           "-subj", "/CN=\(commonName)", "-addext", "basicConstraints=critical,CA:TRUE"])
        return Leaf(certificate: directory + "/weak.crt", key: directory + "/weak.key")
    }

    /// An OpenSSL configuration whose default security level is 0, for a server that must
    /// load a key OpenSSL 3 otherwise refuses (Debian's default level is 2).
    func securityLevelZeroConfig() throws -> String {
        try write("""
            openssl_conf = pgwarden_test
            [pgwarden_test]
            ssl_conf = pgwarden_test_ssl
            [pgwarden_test_ssl]
            system_default = pgwarden_test_default
            [pgwarden_test_default]
            CipherString = DEFAULT:@SECLEVEL=0

            """, to: "seclevel0.cnf")
        return directory + "/seclevel0.cnf"
    }

    private func write(_ text: String, to name: String) throws {
        try AtomicFile.write(Array(text.utf8), to: directory + "/" + name, mode: 0o644)
    }

    private func openssl(_ arguments: [String]) async throws {
        try await Self.openssl(arguments, in: directory)
    }

    /// Runs openssl in `directory` (arguments only; no secrets involved).
    static func openssl(_ arguments: [String], in directory: String) async throws {
        let result = try await ProcessRunner().run("/usr/bin/openssl", arguments, workingDirectory: directory)
        guard result.succeeded else { throw HostError(.process, "openssl \(arguments.first ?? ""): \(result.standardError)") }
    }
}
