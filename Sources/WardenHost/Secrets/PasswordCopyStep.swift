import WardenCore

// MARK: - The site's own copy of a new password, verified and undoable

/// Carries out ``StepAction/writePasswordCopy(role:reference:expectedSHA256:)``: the new
/// password of a role (given to this run) goes into the copy the inventory keeps.
///
/// - `file:PATH`: the file holds the password and a newline, owner-only (0600). Refused when
///   the file is no longer the planned one.
/// - `store:NAME`: sealed into the secret store under NAME with the site key (the other
///   entries stay as they are).
///
/// Old bytes are kept under `STATE_DIR/backups/secrets/SHA256` (owner-only); undo restores
/// them, or removes a file the step created. A copy that already holds the new password is
/// left alone, so a re-run converges.
public struct PasswordCopyStep: Sendable {
    public let stateDirectory: String
    public let keyFile: SealingKeyFile
    public let thisRun: [String: Secret]

    public init(stateDirectory: String, keyFile: SealingKeyFile, thisRun: [String: Secret]) {
        self.stateDirectory = stateDirectory
        self.keyFile = keyFile
        self.thisRun = thisRun
    }

    public func apply(_ step: PlannedStep) throws -> UndoRecord {
        guard case .writePasswordCopy(let role, let reference, let expected) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a password copy")
        }
        let password = try newPassword(role)
        let (path, store) = try place(reference)
        let old = AtomicFile.exists(path) ? try AtomicFile.read(path) : nil
        let oldHash = old.map(FileDigest.sha256)
        if try holds(password, path: path, store: store) { return .nothing }
        let new: [UInt8]
        if let store {
            var contents = try SecretStoreFile(path: path, keyFile: keyFile).load()
            try contents.set(store, to: password, key: try keyFile.load())
            new = Array(contents.render().utf8)
        } else {
            guard expected == nil || oldHash == expected else {
                throw HostError(.verification, "\(path) changed on disk since the plan was made; refused", hint: "run the command again")
            }
            new = Array((password.revealed + "\n").utf8)
        }
        let backup = oldHash.map { AtomicFile.backupPath(stateDirectory: stateDirectory, kind: "secrets", sha256: $0) }
        try Directories.create(PathResolution.directory(of: path), mode: 0o700)
        try AtomicFile.write(new, to: path, mode: 0o600, backupPath: backup)
        return .passwordFile(file: path, backupPath: backup, previousSHA256: oldHash, writtenSHA256: FileDigest.sha256(new))
    }

    public func verify(_ step: PlannedStep) throws {
        guard case .writePasswordCopy(let role, let reference, _) = step.action else { return }
        let (path, store) = try place(reference)
        guard try holds(try newPassword(role), path: path, store: store) else {
            throw HostError(.verification, "\(reference) re-read after writing does not hold the new password of \(role)",
                            hint: "something else writes \(path); stop it and run the command again")
        }
    }

    // MARK: Helpers

    /// The file a reference lives in, and the store entry name for `store:`.
    private func place(_ reference: String) throws(HostError) -> (path: String, store: String?) {
        if reference.hasPrefix("file:") { return (String(reference.dropFirst("file:".count)), nil) }
        if reference.hasPrefix("store:") {
            return (SecretStoreFile.default(stateDirectory: stateDirectory).path, String(reference.dropFirst("store:".count)))
        }
        throw HostError(.secret, "pgwarden cannot write the password copy \(reference)")
    }

    private func holds(_ password: Secret, path: String, store: String?) throws -> Bool {
        guard AtomicFile.exists(path) else { return false }
        if let store {
            let contents = try SecretStoreFile(path: path, keyFile: keyFile).load()
            guard contents.sealed(store) != nil else { return false }
            return try contents.open(store, keys: [try keyFile.load()] + (try keyFile.retiredKeys())) == password
        }
        var text = try AtomicFile.readText(path)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return Secret(text) == password
    }

    private func newPassword(_ role: String) throws(HostError) -> Secret {
        guard let password = thisRun[role] else {
            throw HostError(.secret, "the new password of \(role) was given to another pgwarden run", hint: "run the command again")
        }
        return password
    }
}
