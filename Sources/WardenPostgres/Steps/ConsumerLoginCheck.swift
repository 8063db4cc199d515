import WardenCore
import WardenHost

// MARK: - Can each service log in with its own settings?

/// Logs in as every service entry would, with the host, port, database, user, password and
/// TLS settings written in its own config file — the proof that a repoint, a rotation or
/// a TLS change left every consumer working. Sealed passwords are opened with the site key;
/// Windows-protected ones cannot be opened here and are reported, not guessed.
///
/// TLS is spoken the way the entry's driver would (``ClientTLSProfile``): its SSL mode with
/// the driver's default when the file says none, the versions it offers (Devart offers its
/// `SSL TLS Protocol`, 1.1 by default, never more than 1.2), the CA file it names for
/// verify-ca/verify-full. `prefer` falls back to plaintext when TLS fails, as libpq does.
public enum ConsumerLoginCheck {
    public typealias Result = ConsumerLogin

    /// Logins run a few at a time (see ``SlidingWindow``).
    public static let window = 4

    /// Checks every entry with a password of `services`, or only the entries in `only`.
    public static func run(services: [ServiceSpec], keyFile: SealingKeyFile?, only: [ConsumerEntry]? = nil, timeoutSeconds: Double = 3) async -> [Result] {
        let keys = (try? keyFile.map { [try $0.load()] + (try $0.retiredKeys()) }) ?? []
        let wanted = only.map { Set($0.map { "\($0.service)\u{0}\($0.entry)" }) }
        var logins: [(ServiceSpec, ServiceConfig, ConnectionSettings)] = []
        var results: [Result] = []
        for service in services {
            do {
                let config = try ServiceConfig(text: try AtomicFile.readText(service.file), profile: service.profile, file: service.file)
                for settings in try config.allSettings() where settings.supportedFields.contains(.password) {
                    if let wanted, !wanted.contains("\(service.name)\u{0}\(settings.entry)") { continue }
                    logins.append((service, config, settings))
                }
            } catch {
                results.append(Result(service: service.name, entry: "*", target: service.file, ok: false, problem: "cannot read: \(error)"))
            }
        }
        let checked = await SlidingWindow.map(logins, width: window) { service, config, settings in
            await login(service: service, config: config, settings: settings, keys: keys, timeoutSeconds: timeoutSeconds)
        }
        return results + checked
    }

    private static func login(service: ServiceSpec, config: ServiceConfig, settings: ConnectionSettings, keys: [SealingKey], timeoutSeconds: Double) async -> Result {
        let host = settings.hosts.first
        let port = host?.port ?? settings.port ?? 5432
        let where_ = "\(settings.user ?? "?")@\(host?.name ?? "?"):\(port)/\(settings.database ?? "?")"
        var result = Result(service: service.name, entry: settings.entry, target: where_, ok: false)
        guard let host, let user = settings.user else {
            result.problem = "no host or user in the entry"
            return result
        }
        let password: Secret
        do {
            switch settings.passwordKind {
            case .windowsDPAPI:
                result.problem = "Windows-protected password: cannot be opened on this machine"
                return result
            case .sealed where keys.isEmpty:
                result.problem = "sealed password, but the site key is not available"
                return result
            case .absent, .empty, .plaintext, .sealed:
                guard let value = try config.openPassword(in: settings.entry, keys: keys) else {
                    result.problem = "no password in the entry"
                    return result
                }
                password = value
            }
        } catch {
            result.problem = "cannot read the password: \(error)"
            return result
        }
        let profile = ClientTLSProfile(settings)
        var target = ConnectionTarget(host: host.name, port: port, user: user, password: password,
                                      database: settings.database ?? "postgres", sslMode: profile.sslMode, connectTimeout: timeoutSeconds)
        target.minimumTLSVersion = profile.minimumVersion
        target.maximumTLSVersion = profile.maximumVersion
        if profile.sslMode >= .verifyCA { target.rootCertificatePath = profile.rootCertificate }
        do {
            result.overTLS = try await loggedIn(target)
            result.ok = true
        } catch let error as PostgresError where profile.sslMode == .prefer && (error.kind == .tls || error.kind == .connection) {
            // `prefer` tries TLS first and, when the handshake fails, plaintext.
            target.sslMode = .disable
            do {
                result.overTLS = try await loggedIn(target)
                result.ok = true
            } catch {
                result.problem = String(describing: error)
            }
        } catch {
            result.problem = String(describing: error)
            result.tlsUnavailable = (error as? PostgresError)?.kind == .tlsUnavailable
        }
        return result
    }

    /// Logs in and returns whether the server sees the session as TLS.
    private static func loggedIn(_ target: ConnectionTarget) async throws -> Bool {
        try await PostgresSession.with(target) { session in
            try await session.value("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == "true"
        }
    }
}
