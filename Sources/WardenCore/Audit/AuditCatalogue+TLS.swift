import Foundation

// MARK: - TLS: settings and the effective behaviour on the wire

extension AuditCatalogue {
    static let tlsRules: [AuditRule] = [
        AuditRule(
            id: "TLS-001", title: "The server does not offer TLS", severity: .high,
            fix: "Install a certificate and key and set ssl = on (reload).",
            command: "pgwarden apply --only tls", references: [Reference.traffic, Reference.cisSettings],
            rationale: "Without TLS every query, result and (with md5 or password) the authentication exchange cross the network readable and alterable. The reference page notes traffic is not encrypted after installation."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                var evidence: [String] = []
                if let setting = node.settings["ssl"], setting.value == "off" { evidence.append(settingEvidence("ssl", setting)) }
                if node.wire?.sslAnswer == .unwilling { evidence.append("\(node.address) answers SSLRequest with N (no TLS)") }
                guard !evidence.isEmpty else { return nil }
                return rule.finding(nodeSubject(node), evidence.joined(separator: "; "), at: node.settings["ssl"]?.location)
            }
        },
        AuditRule(
            id: "TLS-002", title: "ssl_min_protocol_version allows TLS older than the policy floor", severity: .high,
            fix: "Set ssl_min_protocol_version = 'TLSv1.2' (or the policy's floor) and reload.",
            command: "pgwarden apply --only tls", references: [Reference.tls12, Reference.cisSettings],
            rationale: "TLS 1.0 and 1.1 are deprecated (RFC 8996): CBC padding oracles, SHA-1/MD5 in the handshake, no AEAD suites."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let setting = node.settings["ssl_min_protocol_version"] else { return nil }
                let configured = TLSVersion.named(setting.value)
                // An empty value means "any version the library allows".
                guard configured.map({ $0 < facts.policy.tlsFloor }) ?? true else { return nil }
                return rule.finding(nodeSubject(node), settingEvidence("ssl_min_protocol_version", setting) + "; policy floor is \(facts.policy.tlsFloor.name)", at: setting.location)
            }
        },
        AuditRule(
            id: "TLS-003", title: "The server accepts TLS older than the policy floor on the wire", severity: .high,
            fix: "Raise ssl_min_protocol_version to the floor and reload; if the setting already says so, find out what else answers on the port.",
            command: "pgwarden apply --only tls", references: [Reference.tls12, Reference.cisSettings],
            rationale: "Measured with hand-built ClientHellos: what the server really negotiates, whatever its settings say."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let tls = node.wire?.tls else { return nil }
                let old = tls.acceptedVersions.filter { $0 < facts.policy.tlsFloor }
                guard !old.isEmpty else { return nil }
                return rule.finding(nodeSubject(node), "\(node.address) completes ServerHello for \(old.map(\.name).joined(separator: ", ")) (accepted: \(tls.acceptedVersions.map(\.name).joined(separator: ", ")))")
            }
        },
        AuditRule(
            id: "TLS-004", title: "The TLS settings and the wire disagree", severity: .medium,
            fix: "Reload or restart the server so the settings take effect, and check that no other process answers on the port; then audit again.",
            command: "pgwarden apply --only tls", references: [Reference.tls12],
            rationale: "Auditors that read only settings and scanners that read only the wire are each wrong half the time: a pending restart, a setting that OpenSSL's security level overrides, or a proxy on the port all make the two differ, in either direction."
        ) { facts, rule in
            facts.nodes.flatMap { node -> [Finding] in
                guard let wire = node.wire else { return [] }
                var findings: [Finding] = []
                let subject = nodeSubject(node)
                if let ssl = node.settings["ssl"] {
                    if ssl.value == "on", wire.sslAnswer == .unwilling {
                        findings.append(rule.finding(subject, "\(settingEvidence("ssl", ssl)) but \(node.address) answers SSLRequest with N"))
                    } else if ssl.value == "off", wire.sslAnswer == .willing {
                        findings.append(rule.finding(subject, "\(settingEvidence("ssl", ssl)) but \(node.address) answers SSLRequest with S"))
                    }
                }
                if let tls = wire.tls, let setting = node.settings["ssl_min_protocol_version"], let lowest = tls.acceptedVersions.min() {
                    let configured = TLSVersion.named(setting.value) ?? .tls10
                    if lowest < configured {
                        findings.append(rule.finding(subject, "\(settingEvidence("ssl_min_protocol_version", setting)) but the server accepts \(lowest.name) on the wire", severity: .high))
                    } else if lowest > configured, configured < facts.policy.tlsFloor {
                        findings.append(rule.finding(subject, "\(settingEvidence("ssl_min_protocol_version", setting)) but the server refuses everything below \(lowest.name) (OpenSSL's security level overrides the setting; changing it would open \(configured.name))", severity: .low))
                    }
                }
                return findings
            }
        },
        AuditRule(
            id: "TLS-005", title: "The server accepts anonymous cipher suites", severity: .critical,
            fix: "Set ssl_ciphers to exclude aNULL (e.g. 'HIGH:!aNULL:!MD5:!3DES' or the reference page's list) and never use @SECLEVEL=0.",
            command: "pgwarden apply --only tls", references: [Reference.ciphers, Reference.cisSettings],
            rationale: "Anonymous (aNULL) suites have no server authentication: a machine in the middle completes the handshake itself, and clients with sslmode=require cannot tell. Judged from the suites the server really accepted, not from the ssl_ciphers string."
        ) { facts, rule in
            suiteFindings(facts, rule) { $0.isAnonymous }
        },
        AuditRule(
            id: "TLS-006", title: "The server accepts weak cipher suites", severity: .high,
            fix: "Exclude NULL, export, RC4, DES, 3DES and MD5 suites in ssl_ciphers (the reference page's 'DEFAULT:!LOW:!EXP:!eNULL:!aNULL:!MD5:!RC2:!RC4:!DES:@STRENGTH' plus !3DES).",
            command: "pgwarden apply --only tls", references: [Reference.ciphers, Reference.cisSettings],
            rationale: "NULL suites do not encrypt; export, DES and RC4 are broken; 3DES falls to Sweet32; MD5 MACs are forgeable. What counts is the effective set the server negotiates."
        ) { facts, rule in
            suiteFindings(facts, rule) { $0.isWeak && !$0.isAnonymous }
        },
        AuditRule(
            id: "TLS-007", title: "The server accepts suites without forward secrecy", severity: .medium,
            fix: "Prefer ECDHE/DHE suites only (e.g. ssl_ciphers = 'ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM').",
            command: "pgwarden apply --only tls", references: [Reference.ciphers, Reference.cisSettings],
            rationale: "With static RSA key exchange, whoever later obtains the server key decrypts every recorded session. On Debian 12, PostgreSQL's default and HIGH:!aNULL:!MD5 both still accept 16 such suites."
        ) { facts, rule in
            suiteFindings(facts, rule) { !$0.isForwardSecret && !$0.isWeak && !$0.isAnonymous }
        },
        AuditRule(
            id: "TLS-008", title: "Clients choose the cipher suite", severity: .low,
            fix: "Set ssl_prefer_server_ciphers = on.",
            command: "pgwarden apply --only tls", references: [Reference.cisSettings],
            rationale: "With the client's order, an old client picks the weakest suite both sides accept; the server's order makes the best suite win."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let setting = node.settings["ssl_prefer_server_ciphers"], setting.value == "off",
                      node.settings["ssl"]?.value == "on" else { return nil }
                return rule.finding(nodeSubject(node), settingEvidence("ssl_prefer_server_ciphers", setting), at: setting.location)
            }
        },
        AuditRule(
            id: "TLS-009", title: "A login without TLS reaches password authentication", severity: .high,
            fix: "Make the lines that match hostssl (after every service uses TLS), so plaintext logins are refused before authentication.",
            command: "pgwarden apply --only tls", references: [Reference.traffic, Reference.cisConnection],
            rationale: "Proven on the wire: a plaintext StartupMessage got a password request. A client that does not insist on TLS (sslmode prefer/disable, a downgrade) will authenticate and work unencrypted; with md5 the response is replayable, with `password` the password itself crosses the network."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.wire?.plaintextLogins ?? []).compactMap { login -> Finding? in
                    let severity: Severity
                    let what: String
                    switch login.outcome {
                    case .cleartextPasswordAsked: (severity, what) = (.critical, "AuthenticationCleartextPassword: the password itself would cross the wire")
                    case .md5PasswordAsked: (severity, what) = (.high, "AuthenticationMD5Password: a replayable md5 response would cross the wire")
                    case .scramAsked: (severity, what) = (.medium, "AuthenticationSASL (SCRAM): the session itself would be unencrypted")
                    case .otherAuthenticationAsked: (severity, what) = (.medium, "another authentication method, unencrypted")
                    default: return nil
                    }
                    return rule.finding(nodeSubject(node), "\(node.address): plaintext StartupMessage as \(login.user) to database \(login.database) → \(what)", severity: severity)
                }
            }
        },
        AuditRule(
            id: "TLS-016", title: "Sessions are connected without TLS or below the floor", severity: .medium,
            fix: "Move those clients to TLS (sslmode=verify-full); then make pg_hba hostssl-only so they cannot fall back.",
            command: "pgwarden services apply --require-ssl", references: [Reference.traffic],
            rationale: "pg_stat_ssl joined with pg_stat_activity shows who is actually unencrypted right now — the clients a hostssl-only switch would lock out if they were not fixed first."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.sessions ?? []).compactMap { session -> Finding? in
                    let who = "pid \(session.pid) \(session.user ?? "?")@\(session.database ?? "?") from \(session.clientAddress ?? "local socket")" + (session.applicationName.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
                    if !session.ssl { return rule.finding(nodeSubject(node), "\(who): no TLS") }
                    if let version = session.tlsVersion.flatMap(TLSVersion.named), version < facts.policy.tlsFloor {
                        return rule.finding(nodeSubject(node), "\(who): \(version.name) with \(session.cipher ?? "?")")
                    }
                    return nil
                }
            }
        },
    ]

    /// One finding per node listing the accepted suites `select` picks.
    static func suiteFindings(_ facts: SiteFacts, _ rule: AuditRule, where select: (SuiteFact) -> Bool) -> [Finding] {
        facts.nodes.compactMap { node in
            guard let tls = node.wire?.tls else { return nil }
            let picked = tls.suites.filter(select)
            guard !picked.isEmpty else { return nil }
            var byName: [String: [String]] = [:]
            var order: [String] = []
            for suite in picked {
                if byName[suite.name] == nil { order.append(suite.name) }
                byName[suite.name, default: []].append(suite.version.name)
            }
            let list = order.map { "\($0) (\(byName[$0, default: []].joined(separator: ", ")))" }
            return rule.finding(nodeSubject(node), "\(node.address) accepts \(order.count) such suite\(order.count == 1 ? "" : "s"): \(list.joined(separator: ", "))")
        }
    }
}
