import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - What the auth tests look at on a lab

extension LabAdmin {
    var hbaPath: String { dataDirectory + "/pg_hba.conf" }
    var serverLog: String { (try? AtomicFile.readText(node.logFile)) ?? "" }
    var pgpassPath: String { site.directory + "/nodes/central/AppData/postgresql/pgpass.conf" }

    /// `rolname → rolpassword` (nil for NULL), read as the superuser with `password`.
    func verifiers(superuserPassword: Secret? = nil) async throws -> [String: String?] {
        var target = try target()
        if let superuserPassword { target.password = superuserPassword }
        let rows = try await PostgresSession.with(target) { try await $0.rows("SELECT rolname, rolpassword FROM pg_authid") }
        var result: [String: String?] = [:]
        for row in rows { if let name = row[0] { result[name] = .some(row[1]) } }
        return result
    }

    /// Nil when `role` logs in with `password` over TCP; the error otherwise.
    func login(_ role: String, _ password: Secret, database: String = "postgres") async -> PostgresError? {
        let target = ConnectionTarget(host: "127.0.0.1", port: node.port, user: role, password: password, database: database, sslMode: .disable)
        do {
            try await PostgresSession.with(target) { _ = try await $0.value("SELECT 1::text") }
            return nil
        } catch let error as PostgresError {
            return error
        } catch {
            return PostgresError(.connection, "\(error)")
        }
    }

    /// `log_statement = all`, so the server log shows every statement pgwarden sends.
    func logEveryStatement() async throws {
        try await sql(["ALTER SYSTEM SET log_statement = 'all'"])
        try await reload()
    }

    /// A role with an md5 verifier of `password` (computed here), which no inventory secret
    /// and no service config knows.
    /// Its statement stays out of the server log, as pgwarden's own do.
    func createMD5Role(_ role: String, password: Secret) async throws {
        try await PostgresSession.with(try target()) { session in
            try await session.hideStatementsFromLogs()
            try await session.execute("CREATE ROLE \(try SQLQuote.identifier(role)) LOGIN PASSWORD \(try SQLQuote.literal(MD5Verifier(password: password, role: role).text))")
        }
    }

    func stopServer() async throws {
        try await control.stop()
    }

    func startServer() async throws {
        try await control.start(logFile: node.logFile)
    }

    private var control: PostgresServerControl {
        PostgresServerControl(binaries: PostgresBinaries(directory: site.state.binDirectory), dataDirectory: dataDirectory, osUser: site.state.osUser)
    }
}

/// Every file under the lab's service nodes and secrets, by path.
func serviceAndSecretFiles(_ site: LabSite) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for root in [site.directory + "/nodes", site.directory + "/secrets"] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
        for case let relative as String in walker {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try AtomicFile.read(path)
            }
        }
    }
    return files
}
