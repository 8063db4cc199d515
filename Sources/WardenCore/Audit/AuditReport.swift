// MARK: - The result of an audit

/// The findings of one audit, worst first, with counts per severity.
public struct AuditReport: Sendable, Hashable, Codable {
    public var site: String
    public var findings: [Finding]
    public var summary: Summary

    public struct Summary: Sendable, Hashable, Codable {
        public var total: Int
        public var critical: Int
        public var high: Int
        public var medium: Int
        public var low: Int
        public var info: Int
        /// Nodes audited, and how many of them the audit could log in to.
        public var nodes: Int
        public var nodesReached: Int
        public var services: Int

        public func count(_ severity: Severity) -> Int {
            switch severity {
            case .critical: critical
            case .high: high
            case .medium: medium
            case .low: low
            case .info: info
            }
        }
    }

    public init(site: String, findings: [Finding], nodes: Int = 0, nodesReached: Int = 0, services: Int = 0) {
        self.site = site
        self.findings = findings.sorted { ($0.severity, $1.id, $1.subject) > ($1.severity, $0.id, $0.subject) }
        func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
        summary = Summary(
            total: findings.count, critical: count(.critical), high: count(.high), medium: count(.medium),
            low: count(.low), info: count(.info), nodes: nodes, nodesReached: nodesReached, services: services)
    }

    /// Whether a finding at `severity` or worse exists (for `--fail-on`).
    public func hasFindings(atOrAbove severity: Severity) -> Bool {
        findings.contains { $0.severity >= severity }
    }

    /// `12 findings: 2 critical, 5 high, 3 medium, 1 low, 1 info (1 of 1 nodes reached, 14 services)`.
    public var summaryLine: String {
        let counts = Severity.allCases.reversed().map { "\(summary.count($0)) \($0)" }.joined(separator: ", ")
        return "\(summary.total) finding\(summary.total == 1 ? "" : "s"): \(counts) (\(summary.nodesReached) of \(summary.nodes) node\(summary.nodes == 1 ? "" : "s") reached, \(summary.services) service config\(summary.services == 1 ? "" : "s"))"
    }
}

// MARK: - Running the catalogue

extension AuditReport {
    /// Runs every rule of `catalogue` on `facts`.
    public static func audit(_ facts: SiteFacts, catalogue: [AuditRule] = AuditCatalogue.rules) -> AuditReport {
        AuditReport(
            site: facts.site, findings: catalogue.flatMap { $0.evaluate(facts) }, nodes: facts.nodes.count,
            nodesReached: facts.nodes.filter(\.reachability.isReached).count, services: facts.services.count)
    }
}
