import WardenCore

// MARK: - Bytes a command made, written as a journaled step

/// Carries out ``StepAction/writeServiceFile(file:expectedSHA256:resultSHA256:)`` for
/// `pgwarden connstr set`: the command builds and re-parses the new file; this step makes
/// the write journaled, verified and undoable like every other file change.
///
/// - prepare: the file must still hash to `expectedSHA256` and the bytes to `resultSHA256`;
///   the old bytes are kept under `STATE_DIR/backups/services/SHA256` (owner-only, sealed
///   when the site has a key — never beside the file, where a backup of a plaintext password
///   would stay readable next to the sealed one).
/// - act: atomic write. verify: the file hashes to `resultSHA256`. undo: as any service file.
public struct ServiceFileWriteStep: StepPerformer {
    public let vault: BackupVault
    /// The new bytes, in memory only.
    let bytes: [UInt8]

    public init(vault: BackupVault, bytes: [UInt8]) {
        self.vault = vault
        self.bytes = bytes
    }

    public func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        guard case .writeServiceFile(let file, let expected, let result) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a service file write")
        }
        let old = try AtomicFile.read(file)
        guard FileDigest.sha256(old) == expected else {
            throw HostError(.verification, "\(file) changed on disk while the command ran; refused", hint: "run the command again")
        }
        guard FileDigest.sha256(bytes) == result else {
            throw HostError(.verification, "the bytes for \(file) are not the ones planned; refused")
        }
        let backup = vault.path(kind: ServiceFileStep.backupKind, sha256: expected)
        try vault.keep(old, at: backup)
        let bytes = self.bytes
        return PreparedStep(undo: .serviceFile(file: file, backupPath: backup, previousSHA256: expected, writtenSHA256: result)) {
            try AtomicFile.write(bytes, to: file)
        }
    }

    public func verify(_ step: PlannedStep) async throws {
        try Self.verifyWritten(step)
    }

    public func undo(_ step: PlannedStep, record: UndoRecord) async throws {
        guard case .serviceFile(let file, let backup, let previous, let written) = record else { return }
        try AtomicFile.restore(file, from: backup, previousSHA256: previous, writtenSHA256: written, vault: vault)
    }

    /// The file holds the planned result (shared with the site performer, which verifies
    /// and undoes such steps after the command that made them has ended).
    public static func verifyWritten(_ step: PlannedStep) throws {
        guard case .writeServiceFile(let file, _, let result) = step.action else { return }
        guard FileDigest.sha256(try AtomicFile.read(file)) == result else {
            throw HostError(.verification, "\(file) re-read after writing is not what was written", hint: "something else writes it; stop that and run again")
        }
    }
}
