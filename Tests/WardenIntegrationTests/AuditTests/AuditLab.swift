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

    /// Reloads the server and waits until new sessions see it (`SiteAccess.reload`).
    func reload() async throws {
        let access = try site.access()
        try await access.reload(try access.node(node.name))
    }

    /// Stops the server and starts it again (for settings that need a restart), under
    /// `launcher` when given (see `PostgresServerControl.start`).
    func restart(launcher: [String] = []) async throws {
        let control = site.control(node)
        try await control.stop()
        try await control.start(logFile: node.logFile, launcher: launcher)
    }

    func writeHBA(_ text: String) throws {
        try AtomicFile.write(Array(text.utf8), to: dataDirectory + "/pg_hba.conf")
        if OSAccount.isRoot { try OSAccount.changeOwner(dataDirectory + "/pg_hba.conf", to: site.state.osUser, recursive: false) }
    }

    /// A site CA and a leaf for `localhost` (DNS SAN only, CA:FALSE), installed as the
    /// server's certificate; returns the CA certificate's path (a service's root certificate).
    @discardableResult
    func installCASignedCertificate() async throws -> String {
        let pki = try TestPKI(directory: site.directory + "/pki")
        let ca = try await pki.makeCA("ca")
        try installServerCertificate(try await pki.issue("server", by: "ca", dnsNames: ["localhost"]))
        return ca
    }

    /// Installs `leaf` as the server's `server.crt` and `server.key` (takes effect at the next reload).
    func installServerCertificate(_ leaf: TestPKI.Leaf) throws {
        try installDataFile(leaf.certificate, as: "server.crt", mode: 0o644)
        try installDataFile(leaf.key, as: "server.key", mode: 0o600)
    }

    /// Copies `path` into the data directory as `name`, owned by the server's OS user.
    func installDataFile(_ path: String, as name: String, mode: mode_t) throws {
        try AtomicFile.write(try AtomicFile.read(path), to: dataDirectory + "/" + name, mode: mode)
        if OSAccount.isRoot { try OSAccount.changeOwner(dataDirectory + "/" + name, to: site.state.osUser, recursive: false) }
    }

    /// A self-signed, SHA-1 signed certificate with CA:TRUE and no SAN: everything a certificate rule looks for.
    func installWeakCertificate() async throws {
        try installServerCertificate(try await TestPKI(directory: site.directory + "/pki-weak").selfSignedSHA1CA("weak.lab.invalid"))
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
