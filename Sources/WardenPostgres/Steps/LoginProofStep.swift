import WardenCore
import WardenHost

// MARK: - The proof: real logins after a password change

/// Verifies ``StepAction/proveLogins(node:roles:consumers:)``: logs in over TCP as each role
/// with its password (read from its source) and as each service entry with the entry's own
/// settings (``ConsumerLoginCheck``), a few at a time. Any refused password, unreachable
/// server or failed consumer fails the step, and the executor rolls back everything the
/// plan applied before it.
///
/// A role login that no pg_hba.conf line admits from where pgwarden runs (or to a database
/// the role may not open) proves nothing either way: it is reported, not counted as a
/// failure, since no method change can cause it. So is a service entry that requires TLS
/// from a server that offers none (it fails before any password is asked; in a plan that
/// also turns TLS on, the TLS scope's own proof logs in as it later).
struct LoginProofStep: Sendable {
    let access: SiteAccess
    let reader: PasswordSourceReader
    let keyFile: SealingKeyFile
    var progress: @Sendable (String) -> Void = { _ in }

    func verify(node nodeName: String, roles: [RoleLogin], consumers: [ConsumerEntry]) async throws {
        let node = try access.node(nodeName)
        let passwords = try reader.readAll(roles.map(\.source))
        let outcomes = await SlidingWindow.map(roles, width: ConsumerLoginCheck.window) { login -> (String, PostgresError?) in
            let target = ConnectionTarget(host: node.host, port: node.port, user: login.role, password: passwords[login.source],
                                          database: login.database, sslMode: .prefer)
            do {
                try await PostgresSession.with(target) { session in _ = try await session.value("SELECT 1::text") }
                return (login.role, nil)
            } catch let error as PostgresError {
                return (login.role, error)
            } catch {
                return (login.role, PostgresError(.connection, String(describing: error)))
            }
        }
        var failures: [String] = []
        for (role, error) in outcomes {
            guard let error else { continue }
            switch error.kind {
            case .noHBAEntry, .server:
                progress("note: \(nodeName): a login as \(role) proves nothing from here: \(error.message)")
            case .badPassword, .refused, .timeout, .connection, .tls, .tlsUnavailable:
                failures.append("\(role): \(error.message)")
            }
        }
        let services = access.inventory.services.filter { service in consumers.contains { $0.service == service.name } }
        let checked = consumers.isEmpty ? [] : await ConsumerLoginCheck.run(services: services, keyFile: keyFile.exists ? keyFile : nil, only: consumers)
        for result in checked where !result.ok {
            if result.tlsUnavailable {
                progress("note: \(nodeName): a login as service \(result.service) \(result.entry) proves nothing from here: it requires TLS and the server offers none (fix: pgwarden apply --only tls)")
                continue
            }
            failures.append("service \(result.service) \(result.entry) (\(result.target)): \(result.problem ?? "failed")")
        }
        if checked.count < consumers.count {
            failures.append("\(consumers.count - checked.count) service entr\(consumers.count - checked.count == 1 ? "y" : "ies") could not be found to log in with")
        }
        guard failures.isEmpty else {
            throw HostError(.verification, "\(failures.count) login(s) failed on \(nodeName): \(failures.prefix(5).joined(separator: "; "))\(failures.count > 5 ? "; …" : "")",
                            hint: "everything applied before this proof is rolled back")
        }
    }
}
