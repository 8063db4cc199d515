// MARK: - Where a role's password can be read again

/// A pointer to a copy of a role's password, never the password itself: what plans, journal
/// records and undo records carry when a step needs the password (to compute a verifier, to
/// log in, or to rebuild an old verifier at undo).
///
/// A copy only counts as a source when it matches the role's current verifier (see
/// ``KnownPasswords``): a stale copy in a forgotten config file is not the password.
public enum PasswordSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The inventory's `secrets:` entry for the role (`file:`, `env:` or `store:`).
    case inventorySecret(role: String)
    /// The password of one entry of a service config (plaintext, or sealed with the site key).
    case consumer(service: String, entry: String)
    /// Typed, piped or generated for this run: held in memory only, so another pgwarden
    /// process (a later `pgwarden undo`) cannot read it again.
    case thisRun(role: String)
    /// A copy (`file:PATH` or `store:NAME`) as it was before pgwarden replaced it: its old
    /// bytes, with this SHA-256, are kept in the state directory's backups. Where undo reads
    /// the superuser's old password, since the copy itself holds the new one.
    case replacedCopy(reference: String, sha256: String)

    public var description: String {
        switch self {
        case .replacedCopy(let reference, _): "the backup of \(reference) made before the change"
        case .inventorySecret(let role): "secrets.\(role) of the inventory"
        case .consumer(let service, let entry): "service \(service), entry \(entry)"
        case .thisRun(let role): "the new password of \(role) (this run only)"
        }
    }
}

// MARK: - What the login proof logs in as

/// A role and its password source, for the proof logins at the end of a migration or a
/// password change.
public struct RoleLogin: Sendable, Hashable, Codable {
    public var role: String
    /// A database the role may connect to (its services' database, else `postgres`).
    public var database: String
    public var source: PasswordSource

    public init(role: String, database: String, source: PasswordSource) {
        self.role = role
        self.database = database
        self.source = source
    }
}

/// One entry of a service config that logs in with a password: the proof logs in with that
/// entry's own settings (host, port, database, user, password, TLS), as the service would.
public struct ConsumerEntry: Sendable, Hashable, Codable {
    public var service: String
    public var entry: String
    /// The role it logs in as.
    public var role: String
    public var database: String?

    public init(service: String, entry: String, role: String, database: String? = nil) {
        self.service = service
        self.entry = entry
        self.role = role
        self.database = database
    }
}

/// One role whose verifier a step replaces, and where its password is read.
public struct RolePassword: Sendable, Hashable, Codable {
    public var role: String
    public var source: PasswordSource

    public init(role: String, source: PasswordSource) {
        self.role = role
        self.source = source
    }
}

/// What undo needs to put a role's old verifier back without ever recording it: the kind
/// of verifier it had and where its password can be read again. Undo rebuilds a verifier of
/// that kind from the password (an md5 verifier is `md5(password ‖ role)`, so it comes back
/// identical; a SCRAM verifier comes back with a fresh salt, equivalent for every login).
public struct PreviousVerifier: Sendable, Hashable, Codable {
    public var role: String
    public var kind: PasswordFact
    /// Nil when no copy of the old password is known: then only the run that made the change
    /// can undo it (it keeps the old verifier in memory).
    public var source: PasswordSource?
    /// The salt (base64, as in the verifier) of the SCRAM verifier the step writes. Salts
    /// are public (every SCRAM exchange sends them), so the intent can hold it: after a
    /// crash, a role whose stored salt is this one got the new verifier, and any other did
    /// not — undo works role by role without guessing. Nil in journals of older pgwardens.
    public var newSalt: String?

    public init(role: String, kind: PasswordFact, source: PasswordSource?, newSalt: String? = nil) {
        self.role = role
        self.kind = kind
        self.source = source
        self.newSalt = newSalt
    }
}
