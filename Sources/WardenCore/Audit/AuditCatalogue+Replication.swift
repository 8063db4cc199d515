import Foundation

// MARK: - REPL: replication hygiene; LOG: what the server records

extension AuditCatalogue {
    static let replicationRules: [AuditRule] = [
        AuditRule(
            id: "REPL-001", title: "Replication connections are admitted too widely", severity: .high,
            fix: "Admit replication only for the replication role, from the standby nodes' /32 addresses, on hostssl lines with scram-sha-256.",
            command: "pgwarden apply --only tls", references: [Reference.replication, Reference.cisReplication],
            rationale: "A replication connection streams the whole cluster, verifiers included. The reference page's `host replication replicator 0.0.0.0/0 md5` admits it from anywhere, without TLS, with md5."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.hbaRules ?? []).filter { line in
                    guard line.error == nil, line.method != "reject", line.isHostLine, line.databases.contains("replication") || line.databases.contains("all") else { return false }
                    guard line.databases.contains("replication") else { return false }
                    let wide = (line.prefixLength ?? 32) < 24
                    return wide || line.admitsPlaintext || ["trust", "password", "md5"].contains(line.method ?? "") || line.users.contains("all")
                }.map { rule.finding(nodeSubject(node), hbaEvidence($0), at: $0.location) }
            }
        },
        AuditRule(
            id: "REPL-002", title: "A role other than the replication role has REPLICATION", severity: .medium,
            fix: "ALTER ROLE … NOREPLICATION for every role but the inventory's replication role; the replication role should not be a superuser.",
            command: nil, references: [Reference.replication, Reference.cisReplication],
            rationale: "REPLICATION lets a role stream or back up the whole cluster; it should belong to one dedicated, non-superuser role."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.roles ?? []).compactMap { role -> Finding? in
                    if role.name == facts.replicationRole, role.isSuperuser {
                        return rule.finding(nodeSubject(node), "replication role \(role.name) is a superuser", severity: .high)
                    }
                    guard role.isReplication, role.canLogin, !role.isSuperuser, role.name != facts.replicationRole else { return nil }
                    return rule.finding(nodeSubject(node), "role \(role.name) has REPLICATION (the inventory's replication role is \(facts.replicationRole))")
                }
            }
        },
        AuditRule(
            id: "REPL-003", title: "primary_conninfo holds a password", severity: .high,
            fix: "Move the password to the standby's pgpass file (mode 0600) and remove it from primary_conninfo.",
            command: nil, references: [Reference.replication, Reference.cisReplication],
            rationale: "primary_conninfo is visible to every role with pg_read_all_settings and is copied into postgresql.auto.conf and backups."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let setting = node.settings["primary_conninfo"], setting.value.lowercased().contains("password") else { return nil }
                return rule.finding(nodeSubject(node), "primary_conninfo contains a password keyword" + (setting.location.map { " (set at \($0))" } ?? ""), at: setting.location)
            }
        },
        AuditRule(
            id: "REPL-004", title: "The primary cannot serve the standbys the inventory lists", severity: .medium,
            fix: "Set wal_level = replica and max_wal_senders above the number of standbys (restart needed).",
            command: nil, references: [Reference.replication, Reference.cisReplication],
            rationale: "With wal_level minimal or no WAL senders, a standby cannot stream, so failover would have nothing to fail over to."
        ) { facts, rule in
            let standbys = facts.nodes.filter { $0.inventoryRole == "standby" }.count
            guard standbys > 0 else { return [] }
            return facts.nodes.filter { $0.inventoryRole == "primary" }.compactMap { node in
                var problems: [String] = []
                if let level = node.settings["wal_level"], level.value == "minimal" { problems.append(settingEvidence("wal_level", level)) }
                if let senders = node.settings["max_wal_senders"], let count = Int(senders.value), count <= standbys {
                    problems.append(settingEvidence("max_wal_senders", senders) + " for \(standbys) standby node(s)")
                }
                return problems.isEmpty ? nil : rule.finding(nodeSubject(node), problems.joined(separator: "; "))
            }
        },
    ]

    static let loggingRules: [AuditRule] = [
        AuditRule(
            id: "LOG-001", title: "Connections are not logged", severity: .medium,
            fix: "Set log_connections = on (ALTER SYSTEM + reload): put `log_connections: \"on\"` under policy.server_settings in warden.yaml and apply.",
            command: "pgwarden apply --only settings", references: [Reference.cisLogConnections],
            rationale: "PostgreSQL keeps no other record of who connected from where; without it, password guessing and the use of a stolen password leave no trace."
        ) { facts, rule in
            offSetting(facts, rule, "log_connections")
        },
        AuditRule(
            id: "LOG-002", title: "Disconnections are not logged", severity: .low,
            fix: "Set log_disconnections = on (ALTER SYSTEM + reload): put `log_disconnections: \"on\"` under policy.server_settings in warden.yaml and apply.",
            command: "pgwarden apply --only settings", references: [Reference.cisLogging],
            rationale: "Paired with log_connections it gives each session's duration; alone, log_connections shows only the start."
        ) { facts, rule in
            offSetting(facts, rule, "log_disconnections")
        },
        AuditRule(
            id: "LOG-003", title: "Clients have long to authenticate", severity: .low,
            fix: "Set authentication_timeout to 1min or less: put `authentication_timeout: \"1min\"` under policy.server_settings in warden.yaml and apply.",
            command: "pgwarden apply --only settings", references: [Reference.cisConnection],
            rationale: "Each half-open authentication holds a connection slot; a long timeout makes slot exhaustion by idle unauthenticated clients cheap."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let setting = node.settings["authentication_timeout"], let seconds = Int(setting.value), seconds > 60 else { return nil }
                return rule.finding(nodeSubject(node), settingEvidence("authentication_timeout", setting) + " seconds", at: setting.location)
            }
        },
    ]

    static func offSetting(_ facts: SiteFacts, _ rule: AuditRule, _ name: String) -> [Finding] {
        facts.nodes.compactMap { node in
            guard let setting = node.settings[name], setting.value == "off" else { return nil }
            return rule.finding(nodeSubject(node), settingEvidence(name, setting), at: setting.location)
        }
    }
}
