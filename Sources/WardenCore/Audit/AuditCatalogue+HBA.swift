import Foundation

// MARK: - HBA: who may connect from where; NET: where the server listens

extension AuditCatalogue {
    static let hbaRules: [AuditRule] = [
        AuditRule(
            id: "HBA-001", title: "pg_hba.conf admits a very wide client range", severity: .high,
            fix: "Narrow the line to the addresses of the nodes that run the services (one /32 per node).",
            command: "pgwarden apply --only tls", references: [Reference.onlyRepositoryServers, Reference.cisConnection],
            rationale: "0.0.0.0/0 (or `all`) lets every machine that can route to the port try passwords; the reference page recommends accepting only the servers where the repository runs."
        ) { facts, rule in
            hbaLines(facts, rule) { line in
                guard line.isHostLine, line.method != "reject", let prefix = line.prefixLength else { return false }
                let isV6 = (line.address ?? "").contains(":")
                return prefix < (isV6 ? 48 : 16)
            }
        },
        AuditRule(
            id: "HBA-002", title: "A network line admits all databases and all users", severity: .medium,
            fix: "Name the databases (QSR, QSMQ, Licenses, SenseServices) and the role (qliksenserepository) on service lines.",
            command: nil, references: [Reference.onlyRepositoryServers, Reference.cisConnection],
            rationale: "`all all` admits roles and databases nobody planned for (the superuser, template databases, roles created later); narrow lines make the rule set say what the site does."
        ) { facts, rule in
            hbaLines(facts, rule) { $0.isHostLine && $0.method != "reject" && $0.databases.contains("all") && $0.users.contains("all") }
        },
        AuditRule(
            id: "HBA-003", title: "pg_hba.conf admits network connections without TLS", severity: .high,
            fix: "Make every network line hostssl (after every service is TLS-ready), as the reference page's \"Remove any other lines starting with host\" asks.",
            command: "pgwarden apply --only tls", references: [Reference.traffic, Reference.cisSettings],
            rationale: "A `host` line matches both TLS and plaintext connections, so a client with sslmode=prefer or disable (or a downgrade attacker) gets in without encryption; `hostnossl` admits only plaintext."
        ) { facts, rule in
            hbaLines(facts, rule) { $0.admitsPlaintext && $0.method != "reject" && !($0.isLoopbackOnly && $0.type == "hostgssenc") }
        },
        AuditRule(
            id: "HBA-004", title: "A pg_hba.conf line is invalid and ignored", severity: .high,
            fix: "Correct the line (the server's error says how); until then the server skips it, and a reload with errors keeps the old rules.",
            command: nil, references: [Reference.cisConnection],
            rationale: "pg_hba_file_rules shows the server's own parse of the file. A line with an error is not in effect: the access it was meant to grant or deny is not what the file says, and after a restart the server may not start at all."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.hbaRules ?? []).compactMap { line in
                    line.error.map { rule.finding(nodeSubject(node), "\(line.location): \($0)", at: line.location) }
                }
            }
        },
        AuditRule(
            id: "HBA-005", title: "A network line admits clients outside the policy's client networks", severity: .medium,
            fix: "Narrow the line to the networks in the inventory's policy.client_networks (the service nodes), or add the network there if it is meant.",
            command: "pgwarden apply --only tls", references: [Reference.onlyRepositoryServers, Reference.cisConnection],
            rationale: "The inventory says where services connect from; a line that admits more than that is access nobody planned. Loopback lines (local administration) are not judged."
        ) { facts, rule in
            let networks = facts.policy.clientNetworks.compactMap(ClientNetwork.init)
            guard !networks.isEmpty else { return [] }
            return hbaLines(facts, rule) { line in
                guard line.isHostLine, line.method != "reject", !line.isLoopbackOnly else { return false }
                guard let range = ClientNetwork(rule: line) else {
                    // `all` (and samenet) is wider than any list; host names are not judged here.
                    return line.address == "all" || line.address == "samenet"
                }
                return !networks.contains { $0.contains(range) }
            }
        },
    ]

    static let networkRules: [AuditRule] = [
        AuditRule(
            id: "NET-001", title: "The server listens on every network interface", severity: .medium,
            fix: "Set listen_addresses to the addresses the service nodes reach (restart needed).",
            command: nil, references: [Reference.onlyRepositoryServers, Reference.cisConnection],
            rationale: "listen_addresses = '*' exposes the port on every interface, including ones no service uses; pg_hba then is the only barrier."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                guard let setting = node.settings["listen_addresses"] else { return nil }
                let values = setting.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard values.contains(where: { ["*", "0.0.0.0", "::"].contains($0) }) else { return nil }
                return rule.finding(nodeSubject(node), settingEvidence("listen_addresses", setting), at: setting.location)
            }
        },
    ]
}

// MARK: - First match and unreachable lines, from pgwarden's own parse of pg_hba.conf

extension AuditCatalogue {
    static let hbaEvaluationRules: [AuditRule] = [
        AuditRule(
            id: "HBA-006", title: "A pg_hba.conf line can never match", severity: .low,
            fix: "Remove the line, or move it above the line(s) that take every connection it would match.",
            command: nil, references: [Reference.cisConnection],
            rationale: "pg_hba.conf is first-match: a line below one that already takes all of its connections is dead text. It misleads whoever reads the file (an auditor who sees a `reject` line that never fires believes access is denied)."
        ) { facts, rule in
            facts.nodes.flatMap { node -> [Finding] in
                guard let parsed = parsedHBA(node) else { return [] }
                let version = node.serverVersionNumber.flatMap { try? PostgresVersionTraits(serverVersionNum: $0) }
                return HBAAnalysis(file: parsed.file, version: version).unreachable.map { dead in
                    let location = FileLocation(file: parsed.path, line: dead.line)
                    let text = parsed.file.rule(atLine: dead.line)?.text ?? ""
                    let why: String
                    switch dead.reason {
                    case .duplicate(let line): why = "a duplicate of line \(line)"
                    case .shadowed(let lines): why = "shadowed by line\(lines.count > 1 ? "s" : "") \(lines.map(String.init).joined(separator: ", "))"
                    }
                    return rule.finding(nodeSubject(node), "\(location): \(text) — \(why)", at: location)
                }
            }
        },
        AuditRule(
            id: "HBA-007", title: "A service's own connection reaches a line that is not scram-sha-256, or is rejected", severity: .high,
            fix: "Migrate the service's role to SCRAM and make the line it reaches `hostssl … scram-sha-256` (no lockout: verifiers first, lines second).",
            command: "pgwarden apply --only auth", references: [Reference.scram, Reference.cisConnection],
            rationale: "Which pg_hba line a service really reaches depends on its role and the roles it is a member of, its database, its address, and whether its driver tries TLS first, plaintext first, or both (libpq prefer retries without TLS after a failure); this evaluates exactly that, first match wins, as the server's version reads the file, for every connection the inventory's services make. md5 and password send crackable or plain credentials; trust sends none; a `reject` line or no line at all locks the service out."
        ) { facts, rule in
            facts.nodes.flatMap { node in serviceLoginFindings(facts, node, rule) }
        },
    ]

    /// HBA-007 for one node: every service connection followed through the node's
    /// pg_hba.conf with the node's memberships, version and `ssl` setting.
    static func serviceLoginFindings(_ facts: SiteFacts, _ node: NodeFacts, _ rule: AuditRule) -> [Finding] {
        guard let parsed = parsedHBA(node) else { return [] }
        let version = node.serverVersionNumber.flatMap { try? PostgresVersionTraits(serverVersionNum: $0) }
        let evaluator = HBAEvaluator(file: parsed.file, version: version)
        let roles = Dictionary((node.roles ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let serverSSL = node.setting("ssl") == "on"
        var findings: [Finding] = []
        var seen = Set<String>()
        for service in facts.services {
            guard let address = facts.serviceNodeAddresses[service.node].flatMap(IPAddress.init) else { continue }
            for connection in service.connections {
                guard let user = connection.user, let database = connection.database else { continue }
                let negotiation = ClientTLSNegotiation.of(driver: service.driver, sslMode: connection.sslMode, serverSSL: serverSSL)
                let key = "\(user)|\(database)|\(address)|\(negotiation.transports)"
                guard !negotiation.transports.isEmpty, seen.insert(key).inserted else { continue }
                // Without the roles (no session) memberships are unknown: +group lines then
                // match only the role itself, as before memberships were read.
                let attempt = HBAConnectionAttempt(
                    transport: .tcpPlain, clientAddress: address, target: .database(database), role: user,
                    memberships: roles[user]?.memberOf ?? [], roleExists: node.roles == nil || roles[user] != nil)
                let login = evaluator.login(attempt, over: negotiation.transports)
                guard let final = login.final else { continue }
                let modelled = negotiation.modelledFrom.map { "; \(service.driver.rawValue) behaviour modelled, not proven: \($0)" } ?? ""
                let earlier = login.attempts.dropLast().map { "first \(tlsWords(for: $0.transport)) \(reached($0.decision, parsed.path)), then " }.joined()
                let who = "\(user) → \(database) from \(address) \(tlsWords(for: final.transport)) (\(service.name))"
                switch final.decision {
                case .matched(let numbered):
                    let method = numbered.rule.effectiveMethod
                    let location = FileLocation(file: parsed.path, line: numbered.line)
                    if method == .reject {
                        findings.append(rule.finding(
                            nodeSubject(node), "\(earlier)\(who) reaches \(location): reject — the server rejects it\(modelled)", at: location,
                            severity: .critical,
                            fix: "Add a `hostssl … scram-sha-256` line for this role, database and address above line \(numbered.line) before the service is cut off."))
                        continue
                    }
                    guard [.md5, .password, .trust].contains(method) else { continue }
                    findings.append(rule.finding(nodeSubject(node), "\(earlier)\(who) reaches \(location): \(method.rawValue)\(modelled)", at: location,
                                                 severity: method == .trust ? .critical : nil))
                case .noEntry:
                    findings.append(rule.finding(nodeSubject(node), "\(earlier)\(who) reaches no line: the server rejects it\(modelled)", severity: .critical,
                                                 fix: "Add a `hostssl` line for this role, database and address before the service is cut off."))
                case .undecidable:
                    continue
                }
            }
        }
        return findings
    }

    static func tlsWords(for transport: HBATransport) -> String {
        transport == .tcpSSL ? "with TLS" : "without TLS"
    }

    /// "reaches pg_hba.conf:3 (reject)" / "reaches no line", for the attempt a driver retried after.
    static func reached(_ decision: HBAEvaluator.Decision, _ path: String) -> String {
        switch decision {
        case .matched(let numbered): "reaches \(FileLocation(file: path, line: numbered.line)) (\(numbered.rule.effectiveMethod.rawValue))"
        case .noEntry: "reaches no line"
        case .undecidable(let line, _): "may reach \(FileLocation(file: path, line: line))"
        }
    }

    /// The node's pg_hba.conf parsed by pgwarden, when it was read and parses.
    static func parsedHBA(_ node: NodeFacts) -> (path: String, file: HBAFile)? {
        guard let fact = node.hbaFile, let file = try? HBAFile(parsing: fact.text) else { return nil }
        return (fact.path, file)
    }
}
