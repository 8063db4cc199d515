import WardenCore
import WardenHost

// MARK: - pg_hba.conf edits, verified and undoable

/// Carries out ``StepAction/editHBAFile(node:file:expectedSHA256:resultSHA256:edits:)``.
///
/// - apply: refuses a file that is no longer the planned one, applies the edits with
///   ``HBAFile/applying(_:)`` and refuses a result that is not the planned file; writes it
///   atomically (old bytes kept under `STATE_DIR/backups/pg_hba/SHA256`) and reloads, waiting
///   until new sessions see the reload. A file that already is the planned result is left
///   alone, so a re-run converges.
/// - verify: the file still hashes to the planned result and the server reads it without an
///   error (`pg_hba_file_rules`), so the reload really took the new rules.
/// - undo: restores the old bytes (only over what this step wrote) and reloads.
struct HBAFileStep: Sendable {
    let access: SiteAccess

    func apply(_ step: PlannedStep) async throws -> UndoRecord {
        guard case .editHBAFile(let nodeName, let file, let expected, let result, let edits) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a pg_hba.conf edit")
        }
        let node = try access.node(nodeName)
        let backup = AtomicFile.backupPath(stateDirectory: access.inventory.stateDirectory, kind: "pg_hba", sha256: expected)
        let record = UndoRecord.hbaFile(node: nodeName, file: file, backupPath: backup, previousSHA256: expected, writtenSHA256: result)
        let old = try AtomicFile.read(file)
        let current = FileDigest.sha256(old)
        if current == result { return record }
        guard current == expected else {
            throw HostError(.verification, "\(file) changed on disk since the plan was made; refused",
                            hint: "run the plan again to see the file as it is now")
        }
        let edited = try HBAFile(bytes: old).applying(edits)
        guard FileDigest.sha256(edited.bytes) == result else {
            throw HostError(.verification, "the edits of \(step.id) do not give the file the plan showed; refused",
                            hint: "run the plan again")
        }
        try AtomicFile.write(edited.bytes, to: file, backupPath: backup)
        try await access.reload(node)
        return record
    }

    func verify(_ step: PlannedStep) async throws {
        guard case .editHBAFile(let nodeName, let file, _, let result, _) = step.action else { return }
        guard FileDigest.sha256(try AtomicFile.read(file)) == result else {
            throw HostError(.verification, "\(file) re-read after writing is not the planned file",
                            hint: "something else edits pg_hba.conf; stop it and apply again")
        }
        try await Self.requireNoErrors(on: try access.node(nodeName), access: access)
    }

    func undo(_ record: UndoRecord) async throws {
        guard case .hbaFile(let nodeName, let file, let backup, let previous, let written) = record else { return }
        try AtomicFile.restore(file, from: backup, previousSHA256: previous, writtenSHA256: written)
        try await access.reload(try access.node(nodeName))
    }

    /// Fails when the server reports a pg_hba.conf line it cannot read: it would then keep
    /// its old rules on reload, and refuse to start at all.
    static func requireNoErrors(on node: DatabaseNode, access: SiteAccess) async throws {
        let errors = try await access.withSuperuser(on: node) { session in
            try await session.rows("SELECT line_number::text, error FROM pg_hba_file_rules WHERE error IS NOT NULL ORDER BY line_number")
        }
        guard errors.isEmpty else {
            let lines = errors.map { "line \($0[0] ?? "?"): \($0[1] ?? "?")" }.joined(separator: "; ")
            throw HostError(.verification, "\(node.name) cannot read its pg_hba.conf: \(lines)", hint: "the server keeps its old rules; undo restores the old file")
        }
    }
}
