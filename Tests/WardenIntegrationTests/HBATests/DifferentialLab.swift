import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - The lab the differential test logs in to

/// One PostgreSQL 15 lab set up for the differential test: TLS on (for hostssl/hostnossl),
/// listening on 127.0.0.1 and the host ends of the test's veth pairs, `log_connections`
/// with `jsonlog` (each entry carries the client's address, port, role and database), and
/// a generated role graph. ``check(fileSeed:index:attempts:summary:)`` runs one file.
struct DifferentialLab {
    let admin: LabAdmin
    let network: ClientNamespaces
    let version: PostgresVersionTraits
    let interfaces: [IPAddressRange]
    let roles: Set<String>
    let memberships: [String: Set<String>]
    let home: String
    /// The server's Unix-domain socket, for `local` lines (jsonlog names the client `[local]`).
    let local: ClientNamespaces.Source
    var sources: [ClientNamespaces.Source] { network.sources + [local] }

    var logPath: String { admin.dataDirectory + "/log/hba-differential.json" }
    static let adminLine = "host postgres postgres 127.0.0.1/32 md5"

    static func prepare(_ site: LabSite, network: ClientNamespaces) async throws -> DifferentialLab {
        let admin = LabAdmin(site: site)
        // A throwaway self-signed certificate: the test needs TLS, not trust in it.
        let key = admin.dataDirectory + "/server.key", certificate = admin.dataDirectory + "/server.crt"
        let openssl = try await ProcessRunner().run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=pgwarden-hba-differential", "-keyout", key, "-out", certificate,
        ])
        #expect(openssl.succeeded, "\(openssl.standardError)")
        for path in [key, certificate] {
            if OSAccount.isRoot { try OSAccount.changeOwner(path, to: site.state.osUser, recursive: false) }
            chmod(path, 0o600)
        }
        let listen = network.sources.map(\.server).joined(separator: ",")
        let socketDirectory = try makeTemporaryDirectory("pgwarden-hba-socket")
        if OSAccount.isRoot { try OSAccount.changeOwner(socketDirectory, to: site.state.osUser, recursive: false) }
        try await admin.sql([
            "ALTER SYSTEM SET unix_socket_directories = '\(socketDirectory)'",
            "ALTER SYSTEM SET ssl = on",
            "ALTER SYSTEM SET listen_addresses = '\(listen)'",
            "ALTER SYSTEM SET log_connections = on",
            "ALTER SYSTEM SET logging_collector = on",
            "ALTER SYSTEM SET log_destination = 'jsonlog'",
            "ALTER SYSTEM SET log_filename = 'hba-differential.log'",
        ])
        try await admin.restart()

        // The role graph, from the file seed's parent seed.
        var generator = HBAFileGenerator(seed: HBADifferentialTests.seed, subnet: network.subnet)
        let graph = generator.roleGraph()
        try await PostgresSession.with(try admin.target(sslMode: .disable)) { session in
            for statement in graph.statements {
                // A name the server refuses (a reserved one) is simply not in the graph.
                do { try await session.execute(statement) } catch { print("differential: skipped `\(statement)`: \(error)") }
            }
        }
        let (version, roles, memberships) = try await PostgresSession.with(try admin.target(sslMode: .disable)) { session in
            let number = Int(try await session.value("SHOW server_version_num") ?? "") ?? 0
            let roles = Set(try await session.rows("SELECT rolname FROM pg_roles").compactMap { $0.first ?? nil })
            return (number, roles, try await RoleMembershipQuery.memberships(session))
        }
        let home = try makeTemporaryDirectory("pgwarden-hba-home")
        return DifferentialLab(
            admin: admin, network: network, version: try PostgresVersionTraits(serverVersionNum: version),
            interfaces: try await ClientNamespaces.serverInterfaces(), roles: roles, memberships: memberships, home: home,
            local: ClientNamespaces.Source(namespace: nil, client: "[local]", server: socketDirectory))
    }

    // MARK: One file

    /// One login to try: from where, as whom, to what, with which sslmode.
    struct Attempt: Sendable, Hashable, CustomStringConvertible {
        var source: ClientNamespaces.Source
        var user: String
        /// Nil: a physical replication connection.
        var database: String?
        var sslMode: SSLMode
        /// A logical walsender (`replication=database`), matched like any session on `database`.
        var logical = false

        var description: String {
            let target = database.map { "\(logical ? "logical replication on " : "")database \($0)" } ?? "physical replication"
            return "\(user) → \(target) from \(source) sslmode=\(sslMode.rawValue)"
        }
    }

    /// What one connection of a login got, as the evaluator predicts or the log shows.
    enum Seen: Hashable, CustomStringConvertible {
        /// A password method on this line refused the (wrong) password.
        case line(Int, HBATransport)
        case noEntry(HBATransport)
        /// A `reject` line (PostgreSQL does not say which).
        case rejected(HBATransport)
        /// A `trust` line let the connection in (PostgreSQL does not say which).
        case admitted
        case atOrAfter(Int, HBATransport)
        case other(String)

        var description: String {
            switch self {
            case .line(let line, let transport): "line \(line) (\(transport.rawValue))"
            case .noEntry(let transport): "no entry (\(transport.rawValue))"
            case .rejected(let transport): "rejected (\(transport.rawValue))"
            case .admitted: "admitted without a password"
            case .atOrAfter(let line, let transport): "undecidable at line \(line) (\(transport.rawValue))"
            case .other(let text): text
            }
        }
    }

    /// The two loads of each generated file, with the same line numbering.
    enum Variant: String, CaseIterable {
        /// Every method `password`: the log names the line of every match.
        case marker
        /// The file as generated: only the outcome is logged for trust and reject.
        case original
    }

    func check(fileSeed: UInt64, index: Int, attempts count: Int, summary: inout DifferentialSummary) async throws {
        var generator = HBAFileGenerator(seed: fileSeed, subnet: network.subnet)
        let (original, marker) = generator.file(sentinel: "pgw_sentinel_\(index)", admin: Self.adminLine)
        let plan = attempts(&generator, count: count, file: try HBAFile(parsing: marker))
        summary.files += 1
        for variant in Variant.allCases {
            // Each load has its own sentinel, so a reload that did not happen is noticed.
            let sentinel = "pgw_sentinel_\(index)\(variant.rawValue.prefix(1))"
            let text = (variant == .marker ? marker : original)
                .replacingFirst("host pgw_sentinel_\(index) ", with: "host \(sentinel) ")
            guard try await load(text, sentinel: sentinel, fileSeed: fileSeed, summary: &summary) else { return }
            let evaluator = HBAEvaluator(file: try HBAFile(parsing: text), serverInterfaces: interfaces, version: version)
            let offset = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
            let outputs = try await run(plan)
            try await barrier(sentinel)
            var unmatched = try readLog(from: offset)
            for attempt in plan {
                let expected = expectation(attempt, evaluator, variant)
                let seen = unmatched.removeValue(forKey: Self.key(host: attempt.source.client, user: attempt.user, database: attempt.database ?? "")) ?? []
                summary.attempts += 1
                summary.connections += seen.count
                if variant == .marker { summary.cover(attempt: attempt, expected: expected, file: try HBAFile(parsing: text), memberships: memberships) }
                guard !Self.agree(expected, seen) else { continue }
                summary.mismatches += 1
                Issue.record("""
                    seed \(fileSeed) (file \(index), \(variant.rawValue) variant): \(attempt)
                      evaluator:  \(expected.map(\.description).joined(separator: ", then "))
                      PostgreSQL: \(seen.map(\.description).joined(separator: ", then "))
                      memberships of \(attempt.user): \((memberships[attempt.user] ?? []).sorted()), exists: \(roles.contains(attempt.user))
                      psql: \(outputs[attempt]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
                    pg_hba.conf in force:
                    \(Self.numbered(text))
                    """)
            }
            for (key, entries) in unmatched where !entries.isEmpty {
                summary.mismatches += 1
                Issue.record("seed \(fileSeed) (\(variant.rawValue)): log entries for no attempt (seen from an unexpected address?): \(key) \(entries)")
            }
        }
    }

    /// Writes `text` as pg_hba.conf and reloads; true once it is in force. A file PostgreSQL
    /// refuses is a parser test instead (pgwarden's parser must refuse it at the same line),
    /// never used for logins: false.
    func load(_ text: String, sentinel: String, fileSeed: UInt64, summary: inout DifferentialSummary) async throws -> Bool {
        try admin.writeHBA(text)
        let errors = try await PostgresSession.with(try admin.target(sslMode: .disable)) { session in
            _ = try await session.value("SELECT pg_reload_conf()::text")
            return try await session.rows("SELECT line_number::text, error FROM pg_hba_file_rules WHERE error IS NOT NULL ORDER BY line_number")
        }
        guard let first = errors.first else {
            try await waitForSentinel(sentinel, fileSeed: fileSeed)
            return true
        }
        summary.rejectedFiles += 1
        let line = first.first.flatMap { $0.flatMap { Int($0) } }
        do {
            _ = try HBAFile(parsing: text)
            summary.mismatches += 1
            Issue.record("seed \(fileSeed): PostgreSQL refuses line \(line ?? 0) (\(first.last.flatMap { $0 } ?? "")); pgwarden's parser accepts the file:\n\(Self.numbered(text))")
        } catch {
            if error.position?.line != line {
                summary.mismatches += 1
                Issue.record("seed \(fileSeed): PostgreSQL refuses line \(line ?? 0), pgwarden \(error.position.map { "line \($0.line)" } ?? "the file"): \(error.message)")
            }
        }
        try admin.writeHBA("host all all 0.0.0.0/0 md5\n")
        return false
    }

    // MARK: Attempts

    /// `count` logins with distinct (source, role, database): half aimed at a random record
    /// of `file` (its role, group member, database, samerole group…), so that lines match
    /// and not only "no entry", half at random.
    func attempts(_ generator: inout HBAFileGenerator, count: Int, file: HBAFile) -> [Attempt] {
        let users = Array(roles.intersection(HBAFileGenerator.members + HBAFileGenerator.groups + HBAFileGenerator.oddRoles + [HBAFileGenerator.superuser])).sorted()
            + HBAFileGenerator.ghosts
        let records = file.rules.map(\.rule)
        var keys = Set<String>()
        var result: [Attempt] = []
        var tries = 0
        while result.count < count, tries < count * 20 {
            tries += 1
            var source = generator.pick(sources)
            var user = generator.pick(users)
            var database: String? = generator.chance(10) ? nil : generator.pick(HBAFileGenerator.requestedDatabases)
            if !records.isEmpty, generator.chance(50) {
                let record = generator.pick(records)
                if record.connectionType == .local { source = local }
                if case .range(let range)? = record.address {
                    let fitting = network.sources.filter { IPAddress($0.client).map(range.contains) == true }
                    if !fitting.isEmpty { source = generator.pick(fitting) }
                }
                switch generator.pick(record.users) {
                case .name(let name): user = name
                case .regex(let pattern): user = "/" + pattern
                case .member(let group):
                    let members = users.filter { $0 == group || memberships[$0]?.contains(group) == true }
                    if !members.isEmpty { user = generator.pick(members) }
                case .all, .file: break
                }
                switch generator.pick(record.databases) {
                case .name(let name): database = name
                case .regex(let pattern): database = "/" + pattern
                case .sameUser: database = user
                case .sameRole:
                    let groups = (memberships[user] ?? []).sorted()
                    database = groups.isEmpty || generator.chance(20) ? user : generator.pick(groups)
                case .replication: database = nil
                case .all, .file: break
                }
            }
            // The admin line's role is the test's own (its log entries are not attempts').
            guard user != LabSite.superuser,
                  keys.insert(Self.key(host: source.client, user: user, database: database ?? "")).inserted else { continue }
            let logical = database != nil && generator.chance(8)
            // libpq never asks for TLS over a Unix-domain socket, whatever sslmode says.
            let sslMode: SSLMode = source == local ? .disable : generator.pick([.disable, .allow, .prefer, .prefer, .require])
            result.append(Attempt(source: source, user: user, database: database, sslMode: sslMode, logical: logical))
        }
        return result
    }

    /// What the evaluator says libpq's login (with a wrong password) leaves in the log,
    /// connection by connection.
    func expectation(_ attempt: Attempt, _ evaluator: HBAEvaluator, _ variant: Variant) -> [Seen] {
        let connection = HBAConnectionAttempt(
            transport: .tcpPlain, clientAddress: IPAddress(attempt.source.client),
            target: attempt.database.map { .database($0) } ?? .physicalReplication, role: attempt.user,
            memberships: memberships[attempt.user] ?? [], roleExists: roles.contains(attempt.user))
        let transports = attempt.source == local
            ? [.localSocket] : ClientTLSNegotiation.of(driver: .libpq, sslMode: attempt.sslMode, serverSSL: true).transports
        return evaluator.login(connection, over: transports, credentialsAccepted: false).attempts.map { step in
            switch step.decision {
            case .matched(let numbered) where numbered.rule.method == .trust: .admitted
            case .matched(let numbered) where numbered.rule.method == .reject: .rejected(step.transport)
            case .matched(let numbered): .line(numbered.line, step.transport)
            case .noEntry: .noEntry(step.transport)
            case .undecidable(let line, _): .atOrAfter(line, step.transport)
            }
        }
    }

    /// Three-valued: "undecidable at L" is right when PostgreSQL used L or a later line.
    /// A password failure's DETAIL does not say whether the connection used TLS; the order
    /// of the two connections of one login does.
    static func agree(_ expected: [Seen], _ seen: [Seen]) -> Bool {
        guard expected.count == seen.count else { return false }
        return zip(expected, seen).allSatisfy { expected, seen in
            switch (expected, seen) {
            case (.line(let a, _), .line(let b, _)): a == b
            case (.noEntry(let a), .noEntry(let b)), (.rejected(let a), .rejected(let b)): a == b
            case (.admitted, .admitted): true
            case (.atOrAfter(let a, _), .line(let b, _)): b >= a
            case (.atOrAfter, .noEntry), (.atOrAfter, .rejected), (.atOrAfter, .admitted): true
            default: false
            }
        }
    }

    // MARK: psql

    func environment(_ source: ClientNamespaces.Source, user: String, database: String?, sslMode: SSLMode) -> [String: String] {
        var environment = [
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home, "PGHOST": source.server, "PGPORT": "\(admin.node.port)",
            "PGUSER": user, "PGSSLMODE": sslMode.rawValue, "PGGSSENCMODE": "disable", "PGPASSWORD": HBADifferentialTests.wrongPassword,
            "PGPASSFILE": "/dev/null", "PGCONNECT_TIMEOUT": "5",
        ]
        if let database { environment["PGDATABASE"] = database }
        return environment
    }

    func psql(_ attempt: Attempt) async throws -> ProcessRunner.Result {
        var command = [HBADifferentialTests.psql, "-X", "-w", "-c", ""]
        if attempt.database == nil { command += ["-d", "replication=true"] } else if attempt.logical { command += ["-d", "replication=database"] }
        if let namespace = attempt.source.namespace { command = [try NetworkNamespace.ip(), "netns", "exec", namespace] + command }
        return try await ProcessRunner().run(
            command[0], Array(command.dropFirst()),
            environment: environment(attempt.source, user: attempt.user, database: attempt.database, sslMode: attempt.sslMode), timeoutSeconds: 20)
    }

    /// Runs every attempt, four at a time; psql's output by attempt, for messages.
    func run(_ plan: [Attempt]) async throws -> [Attempt: String] {
        try await withThrowingTaskGroup(of: (Attempt, String).self) { group in
            var outputs: [Attempt: String] = [:]
            var pending = plan[...]
            func launch() {
                guard let attempt = pending.popFirst() else { return }
                group.addTask { (attempt, try await psql(attempt).standardError) }
            }
            for _ in 0..<4 { launch() }
            while let (attempt, output) = try await group.next() {
                outputs[attempt] = output
                launch()
            }
            return outputs
        }
    }

    /// Waits until a login to the sentinel's database is rejected: the file is in force.
    func waitForSentinel(_ sentinel: String, fileSeed: UInt64) async throws {
        let source = network.sources[0]
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let attempt = Attempt(source: source, user: "sentinel", database: sentinel, sslMode: .disable)
            let output = try await psql(attempt).standardError
            if output.contains("pg_hba.conf rejects connection"), output.contains(sentinel) { return }
            guard ContinuousClock.now < deadline else {
                throw LabError("seed \(fileSeed): the generated pg_hba.conf did not come into force: \(output)")
            }
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    /// One more rejected login, and waits until the logging collector has written it: all
    /// earlier connections' entries are then in the file.
    func barrier(_ sentinel: String) async throws {
        _ = try await psql(Attempt(source: network.sources[0], user: "barrier", database: sentinel, sslMode: .disable))
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let text = try? AtomicFile.readText(logPath), text.contains("\"user\":\"barrier\",\"dbname\":\"\(sentinel)\"") { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LabError("the server log \(logPath) did not show the barrier login within 10 s")
    }

    // MARK: The log

    static func key(host: String, user: String, database: String) -> String {
        "\(IPAddress(host)?.description ?? host)|\(user)|\(database)"
    }

    /// What each connection after `offset` got, by client address, role and database, in
    /// log order: a connection (one backend pid) counts once, by its first telling entry
    /// (a FATAL about pg_hba or the password, or "connection authorized"; a FATAL after
    /// that, such as a missing database, changes nothing).
    func readLog(from offset: Int) throws -> [String: [Seen]] {
        let bytes = try AtomicFile.read(logPath)
        let text = String(decoding: bytes.dropFirst(offset), as: UTF8.self)
        var result: [String: [Seen]] = [:]
        var decided = Set<Int>()
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let pid = object["pid"] as? Int, !decided.contains(pid),
                  let host = object["remote_host"] as? String, let user = object["user"] as? String,
                  !["barrier", "sentinel", "postgres"].contains(user)
            else { continue }
            let severity = object["error_severity"] as? String ?? ""
            let message = object["message"] as? String ?? ""
            let detail = object["detail"] as? String ?? ""
            let transport: HBATransport = host == "[local]" ? .localSocket : message.contains("SSL encryption") ? .tcpSSL : .tcpPlain
            let seen: Seen
            if severity == "LOG", message.hasPrefix("connection authorized") || message.hasPrefix("replication connection authorized") {
                seen = .admitted
            } else if severity != "FATAL" {
                continue
            } else if message.hasPrefix("password authentication failed"), let range = detail.range(of: "Connection matched pg_hba.conf line ") {
                seen = .line(Int(detail[range.upperBound...].prefix { $0.isNumber }) ?? -1, .tcpPlain)
            } else if message.hasPrefix("no pg_hba.conf entry") {
                seen = .noEntry(transport)
            } else if message.hasPrefix("pg_hba.conf rejects ") {
                seen = .rejected(transport)
            } else {
                seen = .other(message)
            }
            decided.insert(pid)
            result[Self.key(host: host, user: user, database: object["dbname"] as? String ?? ""), default: []].append(seen)
        }
        return result
    }

    static func numbered(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { "  \(String(format: "%3d", $0.offset + 1))  \($0.element)" }.joined(separator: "\n")
    }
}
