// MARK: - AUTH: authentication methods, verifiers, passwordless logins

extension AuditCatalogue {
    static let authRules: [AuditRule] = [
        AuditRule(
            id: "AUTH-001", title: "pg_hba.conf trusts connections without a password", severity: .critical,
            fix: "Replace trust with scram-sha-256 (on hostssl lines) for every line that admits network clients.",
            command: "pgwarden apply --only auth", references: [Reference.passwordIntegrity, Reference.cisConnection],
            rationale: "`trust` lets anyone who can reach the port log in as any role the line names, superusers included, without a password. On a TCP line that is everyone on the network the line admits."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.hbaRules ?? []).filter { $0.error == nil && $0.method == "trust" }.map {
                    rule.finding(nodeSubject(node), hbaEvidence($0), at: $0.location, severity: $0.isHostLine ? .critical : .high)
                }
            }
        },
        AuditRule(
            id: "AUTH-002", title: "pg_hba.conf asks for the password in clear text", severity: .high,
            fix: "Use scram-sha-256 instead of password; the password then never crosses the network.",
            command: "pgwarden apply --only auth", references: [Reference.scram, Reference.cisConnection],
            rationale: "The `password` method sends the password itself to the server; without TLS anyone on the path reads it."
        ) { facts, rule in
            hbaLines(facts, rule) { $0.method == "password" && $0.isHostLine }
        },
        AuditRule(
            id: "AUTH-003", title: "pg_hba.conf uses md5 on a network line", severity: .medium,
            fix: "Reset each role's verifier to SCRAM first, then switch the line to scram-sha-256 (md5 lines accept SCRAM verifiers, not the reverse).",
            command: "pgwarden apply --only auth", references: [Reference.scram, Reference.cisConnection],
            rationale: "md5 challenge-response is replayable from a stolen verifier (the md5 hash is password-equivalent) and MD5 is deprecated in PostgreSQL 18. The reference page walks through the SCRAM switch by hand."
        ) { facts, rule in
            hbaLines(facts, rule) { $0.method == "md5" && $0.isHostLine }
        },
        AuditRule(
            id: "AUTH-004", title: "pg_hba.conf uses ident on a network line", severity: .high,
            fix: "Use scram-sha-256 for network clients; ident over TCP believes whatever the client machine's identd says.",
            command: nil, references: [Reference.cisConnection],
            rationale: "RFC 1413 ident asks the client's own machine who the user is; anyone controlling that machine (or its identd) picks the answer."
        ) { facts, rule in
            hbaLines(facts, rule) { ($0.method == "ident" || $0.method == "peer") && $0.isHostLine }
        },
        AuditRule(
            id: "AUTH-005", title: "New passwords are stored as md5 verifiers", severity: .medium,
            fix: "Set password_encryption = 'scram-sha-256' (ALTER SYSTEM + reload), then reset passwords.",
            command: "pgwarden apply --only auth", references: [Reference.scram, Reference.cisConnection],
            rationale: "password_encryption decides the verifier every future ALTER ROLE … PASSWORD stores; while it says md5, every password change re-creates a weak verifier."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let setting = node.settings["password_encryption"], setting.value.lowercased() != "scram-sha-256" else { return nil }
                return rule.finding(nodeSubject(node), settingEvidence("password_encryption", setting), at: setting.location)
            }
        },
        AuditRule(
            id: "AUTH-006", title: "A role that pg_hba.conf admits has an md5 verifier", severity: .medium,
            fix: "Reset the role's password so it is stored as a SCRAM-SHA-256 verifier (computed client-side, never sent in clear).",
            command: "pgwarden apply --only auth", references: [Reference.scram, Reference.cisAccess],
            rationale: "An md5 verifier is md5(password || role): whoever reads it (a backup, pg_authid) can log in with it on any md5 line. SCRAM verifiers cannot be replayed."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.roles ?? []).filter { $0.canLogin && $0.password == .md5 }.compactMap { role -> Finding? in
                    let admitting = (node.hbaRules ?? []).first { admits($0, role: role.name) }
                    guard node.hbaRules == nil || admitting != nil else { return nil }
                    let via = admitting.map { " (admitted by \(hbaEvidence($0)))" } ?? ""
                    return rule.finding(nodeSubject(node), "role \(role.name)\(role.isSuperuser ? " (superuser)" : ""): md5 verifier\(via)",
                                        severity: role.isSuperuser ? .high : .medium,
                                        fix: "Reset the password of \(role.name) as a SCRAM-SHA-256 verifier: pgwarden password rotate \(role.name)")
                }
            }
        },
        AuditRule(
            id: "AUTH-007", title: "A login role without a password is admitted", severity: .critical,
            fix: "Give the role a password (SCRAM) or NOLOGIN, and remove trust/ident/peer lines that admit it. Never set PASSWORD '' (it is stored as NULL).",
            command: "pgwarden password set ROLE", references: [Reference.passwordIntegrity, Reference.cisAccess],
            rationale: "A NULL password cannot be used with password methods, but trust, ident and peer lines let the role in without one. `PASSWORD ''` silently stores NULL, which is why the reference page warns against it."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.roles ?? []).filter { $0.canLogin && $0.password == PasswordFact.none }.compactMap { role -> Finding? in
                    let admitting = (node.hbaRules ?? []).filter { admits($0, role: role.name) }
                    if let open = admitting.first(where: { passwordlessMethods.contains($0.method ?? "") }) {
                        return rule.finding(nodeSubject(node), "role \(role.name) has no password and \(hbaEvidence(open)) lets it in without one", at: open.location)
                    }
                    guard !admitting.isEmpty else { return nil }
                    return rule.finding(nodeSubject(node), "role \(role.name) can log in (LOGIN) but has no password (NULL); pg_hba lines admit it", severity: .low)
                }
            }
        },
        AuditRule(
            id: "AUTH-008", title: "A SCRAM verifier uses few iterations", severity: .low,
            fix: "Reset the password with scram_iterations at its default (4096) or higher.",
            command: "pgwarden password rotate ROLE", references: [Reference.scram],
            rationale: "The iteration count is what makes an offline guess of a stolen SCRAM verifier expensive; PostgreSQL's default is 4096."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.roles ?? []).compactMap { role -> Finding? in
                    guard case .scram(let iterations) = role.password, iterations < 4096 else { return nil }
                    return rule.finding(nodeSubject(node), "role \(role.name): SCRAM-SHA-256 verifier with \(iterations) iterations")
                }
            }
        },
        AuditRule(
            id: "AUTH-009", title: "Superusers may log in over the network", severity: .high,
            fix: "Limit superuser logins to loopback (or a reject line for superusers before the service lines); services use their own non-superuser role.",
            command: nil, references: [Reference.onlyRepositoryServers, Reference.cisConnection],
            rationale: "A superuser can read every verifier, run programs as the server's OS account (COPY … PROGRAM) and turn off every other control; a network path to it makes one guessed or stolen password the whole site."
        ) { facts, rule in
            facts.nodes.flatMap { node -> [Finding] in
                let superusers = (node.roles ?? []).filter { $0.isSuperuser && $0.canLogin }.map(\.name)
                let names = superusers.isEmpty ? [facts.superuser] : superusers
                return (node.hbaRules ?? []).filter { line in
                    line.isHostLine && !line.isLoopbackOnly && names.contains { admits(line, role: $0) }
                }.map { line in
                    let who = names.filter { admits(line, role: $0) }.joined(separator: ", ")
                    return rule.finding(nodeSubject(node), "\(hbaEvidence(line)) admits superuser \(who) from \(line.address ?? "?")\(line.prefixLength.map { "/\($0)" } ?? "")", at: line.location)
                }
            }
        },
        AuditRule(
            id: "AUTH-010", title: "A role's password is stored in clear", severity: .high,
            fix: "Reset the password; it will be stored as a SCRAM verifier.",
            command: "pgwarden password rotate ROLE", references: [Reference.scram],
            rationale: "A value in pg_authid that is neither md5 nor SCRAM is the password itself (from a pre-10 server) or a damaged verifier that makes password logins fail."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.roles ?? []).compactMap { role -> Finding? in
                    switch role.password {
                    case .plaintext: rule.finding(nodeSubject(node), "role \(role.name): the stored password is not a verifier")
                    case .unknown: rule.finding(nodeSubject(node), "role \(role.name): the stored verifier is damaged (password logins cannot work)", severity: .medium)
                    default: nil
                    }
                }
            }
        },
        AuditRule(
            id: "AUTH-011", title: "The server lets a client in without any password", severity: .critical,
            fix: "Remove the trust (or ident) line that matched; require scram-sha-256 on hostssl lines only.",
            command: "pgwarden apply --only auth", references: [Reference.passwordIntegrity, Reference.traffic, Reference.cisConnection],
            rationale: "Proven on the wire, not inferred from files: the probe sent a plaintext StartupMessage and received AuthenticationOk without being asked for a password. No TLS scanner checks this, because it happens inside PostgreSQL's own protocol."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.wire?.plaintextLogins ?? []).filter { $0.outcome == .noPasswordAsked }.map {
                    rule.finding(nodeSubject(node), "\(node.address): plaintext StartupMessage as \($0.user) to database \($0.database) → AuthenticationOk, no password asked")
                }
            }
        },
    ]

    /// One finding per pg_hba line selected by `select`.
    static func hbaLines(_ facts: SiteFacts, _ rule: AuditRule, where select: (HBARuleFact) -> Bool) -> [Finding] {
        facts.nodes.flatMap { node in
            (node.hbaRules ?? []).filter { $0.error == nil && select($0) }.map {
                rule.finding(nodeSubject(node), hbaEvidence($0), at: $0.location)
            }
        }
    }
}
