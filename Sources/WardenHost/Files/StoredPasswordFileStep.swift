import WardenCore

// MARK: - Stored passwords removed, verified and undoable

/// Carries out ``StepAction/removeStoredPasswords(node:file:expectedSHA256:resultSHA256:lines:)``:
/// the planned entries of a pgpass-style file are removed and every other byte stays.
///
/// - prepare: refuses a file that is no longer the planned one and a result that is not the
///   planned file; keeps the old bytes under `STATE_DIR/backups/pgpass/SHA256` (owner-only).
///   A file that already is the planned result is left alone, so a re-run converges.
/// - act: writes the result atomically.
/// - verify: the file re-read is the planned result.
/// - undo: restores the old bytes (only over what this step wrote).
public struct StoredPasswordFileStep: Sendable {
    public let vault: BackupVault

    public init(vault: BackupVault) {
        self.vault = vault
    }

    public func prepare(_ step: PlannedStep) throws -> PreparedStep {
        guard case .removeStoredPasswords(_, let file, let expected, let result, let lines) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a stored-password removal")
        }
        let old = try AtomicFile.read(file)
        let current = FileDigest.sha256(old)
        if current == result { return .nothing() }
        guard current == expected else {
            throw HostError(.verification, "\(file) changed on disk since the plan was made; refused", hint: "run the plan again to see the file as it is now")
        }
        var edited = PGPassFile(bytes: old)
        let wanted = Set(lines)
        edited.removeEntries { wanted.contains($0.line) }
        guard FileDigest.sha256(edited.bytes) == result else {
            throw HostError(.verification, "removing lines \(lines.map(String.init).joined(separator: ", ")) of \(file) does not give the planned file; refused", hint: "run the plan again")
        }
        let backup = vault.path(kind: "pgpass", sha256: expected)
        try vault.keep(old, at: backup)
        let bytes = edited.bytes
        return PreparedStep(undo: .passwordFile(file: file, backupPath: backup, previousSHA256: expected, writtenSHA256: result)) {
            try AtomicFile.write(bytes, to: file)
        }
    }

    public func verify(_ step: PlannedStep) throws {
        guard case .removeStoredPasswords(_, let file, _, let result, _) = step.action else { return }
        guard FileDigest.sha256(try AtomicFile.read(file)) == result else {
            throw HostError(.verification, "\(file) re-read after writing is not the planned file", hint: "something else writes it; stop that and apply again")
        }
    }
}
