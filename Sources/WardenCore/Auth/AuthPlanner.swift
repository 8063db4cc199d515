// MARK: - The MD5 → SCRAM migration, in the order that locks nobody out

/// Plans `pgwarden apply --only auth` from ``AuthFacts``. Pure: facts in, steps out.
///
/// The order is what keeps every login working at every moment (md5 lines accept SCRAM
/// verifiers; scram-sha-256 lines refuse md5 ones):
/// 1. `password_encryption = scram-sha-256` on every node, so no new md5 verifier appears;
/// 2. on the primary, every login role whose password pgwarden knows and whose verifier is
///    md5 (or clear text) gets a SCRAM verifier of the same password, computed here;
/// 3. only then md5/password/trust host lines become scram-sha-256, and only for lines whose
///    admitted login roles will all have SCRAM verifiers; the roles that cannot move yet get
///    a line of their own in front (md5; trust for trust lines), so they keep their access;
/// 4. passwords stored in pgpass files (`stored_password_files`) are removed, with a backup;
/// 5. a proof step logs in as every known role and as every service with its own settings;
///    if one fails, the whole migration rolls back.
public enum AuthPlanner {
    public struct Result: Sendable, Hashable {
        public var steps: [PlannedStep]
        public var notes: [String]
    }

    public static let scram = "scram-sha-256"
    /// Diff lines a step lists before it says "and N more" (a site can have 1,000 roles).
    static let diffLimit = 25

    public static func plan(_ facts: AuthFacts, policy: Policy) -> Result {
        var notes = facts.notes
        guard policy.passwordEncryption.lowercased() == scram else {
            notes.append("policy.password_encryption is \(policy.passwordEncryption): the SCRAM migration is not planned")
            return Result(steps: [], notes: notes)
        }
        var steps: [PlannedStep] = []
        let loginRoles = facts.roles.filter(\.canLogin)

        // 1. New verifiers are SCRAM from now on.
        for node in facts.nodes where node.passwordEncryption.lowercased() != scram {
            steps.append(PlannedStep(
                id: "\(node.name)/setting/password_encryption",
                title: "\(node.name): set password_encryption to \(scram) (now \(node.passwordEncryption))",
                reason: "policy.password_encryption: every verifier the server makes from now on is SCRAM",
                diff: ["- password_encryption = \(node.passwordEncryption)", "+ password_encryption = \(scram)"],
                action: .setServerParameter(node: node.name, name: "password_encryption", value: scram)))
        }

        // 2. Same passwords, SCRAM verifiers.
        let rehash = loginRoles.filter { $0.verifier.isWeak && facts.knownPasswords[$0.name] != nil }
        let primary = facts.nodes.first(where: \.isPrimary)
        var scramAfter = Set(loginRoles.filter(\.verifier.isSCRAM).map(\.name))
        if let primary, !rehash.isEmpty {
            scramAfter.formUnion(rehash.map(\.name))
            let changes = rehash.map { RolePassword(role: $0.name, source: facts.knownPasswords[$0.name] ?? .inventorySecret(role: $0.name)) }
            steps.append(PlannedStep(
                id: "\(primary.name)/verifiers/rehash",
                title: "\(primary.name): re-hash \(rehash.count) \(rehash.count == 1 ? "verifier" : "verifiers") as SCRAM-SHA-256 (same passwords, fresh salts)",
                reason: "md5 verifiers are password-equivalent; SCRAM before any line asks for it",
                diff: limited(changes.map { "~ role \($0.role): \(facts.role($0.role)?.verifier.description ?? "?") → SCRAM-SHA-256 (password from \($0.source))" }),
                action: .rehashPasswords(node: primary.name, roles: changes)))
        } else if primary == nil && !rehash.isEmpty {
            notes.append("the inventory names no primary: verifiers are not re-hashed")
        }
        for role in loginRoles where role.verifier.isWeak && facts.knownPasswords[role.name] == nil {
            notes.append("role \(role.name): \(role.verifier.description), and pgwarden knows no copy of its password that matches it; it keeps md5 access. Fix: \(fixCommand(role.name, facts))")
        }

        // 3. pg_hba.conf methods, line by line.
        let known = Set(facts.knownPasswords.keys)
        var hbaChanged = Set<String>()
        for node in facts.nodes {
            guard let hba = node.hba else { continue }
            let edits = hbaEdits(hba.file, node: node.name, roles: loginRoles, scramAfter: scramAfter, known: known, facts: facts, notes: &notes)
            guard !edits.isEmpty else { continue }
            let result: HBAFile
            do {
                result = try hba.file.applying(edits)
            } catch {
                notes.append("\(node.name): the pg_hba.conf edits cannot be made (\(error.message)); pg_hba.conf not planned")
                continue
            }
            let switched = edits.filter { if case .setMethod = $0 { true } else { false } }.count
            let split = edits.count - switched
            steps.append(PlannedStep(
                id: "\(node.name)/hba/auth",
                title: "\(node.name): pg_hba.conf: \(switched) line(s) to \(scram)" + (split > 0 ? ", \(split) md5 line(s) kept for roles whose passwords are not known" : ""),
                reason: "every role these lines admit has a SCRAM verifier now (md5 lines accept them, scram-sha-256 lines refuse md5)",
                diff: edits.map { $0.diffLine(in: hba.file) },
                action: .editHBAFile(node: node.name, file: hba.path, expectedSHA256: hba.sha256,
                                     resultSHA256: FileDigest.sha256(result.bytes), edits: edits)))
            hbaChanged.insert(node.name)
        }

        // 4. Stored passwords.
        for stored in facts.storedPasswordFiles {
            let holding = stored.file.entries.filter { !$0.password.isEmpty }
            guard !holding.isEmpty else { continue }
            var edited = stored.file
            let lines = Set(holding.map(\.line))
            edited.removeEntries { lines.contains($0.line) }
            steps.append(PlannedStep(
                id: "\(stored.node)/stored-passwords/\(stored.path)",
                title: "\(stored.node): remove \(holding.count) stored password(s) from \(stored.path)",
                reason: "a stored password lets anyone who can read the file log in (the reference page: disable \"Store password\")",
                diff: holding.map { "- line \($0.line): \(describe($0.host)):\(describe($0.port)):\(describe($0.database)):\(describe($0.user)):(password redacted)" },
                action: .removeStoredPasswords(node: stored.node, file: stored.path, expectedSHA256: stored.sha256,
                                               resultSHA256: FileDigest.sha256(edited.bytes), lines: holding.map(\.line))))
        }

        // 5. The proof, only when something changes.
        if !steps.isEmpty {
            let roleLogins = loginRoles.compactMap { role -> RoleLogin? in
                guard let source = facts.knownPasswords[role.name], scramAfter.contains(role.name) else { return nil }
                let database = facts.consumers.first { $0.role == role.name && $0.database != nil }?.database ?? "postgres"
                return RoleLogin(role: role.name, database: database, source: source)
            }
            for node in facts.nodes where node.isPrimary || hbaChanged.contains(node.name) {
                let consumers = node.isPrimary ? facts.consumers : []
                guard !roleLogins.isEmpty || !consumers.isEmpty else { continue }
                steps.append(PlannedStep(
                    id: "\(node.name)/proof/auth",
                    title: "\(node.name): prove \(roleLogins.count) role login(s) over TCP (SCRAM)" + (consumers.isEmpty ? "" : " and \(consumers.count) service login(s) with their own settings"),
                    reason: "a failed login rolls the whole migration back",
                    diff: limited(roleLogins.map { "= log in as \($0.role) to \($0.database) (password from \($0.source))" }
                        + consumers.map { "= service \($0.service) \($0.entry) logs in as \($0.role)" }),
                    action: .proveLogins(node: node.name, roles: roleLogins, consumers: consumers)))
            }
        }
        var seen = Set<String>()
        return Result(steps: steps, notes: notes.filter { seen.insert($0).inserted })
    }

    // MARK: pg_hba.conf lines

    /// The edits for one pg_hba.conf: each md5/password/trust host line whose admitted login
    /// roles all have SCRAM verifiers after the plan becomes scram-sha-256; a line that also
    /// admits roles that cannot move yet keeps them on a line of their own in front.
    static func hbaEdits(_ file: HBAFile, node: String, roles: [AuthFacts.Role], scramAfter: Set<String>, known: Set<String>,
                         facts: AuthFacts, notes: inout [String]) -> [HBAEdit] {
        var edits: [HBAEdit] = []
        for line in file.lines {
            switch line.content {
            case .blank, .comment:
                continue
            case .include(let inclusion):
                notes.append("\(node): pg_hba.conf line \(line.number) (\(inclusion.kind.rawValue) \(inclusion.path)): the records it adds are not edited; check their methods by hand")
            case .rule(let rule):
                let admitted = admittedRoles(rule, roles)
                if [.trust, .peer, .ident].contains(rule.effectiveMethod), let admitted {
                    for role in admitted where role.verifier == .none {
                        notes.append("\(node): role \(role.name) has no password (NULL) and pg_hba.conf line \(line.number) (\(rule.effectiveMethod.rawValue)) lets it in without one. Fix: \(fixCommand(role.name, facts)), or ALTER ROLE \(role.name) NOLOGIN")
                    }
                }
                guard rule.connectionType != .local, [.md5, .password, .trust].contains(rule.method) else { continue }
                guard let admitted else {
                    notes.append("\(node): pg_hba.conf line \(line.number) names its roles with a regular expression or an @file; pgwarden cannot tell whom it admits, so it keeps \(rule.method.rawValue): \(line.text)")
                    continue
                }
                let staying = admitted.filter { !canMove($0, from: rule.method, scramAfter: scramAfter, known: known) }
                if staying.count == admitted.count && !admitted.isEmpty {
                    notes.append("\(node): pg_hba.conf line \(line.number) keeps \(rule.method.rawValue): none of the roles it admits (\(admitted.map(\.name).joined(separator: ", "))) can move to SCRAM yet")
                    continue
                }
                if !staying.isEmpty {
                    var kept = rule
                    kept.users = staying.map { .name($0.name) }
                    kept.method = rule.method == .trust ? .trust : .md5
                    edits.append(.insert(rule: kept.text, beforeLine: line.number))
                    notes.append("\(node): pg_hba.conf line \(line.number) is split: \(staying.map(\.name).joined(separator: ", ")) keep \(kept.method.rawValue) on a line of their own until their passwords are SCRAM")
                }
                edits.append(.setMethod(line: line.number, method: scram))
            }
        }
        return edits
    }

    /// The login roles a record admits by its user column, or nil when that cannot be told
    /// (a `/regex` or `@file` entry: it may admit roles created later, too).
    static func admittedRoles(_ rule: HBARule, _ roles: [AuthFacts.Role]) -> [AuthFacts.Role]? {
        for user in rule.users {
            switch user {
            case .regex, .file: return nil
            case .all, .name, .member: continue
            }
        }
        return roles.filter { role in
            let attempt = HBAConnectionAttempt(transport: .tcpPlain, clientAddress: nil, target: .database(""), role: role.name, memberships: role.memberships)
            return HBAEvaluator.matchUsers(rule.users, attempt) == .yes
        }
    }

    /// Whether `role` still logs in after its line asks for scram-sha-256 instead of `method`.
    static func canMove(_ role: AuthFacts.Role, from method: HBARule.Method, scramAfter: Set<String>, known: Set<String>) -> Bool {
        let scram = scramAfter.contains(role.name)
        switch role.verifier {
        case .none, .unknown:
            // No usable password: a password method refuses it either way; trust let it in.
            return method != .trust
        case .md5, .plaintext, .scram:
            // Under trust a client never had to know the password: only move what pgwarden
            // can prove with a login.
            return scram && (method != .trust || known.contains(role.name))
        }
    }

    // MARK: Text

    /// The command that gives `role` a SCRAM verifier pgwarden can use: `rotate` when
    /// services log in as the role (their copies must follow), else `set`.
    static func fixCommand(_ role: String, _ facts: AuthFacts) -> String {
        (facts.servicesByRole[role] ?? []).isEmpty ? "pgwarden password set \(role)" : "pgwarden password rotate \(role)"
    }

    static func describe(_ field: PGPassFile.Field) -> String {
        switch field {
        case .any: "*"
        case .exactly(let text): text
        }
    }

    static func limited(_ lines: [String]) -> [String] {
        lines.count <= diffLimit ? lines : Array(lines.prefix(diffLimit)) + ["… and \(lines.count - diffLimit) more"]
    }
}

extension PasswordFact {
    /// md5 or clear text: a verifier to replace.
    var isWeak: Bool { self == .md5 || self == .plaintext }
    var isSCRAM: Bool {
        if case .scram = self { return true }
        return false
    }
}
