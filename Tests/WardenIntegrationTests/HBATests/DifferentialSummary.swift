import WardenCore

// MARK: - What a differential run covered

/// Counts for the run's summary, and which kinds of line decided logins (so a generator
/// that stops producing a case is noticed, not silently passing).
struct DifferentialSummary {
    var files = 0
    var attempts = 0
    var connections = 0
    var mismatches = 0
    var rejectedFiles = 0
    var coverage: [String: Int] = [:]

    /// Cases every run must exercise.
    static let required = [
        "+group via membership", "samerole via membership", "sameuser", "/name as a literal name", "hostssl", "hostnossl",
        "IPv6 range", "mask with holes", "no entry", "second attempt", "physical replication", "Unix socket",
    ]

    mutating func cover(attempt: DifferentialLab.Attempt, expected: [DifferentialLab.Seen], file: HBAFile, memberships: [String: Set<String>]) {
        if expected.count > 1 { coverage["second attempt", default: 0] += 1 }
        if attempt.database == nil { coverage["physical replication", default: 0] += 1 }
        if attempt.logical { coverage["logical replication", default: 0] += 1 }
        if attempt.source.namespace == nil, attempt.source.client == "[local]" { coverage["Unix socket", default: 0] += 1 }
        for seen in expected {
            guard case .line(let line, _) = seen, let rule = file.rule(atLine: line) else {
                if case .noEntry = seen { coverage["no entry", default: 0] += 1 }
                continue
            }
            let groups = memberships[attempt.user] ?? []
            if rule.users.contains(where: { if case .member(let group) = $0 { groups.contains(group) } else { false } }) {
                coverage["+group via membership", default: 0] += 1
            }
            if rule.databases.contains(.sameRole), let database = attempt.database, groups.contains(database) {
                coverage["samerole via membership", default: 0] += 1
            }
            if rule.databases.contains(.sameUser) { coverage["sameuser", default: 0] += 1 }
            let slash: (String) -> Bool = { "/" + $0 == attempt.user || "/" + $0 == attempt.database }
            if rule.users.contains(where: { if case .regex(let p) = $0 { slash(p) } else { false } })
                || rule.databases.contains(where: { if case .regex(let p) = $0 { slash(p) } else { false } }) {
                coverage["/name as a literal name", default: 0] += 1
            }
            if rule.connectionType == .hostssl { coverage["hostssl", default: 0] += 1 }
            if rule.connectionType == .hostnossl { coverage["hostnossl", default: 0] += 1 }
            if case .range(let range)? = rule.address {
                if range.address.family != IPAddress("127.0.0.1")?.family { coverage["IPv6 range", default: 0] += 1 }
                if range.prefixLength == nil { coverage["mask with holes", default: 0] += 1 }
            }
            if case .sameNet? = rule.address { coverage["samenet", default: 0] += 1 }
            if case .sameHost? = rule.address { coverage["samehost", default: 0] += 1 }
        }
    }
}
