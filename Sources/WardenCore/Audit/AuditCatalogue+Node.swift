// MARK: - NODE: could the audit look at everything?

extension AuditCatalogue {
    static let nodeRules: [AuditRule] = [
        AuditRule(
            id: "NODE-001", title: "A database node cannot be reached", severity: .high,
            fix: "Start the server or correct host/port in warden.yaml; the audit of this node is incomplete until it answers.",
            command: nil, references: [],
            rationale: "An unreachable node is not a secure node: its settings, roles and pg_hba rules were not checked, and a node that comes back unexamined (an old primary after a failover) may accept writes with an old configuration."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard case .unreachable(let reason) = node.reachability else { return nil }
                return rule.finding(nodeSubject(node), "\(node.address): \(reason)")
            }
        },
        AuditRule(
            id: "NODE-002", title: "The audit's login to a node was refused", severity: .high,
            fix: "Check the secret warden.yaml names for the role (a wrong password is reported as such), or the pg_hba line for the audit's connection.",
            command: nil, references: [],
            rationale: "Without a session the audit sees only the wire: settings, roles, verifiers and pg_hba rules stay unchecked. A wrong password usually means the secret store and the server have drifted apart, e.g. after a manual ALTER ROLE."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                switch node.reachability {
                case .wrongPassword(let user):
                    return rule.finding(nodeSubject(node), "\(node.address): password authentication failed for \(user): the secret in the inventory is wrong")
                case .loginRefused(let user, let reason):
                    return rule.finding(nodeSubject(node), "\(node.address): login as \(user) refused: \(reason)")
                default: return nil
                }
            }
        },
        AuditRule(
            id: "NODE-003", title: "Part of a node could not be examined", severity: .info,
            fix: "Audit as a superuser, or grant the audit role pg_read_all_settings and pg_monitor; some facts need a superuser (pg_authid, pg_hba_file_rules).",
            command: nil, references: [Reference.cisAccess],
            rationale: "The audit says what it could not see instead of passing silently: a rule that has no facts cannot fire, so a missing view means those rules were not checked."
        ) { facts, rule in
            facts.nodes.flatMap { node in node.unseen.map { rule.finding(nodeSubject(node), $0) } }
        },
    ]
}
