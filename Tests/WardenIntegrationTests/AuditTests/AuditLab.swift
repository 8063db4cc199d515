import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

/// Runs `body` with a fresh lab that is always torn down, on success and on error.
func withAuditLab<T: Sendable>(_ body: (LabSite) async throws -> T) async throws -> T {
    let directory = NSTemporaryDirectory() + "pgwarden-aud-" + UUID().uuidString.prefix(8)
    let site = try await LabSite.up(directory: directory)
    do {
        let result = try await body(site)
        try await site.down()
        return result
    } catch {
        try? await site.down()
        throw error
    }
}

/// What the tests do to a lab to make it weak or hardened, as an administrator would:
/// ALTER SYSTEM, pg_hba.conf, certificates made with `openssl`, a reload.
struct LabAdmin {
    let site: LabSite
    var node: LabState.Node { site.state.nodes[0] }
    var dataDirectory: String { node.dataDirectory }

    func password(_ role: String) throws -> Secret {
        Secret(try AtomicFile.readText(site.directory + "/secrets/\(role).password").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func target(_ role: String = LabSite.superuser, database: String = "postgres", sslMode: SSLMode = .prefer) throws -> ConnectionTarget {
        ConnectionTarget(host: "127.0.0.1", port: node.port, user: role, password: try password(role), database: database, sslMode: sslMode)
    }

    func sql(_ statements: [String]) async throws {
        try await PostgresSession.with(try target()) { session in
            for statement in statements { try await session.execute(statement) }
        }
    }

    func rows(_ query: String) async throws -> [[String?]] {
        try await PostgresSession.with(try target()) { session in try await session.rows(query) }
    }

    func reload() async throws {
        try await sql(["SELECT pg_reload_conf()"])
        try await Task.sleep(for: .milliseconds(400))
    }

    func writeHBA(_ text: String) throws {
        try AtomicFile.write(Array(text.utf8), to: dataDirectory + "/pg_hba.conf")
        if OSAccount.isRoot { try OSAccount.changeOwner(dataDirectory + "/pg_hba.conf", to: site.state.osUser, recursive: false) }
    }

    /// Runs openssl in `directory` (arguments only; no secrets involved).
    func openssl(_ arguments: [String], in directory: String) async throws {
        let result = try await ProcessRunner().run("/usr/bin/openssl", arguments, workingDirectory: directory)
        guard result.succeeded else { throw HostError(.process, "openssl \(arguments.first ?? ""): \(result.standardError)") }
    }

    /// A site CA and a leaf for `localhost` (DNS SAN only, CA:FALSE), installed as the server's certificate.
    func installCASignedCertificate() async throws {
        let work = site.directory + "/pki"
        try Directories.create(work, mode: 0o700)
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
                           "-subj", "/CN=pgwarden test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign,cRLSign"], in: work)
        try await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: work)
        try AtomicFile.write(Array("subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n".utf8), to: work + "/leaf.ext")
        try await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
                           "-days", "30", "-sha256", "-extfile", "leaf.ext"], in: work)
        try install(work)
    }

    /// A self-signed, SHA-1 signed certificate with CA:TRUE and no SAN: everything a certificate rule looks for.
    func installWeakCertificate() async throws {
        let work = site.directory + "/pki-weak"
        try Directories.create(work, mode: 0o700)
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha1", "-keyout", "server.key", "-out", "server.crt", "-days", "30",
                           "-subj", "/CN=weak.lab.invalid", "-addext", "basicConstraints=critical,CA:TRUE"], in: work)
        try install(work, keyMode: 0o600)
    }

    private func install(_ work: String, keyMode: mode_t = 0o600) throws {
        for name in ["server.crt", "server.key"] {
            let bytes = try AtomicFile.read(work + "/" + name)
            try AtomicFile.write(bytes, to: dataDirectory + "/" + name, mode: name.hasSuffix(".key") ? keyMode : 0o644)
            if OSAccount.isRoot { try OSAccount.changeOwner(dataDirectory + "/" + name, to: site.state.osUser, recursive: false) }
        }
    }

    /// Every file of the lab that is configuration (not logs, not the database's own files),
    /// plus the data directory's config files, with their bytes.
    func configSnapshot() throws -> [String: [UInt8]] {
        var snapshot: [String: [UInt8]] = [:]
        let root = site.directory
        guard let walker = FileManager.default.enumerator(atPath: root) else { return snapshot }
        for case let relative as String in walker {
            if relative.hasPrefix("db1/") || relative.hasPrefix("db2/") { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            snapshot[relative] = try AtomicFile.read(root + "/" + relative)
        }
        for name in ["postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf"] {
            snapshot["data/" + name] = try AtomicFile.read(dataDirectory + "/" + name)
        }
        return snapshot
    }

    /// The database's objects and settings as text, to compare before and after.
    func databaseSnapshot() async throws -> [String] {
        var lines: [String] = []
        for query in [
            "SELECT rolname || ':' || rolcanlogin::text || ':' || rolsuper::text || ':' || coalesce(rolpassword, 'NULL') FROM pg_authid ORDER BY 1",
            "SELECT datname || ':' || datallowconn::text FROM pg_database ORDER BY 1",
            "SELECT name || '=' || coalesce(setting, '') || ' (' || source || ')' FROM pg_settings WHERE source NOT IN ('client', 'session') ORDER BY 1",
            "SELECT count(*)::text FROM pg_class",
            "SELECT count(*)::text FROM pg_replication_slots",
        ] {
            lines += try await rows(query).map { $0.first.flatMap { $0 } ?? "NULL" }
        }
        return lines
    }
}

extension SiteFactsCollector {
    /// Collects facts for a lab's inventory (optionally edited first).
    static func lab(_ site: LabSite, edit: (inout Inventory) -> Void = { _ in }) async throws -> SiteFacts {
        var inventory = try site.inventory()
        edit(&inventory)
        return await SiteFactsCollector(access: SiteAccess(inventory: inventory), probeTimeout: .seconds(5)).collect()
    }
}
