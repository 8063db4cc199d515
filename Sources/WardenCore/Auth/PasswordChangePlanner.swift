// MARK: - A new password for one role: set, or rotate across every consumer

/// Plans `pgwarden password set ROLE` and `pgwarden password rotate ROLE`. Pure: the
/// facts come in as values and the new password never enters the plan (steps name the role;
/// the executor's performer holds the password in memory for this run only).
///
/// The steps, in an order whose reverse is a safe undo:
/// 1. the role's SCRAM verifier, computed here (even while password_encryption is md5:
///    md5 lines accept SCRAM verifiers);
/// 2. the copies the inventory keeps (`file:` / `store:`, and `--store NAME`) follow;
/// 3. for a rotation, every service entry that logs in as the role gets the new password,
///    sealed with the site key;
/// 4. a proof: a login as the role and as each rewritten service with its own settings.
/// Undo runs backwards: the files get their old bytes (and with them the old password)
/// before the old verifier is rebuilt from it.
///
/// The superuser is the exception: pgwarden logs in as it with the inventory's copy, so that
/// copy is written *first*. Whatever happens next, the copy and the server never disagree for
/// long without a way back: a crash between the two leaves the old password in the copy's
/// backup, and an undo (which then runs the verifier's undo first) still logs in with the new
/// password from the copy and rebuilds the old verifier from that backup.
public enum PasswordChangePlanner {
    public enum Mode: String, Sendable, Hashable {
        /// The role's verifier and kept copies; refused for a role services log in as.
        case set
        /// The role's verifier, kept copies and every service config that logs in as it.
        case rotate
    }

    public struct Request: Sendable, Hashable {
        public var role: String
        public var mode: Mode
        /// `--store NAME`: also keep the password sealed in the store under NAME.
        public var storeName: String?
        /// `--generate`: a generated password is always kept sealed in the store.
        public var generated: Bool

        public init(role: String, mode: Mode, storeName: String? = nil, generated: Bool = false) {
            self.role = role
            self.mode = mode
            self.storeName = storeName
            self.generated = generated
        }
    }

    public struct Facts: Sendable, Hashable {
        public var site: String
        /// The primary, where the verifier changes.
        public var node: String
        /// Nil when the role does not exist.
        public var role: AuthFacts.Role?
        /// Where the current password can be read again (a copy matching the verifier).
        public var previousSource: PasswordSource?
        /// What the inventory's `secrets:` says for the role.
        public var inventoryReference: SecretReference?
        /// SHA-256 of the `file:` secret, nil when the file does not exist.
        public var secretFileSHA256: String?
        /// SHA-256 of the sealed secret store file, nil when it does not exist.
        public var storeSHA256: String?
        /// Whether the role is the inventory's superuser (the role pgwarden logs in as).
        public var isSuperuser: Bool
        /// The site's sealing key id, nil without a key.
        public var keyID: String?
        /// Every service config of the inventory, as read.
        public var services: [ServiceFileContents]

        public init(site: String, node: String, role: AuthFacts.Role?, previousSource: PasswordSource?, inventoryReference: SecretReference?,
                    secretFileSHA256: String?, storeSHA256: String? = nil, isSuperuser: Bool = false, keyID: String?, services: [ServiceFileContents]) {
            self.site = site
            self.node = node
            self.role = role
            self.previousSource = previousSource
            self.inventoryReference = inventoryReference
            self.secretFileSHA256 = secretFileSHA256
            self.storeSHA256 = storeSHA256
            self.isSuperuser = isSuperuser
            self.keyID = keyID
            self.services = services
        }
    }

    /// The plan, or a refusal (`.invalid` / `.notFound`, exit code 2) with nothing changed.
    public static func plan(_ request: Request, _ facts: Facts) throws(CoreError) -> Plan {
        let name = request.role
        guard let role = facts.role else {
            throw CoreError(.notFound, "there is no role \(name) on \(facts.node)", hint: "check the name (roles are case-sensitive), or create it first: CREATE ROLE \"\(name)\" LOGIN")
        }
        var notes: [String] = []
        let consumers = try consumers(of: name, in: facts.services, notes: &notes)
        try checkConsumersCanFollow(consumers, request: request, facts: facts)
        let (copies, copySteps) = try copySteps(request, facts, notes: &notes)

        // The verifier. The superuser's copies go first, and its old password is read back at
        // undo from the backup of its inventory copy, which holds the new one by then.
        var previous = facts.previousSource
        if facts.isSuperuser, previous == .inventorySecret(role: name), let reference = facts.inventoryReference?.description,
           let own = copies.first(where: { copy in covers(copy.reference, reference) }) {
            previous = own.sha256.map { .replacedCopy(reference: reference, sha256: $0) }
        }
        let roleStep = PlannedStep(
            id: "\(facts.node)/password/\(name)",
            title: "\(facts.node): new password for \(name) (SCRAM-SHA-256 verifier computed here; the server never sees the password)",
            reason: request.mode == .rotate ? "pgwarden password rotate \(name)" : "pgwarden password set \(name)",
            diff: ["- \(name): \(role.verifier.description)", "+ \(name): SCRAM-SHA-256 verifier (\(SCRAMVerifier.defaultIterations) iterations, fresh salt)"],
            action: .setRolePassword(node: facts.node, role: name, previous: previous))
        var steps = facts.isSuperuser ? copySteps + [roleStep] : [roleStep] + copySteps

        // Every consumer, for a rotation.
        for (file, entries) in consumers.files {
            steps.append(PlannedStep(
                id: "services/\(file.service.name)",
                title: "\(file.service.name): the new password of \(name), sealed, in \(file.service.file)",
                reason: "pgwarden password rotate \(name): every service that logs in as \(name) follows",
                diff: entries.map { "~ \($0.entry) password: the new password of \(name), sealed with key \(facts.keyID ?? "?") at apply" },
                action: .editServiceFile(service: file.service.name, file: file.service.file, profile: file.service.profile.name,
                                         expectedSHA256: file.sha256, edits: entries.map { .setNewPassword(entry: $0.entry, role: name) })))
        }

        // The proof.
        let rewritten = consumers.files.flatMap(\.entries)
        let database = rewritten.compactMap(\.database).first ?? "postgres"
        let roleLogins = role.canLogin ? [RoleLogin(role: name, database: database, source: .thisRun(role: name))] : []
        if !role.canLogin { notes.append("\(name) is NOLOGIN: the password is stored, but no login can prove it") }
        if !roleLogins.isEmpty || !rewritten.isEmpty {
            steps.append(PlannedStep(
                id: "\(facts.node)/proof/password/\(name)",
                title: "\(facts.node): prove the new password: log in as \(name)" + (rewritten.isEmpty ? "" : " and as \(rewritten.count) service entr\(rewritten.count == 1 ? "y" : "ies") with their own settings"),
                reason: "a failed login rolls the change back (old verifier, old file bytes)",
                diff: roleLogins.map { "= log in as \($0.role) to \($0.database)" } + rewritten.map { "= service \($0.service) \($0.entry) logs in as \(name)" },
                action: .proveLogins(node: facts.node, roles: roleLogins, consumers: rewritten)))
        }
        return Plan(site: facts.site, steps: steps, notes: notes)
    }

    // MARK: Consumers

    struct Consumers {
        /// Files with entries that log in as the role with a password pgwarden can write.
        var files: [(file: ServiceFileContents, entries: [ConsumerEntry])] = []
        /// Entries that log in as the role with a Windows-protected password.
        var windowsProtected: [String] = []
        var count: Int { files.reduce(0) { $0 + $1.entries.count } }
    }

    /// The service entries whose user is `role`.
    static func consumers(of role: String, in services: [ServiceFileContents], notes: inout [String]) throws(CoreError) -> Consumers {
        var result = Consumers()
        for file in services {
            let config: ServiceConfig
            do {
                config = try ServiceConfig(text: file.text, profile: file.service.profile, file: file.service.file)
            } catch {
                throw CoreError(.invalid, "cannot read \(file.service.file): \(error)", hint: "fix the file first; pgwarden must know every service that logs in as \(role)")
            }
            if config.isWindowsProtected {
                notes.append("\(file.service.name): the connection strings of \(file.service.file) are protected by Windows; if they log in as \(role), change them on that node")
            }
            var entries: [ConsumerEntry] = []
            for entry in config.entries {
                guard let settings = try? config.settings(of: entry.name), settings.user == role,
                      settings.supportedFields.contains(.password) else { continue }
                if case .windowsDPAPI = settings.passwordKind {
                    result.windowsProtected.append("\(file.service.name) \(entry.name)")
                } else {
                    entries.append(ConsumerEntry(service: file.service.name, entry: entry.name, role: role, database: settings.database))
                }
            }
            if !entries.isEmpty { result.files.append((file, entries)) }
        }
        return result
    }

    /// `set` leaves services alone, so it is refused for a role they log in as; `rotate`
    /// rewrites them, so it needs the sealing key and passwords it can replace.
    static func checkConsumersCanFollow(_ consumers: Consumers, request: Request, facts: Facts) throws(CoreError) {
        let name = request.role
        switch request.mode {
        case .set:
            let count = consumers.count + consumers.windowsProtected.count
            guard count == 0 else {
                throw CoreError(.invalid, "\(count) service entr\(count == 1 ? "y logs" : "ies log") in as \(name); setting its password alone would lock them out",
                                hint: "use `pgwarden password rotate \(name)`, which rewrites every one of them and proves their logins")
            }
        case .rotate:
            guard consumers.windowsProtected.isEmpty else {
                throw CoreError(.invalid, "the password of \(consumers.windowsProtected.joined(separator: ", ")) is protected by Windows (DPAPI); pgwarden cannot rewrite it, so a rotation would lock it out",
                                hint: "replace it on the Windows node first (`pgwarden connstr set FILE ENTRY password --seal`), then rotate")
            }
            guard facts.keyID != nil || consumers.count == 0 else {
                throw CoreError(.invalid, "a rotation writes the new password into \(consumers.count) service entr\(consumers.count == 1 ? "y" : "ies") sealed, and the site has no sealing key",
                                hint: "create one first: pgwarden key init")
            }
        }
    }

    // MARK: Copies

    /// The copies of the password the site keeps (the inventory's `file:` or `store:`,
    /// `--store NAME`, and the store for a generated password), one step per file.
    static func copySteps(_ request: Request, _ facts: Facts, notes: inout [String]) throws(CoreError)
        -> (copies: [(reference: String, sha256: String?)], steps: [PlannedStep]) {
        let name = request.role
        var copies: [(reference: String, sha256: String?)] = []
        var storeNames: [String] = []
        switch facts.inventoryReference {
        case .file(let path)?: copies.append(("file:\(path)", facts.secretFileSHA256))
        case .store(let store)?: storeNames.append(store)
        case .environment(let variable)?:
            notes.append("secrets.\(name) is env:\(variable): pgwarden cannot change an environment variable; set it to the new password yourself")
        case nil: break
        }
        if let store = request.storeName, !storeNames.contains(store) { storeNames.append(store) }
        if request.generated && storeNames.isEmpty { storeNames.append(name) }
        if !storeNames.isEmpty && facts.keyID == nil {
            throw CoreError(.invalid, "the new password of \(name) is to be kept sealed in the secret store, and the site has no sealing key",
                            hint: "create one first: pgwarden key init")
        }
        // One step for the store file: every name in it at once (`store:NAME,NAME`).
        if !storeNames.isEmpty { copies.append(("store:" + storeNames.joined(separator: ","), facts.storeSHA256)) }
        if let store = storeNames.first, facts.inventoryReference == nil {
            notes.append("the inventory has no secret for \(name); to let pgwarden use the new password, add `\(name): store:\(store)` under secrets: in warden.yaml")
        }
        let steps = copies.map { copy in
            PlannedStep(
                id: "password-copy/\(copy.reference)",
                title: "keep the new password of \(name) in \(copy.reference)" + (copy.reference.hasPrefix("file:") ? " (owner-only file)" : " (sealed with key \(facts.keyID ?? "?"))"),
                reason: "the copies of \(name)'s password the site keeps follow the change",
                diff: ["~ \(copy.reference): the new password of \(name)"],
                action: .writePasswordCopy(role: name, reference: copy.reference, expectedSHA256: copy.sha256))
        }
        return (copies, steps)
    }

    /// Whether the copy step reference `written` (`file:PATH`, `store:NAME,NAME`) writes `reference`.
    static func covers(_ written: String, _ reference: String) -> Bool {
        guard written.hasPrefix("store:"), reference.hasPrefix("store:") else { return written == reference }
        let name = reference.dropFirst("store:".count)
        return written.dropFirst("store:".count).split(separator: ",").contains(name)
    }
}
