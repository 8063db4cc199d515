// MARK: - A plan: ordered steps, described before anything is done

/// What `pgwarden plan` shows and `pgwarden apply` executes.
///
/// A plan is a pure value: planners build it from facts and policy, it can be printed,
/// saved as JSON and reviewed, and it never holds a secret (``PlannedStep`` texts are
/// redacted by construction: planners put only references and sealed values into them).
public struct Plan: Sendable, Hashable, Codable {
    public var site: String
    public var steps: [PlannedStep]
    /// Things the planner saw but will not change, with the reason (e.g. "needs a restart").
    public var notes: [String]

    public init(site: String, steps: [PlannedStep], notes: [String] = []) {
        self.site = site
        self.steps = steps
        self.notes = notes
    }

    public var isEmpty: Bool { steps.isEmpty }
}

/// One step of a plan: what it changes, why, and the action that does it.
public struct PlannedStep: Sendable, Hashable, Codable {
    /// Stable within a plan, e.g. `db1/setting/log_connections`.
    public var id: String
    /// One line for humans: "db1: set log_connections to on (now off)".
    public var title: String
    /// Why the step is there (the finding or policy line it comes from).
    public var reason: String
    /// Diff-style lines (`- old` / `+ new`), secrets redacted.
    public var diff: [String]
    public var action: StepAction

    public init(id: String, title: String, reason: String, diff: [String], action: StepAction) {
        self.id = id
        self.title = title
        self.reason = reason
        self.diff = diff
        self.action = action
    }
}

/// The kinds of change the executor knows how to apply, verify and undo.
///
/// Each case carries everything needed to act and nothing secret; the imperative shell
/// (WardenPostgres / WardenHost) turns a case into I/O.
public enum StepAction: Sendable, Hashable, Codable {
    /// `ALTER SYSTEM SET name = value` + reload; verified with `SHOW` in a new session;
    /// undone by restoring what postgresql.auto.conf held before.
    case setServerParameter(node: String, name: String, value: String)
    /// Edits one service config file (see ``ServiceEdit``). Refused at apply time when the
    /// file's SHA-256 is no longer `expectedSHA256` (it changed since the plan was made);
    /// verified by re-reading and re-parsing; undone by restoring the exact old bytes.
    /// `profile` names a built-in ``ServiceProfile``. Sealing is "seal the current value",
    /// done at apply time, so no password is ever part of a plan.
    case editServiceFile(service: String, file: String, profile: String, expectedSHA256: String, edits: [ServiceEdit])
    /// Edits a node's pg_hba.conf (see ``HBAEdit``) and reloads. Refused at apply time when
    /// the file's SHA-256 is not `expectedSHA256`, or when the edited bytes would not hash to
    /// `resultSHA256` (what the plan showed); verified by waiting for the reload and reading
    /// `pg_hba_file_rules` (no error rows, the server's rules are the file's); undone by
    /// restoring the old bytes and reloading.
    case editHBAFile(node: String, file: String, expectedSHA256: String, resultSHA256: String, edits: [HBAEdit])
    /// Copies issued TLS files (server.crt, server.key, root.crt) into a node's data
    /// directory (see ``TLSFileCopy``): hash-checked, atomic, owned by the data directory's
    /// owner with the right mode, old bytes kept; then reloads when the server has ssl on and
    /// reads these files. Verified by re-reading the files and, with ssl on, by the
    /// certificate the server presents on the wire; undone by restoring the old files (or
    /// removing new ones) and reloading. Built by ``TLSFileInstallPlanner``.
    case installTLSFiles(node: String, files: [TLSFileCopy])
    /// Changes nothing: logs in as every consumer in `services` with the settings of its
    /// own config file (TLS, versions, certificate checks as its driver would), and fails
    /// when one cannot. Planned right before a step that could lock a consumer out, so the
    /// last word is a real login at apply time, not what the plan saw.
    case checkConsumerLogins(node: String, services: [String], reason: String)
    /// Changes nothing: proves a node's TLS state on the wire (``TLSProof``). A failure
    /// rolls back every step of the apply before it.
    case proveTLS(TLSProof)
    /// Replaces the verifier of each role with a SCRAM-SHA-256 verifier computed here from
    /// its password (read from its source, and checked against the current verifier first),
    /// with a fresh salt: the password does not change. Verified by reading `pg_authid` in a
    /// new session; undone by rebuilding each old verifier (see ``PreviousVerifier``).
    case rehashPasswords(node: String, roles: [RolePassword])
    /// Sets a new password for `role`: only its SCRAM verifier, computed here, reaches the
    /// server. The password itself is given to the run (prompt, stdin, generated) and never
    /// part of the plan; `previous` says where the old password can be read again for undo.
    case setRolePassword(node: String, role: String, previous: PasswordSource?)
    /// Writes the run's new password of `role` into one of its kept copies: `store:NAME[,NAME…]`
    /// (sealed into the secret store under each name) or `file:PATH` (an owner-only file).
    /// Refused when the file's SHA-256 is not `expectedSHA256` (nil: the file did not exist);
    /// undone by restoring the old bytes (or removing a file the step created).
    case writePasswordCopy(role: String, reference: String, expectedSHA256: String?)
    /// Removes the password-holding entries on `lines` of a pgpass-style file (pgAdmin's
    /// "store password"), keeping every other byte; old bytes backed up, undone by restoring.
    case removeStoredPasswords(node: String, file: String, expectedSHA256: String, resultSHA256: String, lines: [Int])
    /// Writes the bytes `pgwarden connstr set` made into one service config file. The command
    /// edits and re-parses the file itself; the bytes may hold a new password, so they are
    /// never part of the plan, only their hash. Refused when the file's SHA-256 is not
    /// `expectedSHA256`; verified by its hash; undone by restoring the old bytes (kept under
    /// `STATE_DIR/backups/services/`), as for ``editServiceFile(service:file:profile:expectedSHA256:edits:)``.
    case writeServiceFile(file: String, expectedSHA256: String, resultSHA256: String)
    /// Changes nothing: its verification logs in over TCP as each role (with its password
    /// from its source) and as each service entry with the entry's own settings. A failure
    /// fails the step, which rolls back everything the plan applied before it.
    case proveLogins(node: String, roles: [RoleLogin], consumers: [ConsumerEntry])
}

// MARK: - What undo needs

/// What a step recorded when it was applied, so it can be undone later, even by another
/// pgwarden process reading the journal after a crash.
public enum UndoRecord: Sendable, Hashable, Codable {
    /// The postgresql.auto.conf value before the change; nil means there was no entry
    /// (undo is then `ALTER SYSTEM RESET`).
    case serverParameter(node: String, name: String, previousAutoConfValue: String?)
    /// A service file was replaced: its old bytes are in `backupPath` (owner-only, in the
    /// state directory), with SHA-256 `previousSHA256`; the written bytes hash to
    /// `writtenSHA256`. The record holds hashes and paths only, never file contents.
    case serviceFile(file: String, backupPath: String, previousSHA256: String, writtenSHA256: String)
    /// A node's pg_hba.conf was replaced (old bytes in `backupPath`, as for a service file);
    /// undo restores them and reloads the node.
    case hbaFile(node: String, file: String, backupPath: String, previousSHA256: String, writtenSHA256: String)
    /// TLS files were installed in a node's data directory; undo puts each back (see
    /// ``TLSFileUndo``) and reloads the node when ssl is on.
    case tlsFiles(node: String, files: [TLSFileUndo])
    /// Role verifiers were replaced. Never the old verifiers themselves (an md5 verifier is
    /// password-equivalent): their kinds and where each old password can be read again.
    case rolePasswords(node: String, previous: [PreviousVerifier])
    /// A file holding passwords (a secret file, the sealed store, a pgpass file) was written.
    /// `backupPath`/`previousSHA256` are nil when the step created the file (undo removes it).
    case passwordFile(file: String, backupPath: String?, previousSHA256: String?, writtenSHA256: String)
    /// The step only checked something (a login proof, ``StepAction/checkConsumerLogins(node:services:reason:)``,
    /// ``StepAction/proveTLS(_:)``): there is nothing to undo.
    case nothing
}

extension UndoRecord {
    /// The files a step of this record writes (for the temporary files a killed run left).
    public var files: [String] {
        switch self {
        case .serviceFile(let file, _, _, _), .hbaFile(_, let file, _, _, _), .passwordFile(let file, _, _, _): [file]
        case .tlsFiles(_, let files): files.map(\.target)
        case .serverParameter, .rolePasswords, .nothing: []
        }
    }
}
