import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import WardenCore

// MARK: - One session to one server

/// A connection to a PostgreSQL server with results as plain strings.
///
/// pgwarden reads catalog views and settings, so every value is fetched as text
/// (queries cast with `::text`); that keeps decoding trivial and version-proof.
/// Utility statements cannot take bind parameters (see DESIGN.md), so their values must
/// be quoted with ``SQLQuote`` by the caller.
public struct PostgresSession: Sendable {
    let connection: PostgresConnection
    public let target: ConnectionTarget
    private static let logger = Logger(label: "pgwarden.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects, classifying failures (refused, timeout, bad password, no pg_hba entry, TLS).
    ///
    /// PostgresNIO sends the password to SCRAM as it is, without SASLprep, which PostgreSQL
    /// applied when the verifier was made (libpq does it too). So when SASLprep changes the
    /// password, the prepared form is tried first and the raw form after a password
    /// failure: md5 verifiers hash the raw bytes, and so does a server that found the
    /// password not preparable.
    public static func connect(_ target: ConnectionTarget) async throws(PostgresError) -> PostgresSession {
        guard let password = target.password,
              let prepared = String(validating: SASLprep.normalizedPassword(password), as: UTF8.self),
              prepared != password.revealed
        else { return try await connectOnce(target) }
        var preparedTarget = target
        preparedTarget.password = Secret(prepared)
        do {
            return try await connectOnce(preparedTarget)
        } catch where error.kind == .badPassword {
            return try await connectOnce(target)
        }
    }

    private static func connectOnce(_ target: ConnectionTarget) async throws(PostgresError) -> PostgresSession {
        var configuration = PostgresConnection.Configuration(
            host: try connectHost(target), port: target.port, username: target.user,
            password: target.password?.revealed, database: target.database,
            tls: try tlsConfiguration(for: target)
        )
        configuration.options.connectTimeout = .milliseconds(Int64(target.connectTimeout * 1000))
        configuration.options.additionalStartupParameters = target.sessionSettings.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        // SNI and the host-name check use `host`; an IP address is never sent as SNI
        // (NIOSSL would throw), and without a name NIOSSL's verify-full matches the
        // certificate's IP SANs against the address it connected to.
        configuration.options.tlsServerName = TLSClientHello.sniName(target.host)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
            return PostgresSession(connection: connection, target: target)
        } catch {
            throw classify(error, target: target)
        }
    }

    /// The address to dial: `hostAddress`, else `host`. A `host` that is an IP address can
    /// only be checked against the address dialled — NIOSSL matches IP SANs against the
    /// peer's address — so a different `hostAddress` is refused rather than checked wrongly.
    private static func connectHost(_ target: ConnectionTarget) throws(PostgresError) -> String {
        guard let address = target.hostAddress, address != target.host else { return target.host }
        if TLSClientHello.sniName(target.host) == nil {
            throw PostgresError(.tls, "host \(target.host) is an IP address but the connection would go to \(address)",
                                hint: "connect to the address \(target.host) itself")
        }
        return address
    }

    /// Runs `body` with a session that is always closed afterwards.
    public static func with<T: Sendable>(_ target: ConnectionTarget, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await connect(target).closing(after: body)
    }

    /// Runs `body` with this session and closes it afterwards, whether `body` threw or not.
    public func closing<T: Sendable>(after body: (PostgresSession) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }

    public func close() async {
        try? await connection.close()
    }

    // MARK: Queries

    /// All rows, every column as text (NULL as nil). `binds` fill `$1, $2, …`.
    public func rows(_ sql: String, _ binds: [String?] = []) async throws(PostgresError) -> [[String?]] {
        var bindings = PostgresBindings()
        for bind in binds {
            if let bind { bindings.append(bind) } else { bindings.appendNull() }
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        do {
            return try await failingWhenClosed { [connection] in
                let sequence = try await connection.query(query, logger: Self.logger)
                var result: [[String?]] = []
                for try await row in sequence {
                    result.append(try row.map { try $0.decode(String?.self) })
                }
                return result
            }
        } catch {
            throw Self.classify(error, target: target)
        }
    }

    /// Runs `body`, and fails it the moment the connection closes.
    ///
    /// Why: with PostgresNIO 1.33 a query on a connection whose server process died — an idle
    /// session whose backend was SIGKILLed, a busy one killed mid-query, a fenced primary —
    /// never returns, although the channel is closed (measured in `DeadSessionTests`). A
    /// pgwarden waiting on it would hold the site lock for ever; with many lab tests at once
    /// it was the "continuation that never resumed".
    private func failingWhenClosed<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = ResumeOnce<T>()
        return try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
            Task {
                do { once.resume(with: .success(try await body())) } catch { once.resume(with: .failure(error)) }
            }
            connection.closeFuture.whenComplete { _ in
                once.resume(with: .failure(PostgresError(.connection, "the server closed the connection")))
            }
        }
    }

    /// The first column of the first row (nil if no row or NULL).
    public func value(_ sql: String, _ binds: [String?] = []) async throws(PostgresError) -> String? {
        try await rows(sql, binds).first?.first ?? nil
    }

    /// Runs a statement whose result does not matter (utility statements).
    public func execute(_ sql: String) async throws(PostgresError) {
        _ = try await rows(sql)
    }

    // MARK: Sessions that send password verifiers

    /// Every setting through which the server can write a statement's text somewhere it
    /// stays (server log, pg_stat_statements, pgaudit, pg_stat_activity), with the value that
    /// keeps it silent. A verifier (md5 or SCRAM) is password-equivalent for md5 and lets an
    /// attacker test guesses offline for SCRAM, so `ALTER ROLE … PASSWORD '…'` must not
    /// reach any of them — not when it succeeds, and not when it fails
    /// (`log_min_error_statement` prints the failed statement in full).
    static let statementLoggingOff: [(name: String, value: String)] = [
        ("log_statement", "none"),
        ("log_min_duration_statement", "-1"),
        ("log_min_duration_sample", "-1"),          // PostgreSQL 13+
        ("log_statement_sample_rate", "0"),         // PostgreSQL 13+
        ("log_transaction_sample_rate", "0"),       // PostgreSQL 12+
        ("log_min_error_statement", "panic"),
        ("debug_print_parse", "off"),               // parse trees hold the literal
        ("debug_print_rewritten", "off"),
        ("debug_print_plan", "off"),
        ("track_activities", "off"),                // pg_stat_activity.query while it runs
        ("pg_stat_statements.track_utility", "off"),
        ("pgaudit.log", "none"),
    ]

    /// Turns off, for this session only, everything that could write the text of the
    /// statements it sends next (``statementLoggingOff``). Call it before the first statement
    /// that carries a verifier; the session stays silent until it closes.
    ///
    /// One statement sets them all, each only where this server has it (older versions lack
    /// some; pgaudit and pg_stat_statements exist only when loaded) — `current_setting(name,
    /// true)` is NULL for a setting the server does not know, and `set_config` would
    /// otherwise create a meaningless placeholder. The values are read back: a session that
    /// could not silence itself (a role without the right to set these) never sends a verifier.
    public func hideStatementsFromLogs() async throws(PostgresError) {
        let values = Self.statementLoggingOff.map { name, value in "('\(name)', '\(value)')" }.joined(separator: ", ")
        let hint = "pgwarden sends password verifiers only in sessions that keep them out of the server's logs; connect as a superuser"
        let rows: [[String?]]
        do {
            rows = try await self.rows("""
                SELECT s.name, set_config(s.name, s.value, false)
                FROM (VALUES \(values)) AS s(name, value)
                WHERE current_setting(s.name, true) IS NOT NULL
                """)
        } catch {
            throw PostgresError(error.kind, "\(target.host):\(target.port): statement logging could not be turned off for this session: \(error.message)",
                                hint: hint, sqlState: error.sqlState)
        }
        let wanted = Dictionary(Self.statementLoggingOff.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let loud = rows.compactMap { row -> String? in
            guard row.count == 2, let name = row[0] else { return nil }
            return Self.sameSetting(row[1], wanted[name]) ? nil : name
        }
        guard loud.isEmpty, rows.contains(where: { $0.first == "log_statement" }) else {
            throw PostgresError(.server, "\(target.host):\(target.port): statement logging could not be turned off for this session (\(loud.joined(separator: ", ")))",
                                hint: hint)
        }
    }

    /// `set_config` answers with the server's spelling (`-1`, `0`, `off`, `none`, `panic`).
    private static func sameSetting(_ shown: String?, _ wanted: String?) -> Bool {
        guard let shown, let wanted else { return false }
        return shown.lowercased() == wanted.lowercased()
    }

    // MARK: TLS per sslmode

    private static func tlsConfiguration(for target: ConnectionTarget) throws(PostgresError) -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch target.sslMode {
        case .disable:
            return .disable
        case .allow, .prefer, .require:
            tls.certificateVerification = .none
        case .verifyCA, .verifyFull:
            guard let path = target.rootCertificatePath else {
                throw PostgresError(.tls, "sslmode=\(target.sslMode.rawValue) needs a root certificate", hint: "give the CA certificate (root.pem) for \(target.host)")
            }
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw PostgresError(.tls, "cannot read root certificate \(path): \(error)", hint: "check the path and that it holds PEM certificates")
            }
            tls.certificateVerification = target.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
        }
        if let minimum = target.minimumTLSVersion { tls.minimumTLSVersion = nioVersion(minimum) }
        if let maximum = target.maximumTLSVersion { tls.maximumTLSVersion = nioVersion(maximum) }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: tls) } catch {
            throw PostgresError(.tls, "cannot set up TLS: \(error)")
        }
        return target.sslMode.requiresTLS ? .require(context) : .prefer(context)
    }

    private static func nioVersion(_ version: WardenCore.TLSVersion) -> NIOSSL.TLSVersion {
        switch version {
        case .ssl3, .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }

    // MARK: Error classification

    static func classify(_ error: any Error, target: ConnectionTarget) -> PostgresError {
        if let error = error as? PostgresError { return error }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "server error"
                switch state {
                case "28P01":
                    return PostgresError(.badPassword, "password authentication failed for \(target.user) at \(target.host):\(target.port)", hint: "check the secret the inventory names for '\(target.user)'", sqlState: state)
                case "28000":
                    return PostgresError(.noHBAEntry, "\(target.host):\(target.port) refused \(target.user): \(message)", hint: "pg_hba.conf has no line admitting this connection (user, database, address, TLS)", sqlState: state)
                default:
                    return PostgresError(.server, "\(message) (SQLSTATE \(state))", hint: info[.hint], sqlState: state)
                }
            }
            if error.code == .authMechanismRequiresPassword {
                return PostgresError(.badPassword, "\(target.host):\(target.port) asks \(target.user) for a password and none was given", hint: "add a secret for '\(target.user)' to the inventory")
            }
            if error.code == .sslUnsupported {
                return PostgresError(.tlsUnavailable, "\(target.host):\(target.port) does not offer TLS but sslmode=\(target.sslMode.rawValue) requires it", hint: "turn on ssl on the server (pgwarden apply --only tls) or lower the client's sslmode")
            }
            if error.code == .connectionError || error.code == .serverClosedConnection || error.code == .uncleanShutdown {
                return classifyTransport(String(describing: error.underlying ?? error), target: target)
            }
            return PostgresError(.connection, "\(target.host):\(target.port): \(error.code)")
        }
        return classifyTransport(String(describing: error), target: target)
    }

    private static func classifyTransport(_ text: String, target: ConnectionTarget) -> PostgresError {
        let where_ = "\(target.host):\(target.port)"
        if text.contains("connectTimeout") || text.contains("timed out") || text.contains("Timeout") {
            return PostgresError(.timeout, "connecting to \(where_) timed out", hint: "check that the host is reachable and the port is right")
        }
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return PostgresError(.refused, "nothing is listening at \(where_) (connection refused)", hint: "is the server running? check the node's host and port in the inventory")
        }
        if text.contains("handshake") || text.contains("certificate") || text.contains("NIOSSL") || text.contains("SSL") {
            return PostgresError(.tls, "TLS with \(where_) failed: \(text)", hint: "check the server certificate, the CA file and the host name")
        }
        return PostgresError(.connection, "cannot talk to \(where_): \(text)")
    }
}

// MARK: - One answer from two racers

/// Resumes a continuation with the first result offered and ignores the rest.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(with result: Result<T, any Error>) {
        lock.lock()
        guard let continuation else {
            if early == nil { early = result }
            lock.unlock()
            return
        }
        self.continuation = nil
        early = result
        lock.unlock()
        continuation.resume(with: result)
    }
}
