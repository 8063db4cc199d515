import WardenCore

// MARK: - The site's own copy of a new password, verified and undoable

/// Carries out ``StepAction/writePasswordCopy(role:reference:expectedSHA256:)``: the new
/// password of a role (given to this run) goes into the copy the inventory keeps.
///
/// - `file:PATH`: the file holds the password and a newline, owner-only (0600). Refused when
///   the file is no longer the planned one.
/// - `store:NAME[,NAME…]`: sealed into the secret store under each NAME with the site key
///   (the other entries stay as they are).
///
/// Both are refused when the file is no longer the planned one. Old bytes are kept under `STATE_DIR/backups/secrets/SHA256` (owner-only); undo restores
/// them, or removes a file the step created. A copy that already holds the new password is
/// left alone, so a re-run converges.
public struct PasswordCopyStep: Sendable {
    public let stateDirectory: String
    public let keyFile: SealingKeyFile
    public let thisRun: [String: Secret]
    /// Backups go to `STATE_DIR/backups/secrets/`.
    public static let backupKind = "secrets"

    public init(stateDirectory: String, keyFile: SealingKeyFile, thisRun: [String: Secret]) {
        self.stateDirectory = stateDirectory
        self.keyFile = keyFile
        self.thisRun = thisRun
    }

    /// Fixes the new bytes (sealed now) and keeps the old ones; the act writes them.
    public func prepare(_ step: PlannedStep) throws -> PreparedStep {
        guard case .writePasswordCopy(let role, let reference, let expected) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a password copy")
        }
        let password = try newPassword(role)
        let (path, names) = try place(reference)
        let old = AtomicFile.exists(path) ? try AtomicFile.read(path) : nil
        let oldHash = old.map(FileDigest.sha256)
        if try holds(password, path: path, names: names) { return .nothing() }
        guard oldHash == expected else {
            throw HostError(.verification, "\(path) changed on disk since the plan was made; refused", hint: "run the command again")
        }
        let new: [UInt8]
        if let names {
            var contents = try SecretStoreFile(path: path, keyFile: keyFile).load()
            let key = try keyFile.load()
            for name in names { try contents.set(name, to: password, key: key) }
            new = Array(contents.render().utf8)
        } else {
            new = Array((password.revealed + "\n").utf8)
        }
        let vault = BackupVault(stateDirectory: stateDirectory, keyFile: keyFile)
        let backup = oldHash.map { vault.path(kind: Self.backupKind, sha256: $0) }
        if let old, let backup { try vault.keep(old, at: backup) }
        let record = UndoRecord.passwordFile(file: path, backupPath: backup, previousSHA256: oldHash, writtenSHA256: FileDigest.sha256(new))
        return PreparedStep(undo: record) {
            try Directories.create(PathResolution.directory(of: path), mode: 0o700)
            try AtomicFile.write(new, to: path, mode: 0o600)
        }
    }

    public func verify(_ step: PlannedStep) throws {
        guard case .writePasswordCopy(let role, let reference, _) = step.action else { return }
        let (path, names) = try place(reference)
        guard try holds(try newPassword(role), path: path, names: names) else {
            throw HostError(.verification, "\(reference) re-read after writing does not hold the new password of \(role)",
                            hint: "something else writes \(path); stop it and run the command again")
        }
    }

    // MARK: Helpers

    /// The file a reference lives in, and the store entry names for `store:`.
    private func place(_ reference: String) throws(HostError) -> (path: String, names: [String]?) {
        if reference.hasPrefix("file:") { return (String(reference.dropFirst("file:".count)), nil) }
        if reference.hasPrefix("store:") {
            let names = reference.dropFirst("store:".count).split(separator: ",").map(String.init)
            return (SecretStoreFile.default(stateDirectory: stateDirectory).path, names)
        }
        throw HostError(.secret, "pgwarden cannot write the password copy \(reference)")
    }

    private func holds(_ password: Secret, path: String, names: [String]?) throws -> Bool {
        guard AtomicFile.exists(path) else { return false }
        if let names {
            let contents = try SecretStoreFile(path: path, keyFile: keyFile).load()
            let keys = [try keyFile.load()] + (try keyFile.retiredKeys())
            for name in names {
                guard contents.sealed(name) != nil, try contents.open(name, keys: keys) == password else { return false }
            }
            return true
        }
        return Secret(SecretResolver.withoutFinalLineBreaks(try AtomicFile.readText(path))) == password
    }

    private func newPassword(_ role: String) throws(HostError) -> Secret {
        guard let password = thisRun[role] else {
            throw HostError(.secret, "the new password of \(role) was given to another pgwarden run", hint: "run the command again")
        }
        return password
    }
}
