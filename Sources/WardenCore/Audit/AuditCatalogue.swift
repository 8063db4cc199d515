import Foundation

// MARK: - The catalogue of rules

/// Every rule `pgwarden audit` runs, by area: NODE (could we look at all), AUTH, HBA,
/// NET, TLS, SVC (service configs), FILE, REPL, LOG. See the area files for the rules.
public enum AuditCatalogue {
    public static let rules: [AuditRule] = (nodeRules + authRules + hbaRules + hbaEvaluationRules + networkRules + tlsRules
        + certificateRules + serviceRules + fileRules + replicationRules + loggingRules).sorted { sortKey($0.id) < sortKey($1.id) }

    /// The areas in report order; within an area, by number.
    static let areas = ["NODE", "AUTH", "HBA", "NET", "TLS", "SVC", "FILE", "REPL", "LOG"]

    static func sortKey(_ id: String) -> (Int, Int) {
        let parts = id.split(separator: "-")
        return (areas.firstIndex(of: String(parts.first ?? "")) ?? areas.count, Int(parts.last ?? "") ?? 0)
    }

    public static func rule(_ id: String) -> AuditRule? {
        rules.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    // MARK: References

    /// Sections of the vendor page pgwarden automates (reference/database-security.txt).
    enum Reference {
        static let passwordIntegrity = "Reference page: \"Maintaining database password integrity\""
        static let scram = "Reference page: \"Changing from MD5 to SCRAM encryption\""
        static let traffic = "Reference page: \"Database traffic encryption\""
        static let tls12 = "Reference page: \"Forcing the database connection to use TLS 1.2 only\""
        static let dispatcher = "Reference page: \"Encrypting database connection for services controlled by the Qlik Sense Service Dispatcher\""
        static let additional = "Reference page: \"Additional configuration\" (services.conf --ssl)"
        static let replication = "Reference page: \"Setting up replication to standby nodes for failover\""
        static let onlyRepositoryServers = "Reference page: \"Configure the database to only accept connections from servers where the repository is running\""
        static let ciphers = "Reference page: \"Configure SSL to reject weak cipher suites\""
        static let cisFiles = "CIS PostgreSQL 15 Benchmark §2 Directory and File Permissions"
        static let cisLogConnections = "CIS PostgreSQL 15 Benchmark §3.1.20 Ensure 'log_connections' is enabled"
        static let cisLogging = "CIS PostgreSQL 15 Benchmark §3.1 PostgreSQL Logging"
        static let cisAccess = "CIS PostgreSQL 15 Benchmark §4 User Access and Authorization"
        static let cisConnection = "CIS PostgreSQL 15 Benchmark §5 Connection and Login"
        static let cisSettings = "CIS PostgreSQL 15 Benchmark §6 PostgreSQL Settings (TLS)"
        static let cisReplication = "CIS PostgreSQL 15 Benchmark §7 Replication"
    }

    // MARK: Helpers shared by the rules

    static func nodeSubject(_ node: NodeFacts) -> String { "node \(node.name)" }
    static func serviceSubject(_ service: ServiceConfigFacts) -> String { "service \(service.name)" }

    /// `pg_hba.conf:3: host all all 0.0.0.0/0 md5`.
    static func hbaEvidence(_ rule: HBARuleFact) -> String { "\(rule.location): \(rule.text)" }

    /// `name = value (postgresql.conf:12)` or `(default)`.
    static func settingEvidence(_ name: String, _ setting: SettingFact) -> String {
        let origin = setting.location.map { "set at \($0)" } ?? setting.source.map { "source: \($0)" } ?? "source unknown"
        return "\(name) = '\(setting.value)' (\(origin))"
    }

    /// Whether `rule` can admit `role` (name, `all`, or a `+group` we cannot expand here)
    /// to some ordinary database.
    static func admits(_ rule: HBARuleFact, role: String) -> Bool {
        guard rule.error == nil, rule.method != "reject" else { return false }
        guard rule.databases != ["replication"] else { return false }
        return rule.users.contains { $0 == "all" || $0 == role || $0.hasPrefix("+") }
    }

    /// Whether `rule` can admit a replication connection of `role`.
    static func admitsReplication(_ rule: HBARuleFact, role: String) -> Bool {
        guard rule.error == nil, rule.method != "reject", rule.databases.contains("replication") else { return false }
        return rule.users.contains { $0 == "all" || $0 == role || $0.hasPrefix("+") }
    }

    /// Methods that let a client in without proving it knows a password.
    static let passwordlessMethods: Set<String> = ["trust", "ident", "peer"]
}
