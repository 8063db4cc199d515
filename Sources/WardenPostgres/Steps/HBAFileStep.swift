import Foundation
import WardenCore
import WardenHost
#if canImport(Glibc)
import Glibc
#endif

// MARK: - pg_hba.conf edits, verified and undoable

/// Carries out ``StepAction/editHBAFile(node:file:expectedSHA256:resultSHA256:edits:)``.
///
/// - prepare: refuses a file that is no longer the planned one, applies the edits with
///   ``HBAFile/applying(_:)`` and refuses a result that is not the planned file; keeps the
///   old bytes under `STATE_DIR/backups/pg_hba/SHA256`.
/// - act: writes the file atomically and reloads, waiting until new sessions see the
///   reload. A file that already is the planned result is only reloaded, so a re-run
///   converges.
/// - verify: three checks, because `pg_hba_file_rules` shows the file on disk, not what the
///   server loaded: the file hashes to the planned result, the server reads it without an
///   error, and the server's `pg_conf_load_time()` is later than the file's last write (a
///   reload that never happened, after a crash between rename and reload, fails here).
/// - undo: restores the old bytes (only over what this step wrote) and always reloads, even
///   when the file already holds its old bytes (the reload may be what was missing).
struct HBAFileStep: Sendable {
    let access: SiteAccess

    func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        guard case .editHBAFile(let nodeName, let file, let expected, let result, let edits) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a pg_hba.conf edit")
        }
        let node = try access.node(nodeName)
        let backup = AtomicFile.backupPath(stateDirectory: access.inventory.stateDirectory, kind: "pg_hba", sha256: expected)
        let record = UndoRecord.hbaFile(node: nodeName, file: file, backupPath: backup, previousSHA256: expected, writtenSHA256: result)
        let old = try AtomicFile.read(file)
        let current = FileDigest.sha256(old)
        if current == result { return PreparedStep(undo: record) { try await access.reload(node) } }
        guard current == expected else {
            throw HostError(.verification, "\(file) changed on disk since the plan was made; refused",
                            hint: "run the plan again to see the file as it is now")
        }
        let edited = try HBAFile(bytes: old).applying(edits)
        guard FileDigest.sha256(edited.bytes) == result else {
            throw HostError(.verification, "the edits of \(step.id) do not give the file the plan showed; refused",
                            hint: "run the plan again")
        }
        try AtomicFile.keepBackup(old, at: backup)
        let bytes = edited.bytes
        return PreparedStep(undo: record) {
            guard FileDigest.sha256(try AtomicFile.read(file)) == expected else {
                throw HostError(.verification, "\(file) changed on disk while the run was under way; refused", hint: "stop whatever edits it and run again")
            }
            try AtomicFile.write(bytes, to: file)
            try FaultPoint.reach("hba.before-reload")
            try await access.reload(node)
        }
    }

    func verify(_ step: PlannedStep) async throws {
        guard case .editHBAFile(let nodeName, let file, _, let result, _) = step.action else { return }
        guard FileDigest.sha256(try AtomicFile.read(file)) == result else {
            throw HostError(.verification, "\(file) re-read after writing is not the planned file",
                            hint: "something else edits pg_hba.conf; stop it and apply again")
        }
        let node = try access.node(nodeName)
        try await Self.requireNoErrors(on: node, access: access)
        try await Self.requireLoadedAfterWrite(of: file, on: node, access: access)
    }

    func undo(_ record: UndoRecord) async throws {
        guard case .hbaFile(let nodeName, let file, let backup, let previous, let written) = record else { return }
        try AtomicFile.restore(file, from: backup, previousSHA256: previous, writtenSHA256: written)
        try await access.reload(try access.node(nodeName))
    }

    /// Fails when the server last loaded its configuration before `file` was last written:
    /// the file on disk is then not the rules in force.
    static func requireLoadedAfterWrite(of file: String, on node: DatabaseNode, access: SiteAccess) async throws {
        var info = stat()
        guard stat(file, &info) == 0 else { throw HostError.posix("read the state of", file, errno: errno) }
        let written = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        let loaded = try await access.withSuperuser(on: node) { session in
            try await session.value("SELECT extract(epoch FROM pg_conf_load_time())::text")
        }.flatMap(Double.init)
        guard let loaded, loaded + 0.000_001 >= written else {
            throw HostError(.verification, "\(node.name) has not reloaded since \(file) was written: the rules in force are not the file's",
                            hint: "the reload failed or never ran; undo restores the old file and reloads")
        }
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
