// MARK: - What the auth planner plans from

/// The facts `pgwarden apply --only auth` plans from, as plain values: the roles and the
/// kind of verifier each has, which passwords pgwarden knows (references only), every
/// node's password_encryption and pg_hba.conf, the consumers to prove, and the stored
/// password files. Collected by the shell (WardenPostgres' `AuthFactsCollector`); no
/// verifier and no password is in here.
public struct AuthFacts: Sendable, Hashable {
    public var site: String
    /// Every role of the cluster (pg_authid is shared by the primary and its standbys).
    public var roles: [Role]
    public var nodes: [Node]
    /// Role → where a copy of its password that matches its current verifier can be read.
    public var knownPasswords: [String: PasswordSource]
    /// Service entries whose password matches their role's verifier: the proof logs in as each.
    public var consumers: [ConsumerEntry]
    /// Services that log in as a role, by role (for the fix command a note suggests).
    public var servicesByRole: [String: [String]]
    public var storedPasswordFiles: [StoredPasswordFile]
    /// What the collector could not use, already phrased for a plan note.
    public var notes: [String]

    public init(site: String, roles: [Role], nodes: [Node], knownPasswords: [String: PasswordSource] = [:],
                consumers: [ConsumerEntry] = [], servicesByRole: [String: [String]] = [:],
                storedPasswordFiles: [StoredPasswordFile] = [], notes: [String] = []) {
        self.site = site
        self.roles = roles
        self.nodes = nodes
        self.knownPasswords = knownPasswords
        self.consumers = consumers
        self.servicesByRole = servicesByRole
        self.storedPasswordFiles = storedPasswordFiles
        self.notes = notes
    }

    // MARK: Parts

    public struct Role: Sendable, Hashable {
        public var name: String
        public var canLogin: Bool
        public var isSuperuser: Bool
        public var verifier: PasswordFact
        /// Roles it is a member of, directly or through others (for `+group` lines).
        public var memberships: Set<String>

        public init(name: String, canLogin: Bool = true, isSuperuser: Bool = false, verifier: PasswordFact, memberships: Set<String> = []) {
            self.name = name
            self.canLogin = canLogin
            self.isSuperuser = isSuperuser
            self.verifier = verifier
            self.memberships = memberships
        }
    }

    public struct Node: Sendable, Hashable {
        public var name: String
        /// The node that takes writes: verifiers are changed there only.
        public var isPrimary: Bool
        /// `password_encryption` as the server reports it now.
        public var passwordEncryption: String
        /// Its pg_hba.conf as read from disk; nil when it could not be read (see notes).
        public var hba: HBAFileSnapshot?

        public init(name: String, isPrimary: Bool, passwordEncryption: String, hba: HBAFileSnapshot?) {
            self.name = name
            self.isPrimary = isPrimary
            self.passwordEncryption = passwordEncryption
            self.hba = hba
        }
    }

    /// A pgpass-style file from `stored_password_files`.
    public struct StoredPasswordFile: Sendable, Hashable {
        public var node: String
        public var path: String
        public var file: PGPassFile
        public var sha256: String

        public init(node: String, path: String, file: PGPassFile, sha256: String) {
            self.node = node
            self.path = path
            self.file = file
            self.sha256 = sha256
        }
    }

    public func role(_ name: String) -> Role? { roles.first { $0.name == name } }
}
