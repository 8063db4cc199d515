import Foundation
import WardenCore

// MARK: - Editing a service file, verified and undoable

/// Carries out ``StepAction/editServiceFile(service:file:profile:expectedSHA256:edits:)``.
///
/// - prepare: refuses a file whose SHA-256 is not the planned one (changed on disk since the
///   plan); applies the edits through ``ServiceConfig`` (sealing with the site key at this
///   moment, so the exact new bytes and their hash are in the intent); keeps the old bytes
///   durably in a content-addressed backup `STATE_DIR/backups/services/SHA256` (owner-only).
/// - act: checks the file is still the old one and writes the new bytes atomically.
/// - verify: re-reads and re-parses the file and checks every edit holds.
/// - undo: restores the backup's exact bytes when the file holds what this step wrote,
///   does nothing when it holds the old bytes (the step never acted), refuses otherwise.
public struct ServiceFileStep: StepPerformer {
    public let stateDirectory: String
    public let keyFile: SealingKeyFile
    /// Role → the new password of this run, for ``ServiceEdit/setNewPassword(entry:role:)``.
    public let newPasswords: [String: Secret]
    /// Test hook passed to ``AtomicFile/write(_:to:mode:backupPath:owner:beforeRename:)``.
    let beforeRename: AtomicFile.BeforeRename?

    public init(stateDirectory: String, keyFile: SealingKeyFile? = nil, newPasswords: [String: Secret] = [:], beforeRename: AtomicFile.BeforeRename? = nil) {
        self.stateDirectory = stateDirectory
        self.keyFile = keyFile ?? .default(stateDirectory: stateDirectory)
        self.newPasswords = newPasswords
        self.beforeRename = beforeRename
    }

    public func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        guard case .editServiceFile(_, let file, let profileName, let expected, let edits) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a service file edit")
        }
        let old = try AtomicFile.read(file)
        let oldHash = FileDigest.sha256(old)
        guard oldHash == expected else {
            throw HostError(.verification, "\(file) changed on disk since the plan was made; refused",
                            hint: "run the plan again to see the file as it is now")
        }
        var config = try ServiceConfig(text: try Self.text(old, file), profile: try Self.profile(profileName), file: file)
        let needsKey = edits.contains { if case .set = $0 { false } else { true } }
        let key = needsKey ? try keyFile.load() : nil
        let retired = edits.contains { if case .resealPassword = $0 { true } else { false } } ? try keyFile.retiredKeys() : []
        try config.apply(edits, key: key, retiredKeys: retired, newPasswords: newPasswords)
        let new = Array(config.render().utf8)
        guard new != old else { return .nothing() }
        let backup = backupPath(for: oldHash)
        try vault.keep(old, at: backup)
        let record = UndoRecord.serviceFile(file: file, backupPath: backup, previousSHA256: oldHash, writtenSHA256: FileDigest.sha256(new))
        return PreparedStep(undo: record) { [beforeRename] in
            guard FileDigest.sha256(try AtomicFile.read(file)) == oldHash else {
                throw HostError(.verification, "\(file) changed on disk while the run was under way; refused", hint: "stop whatever edits it and run again")
            }
            try AtomicFile.write(new, to: file, beforeRename: beforeRename)
        }
    }

    public func verify(_ step: PlannedStep) async throws {
        guard case .editServiceFile(_, let file, let profileName, _, let edits) = step.action else { return }
        let bytes = try AtomicFile.read(file)
        let config = try ServiceConfig(text: try Self.text(bytes, file), profile: try Self.profile(profileName), file: file)
        let needsKey = edits.contains { if case .set = $0 { false } else { true } }
        let unmet = config.unmetEdits(edits, key: needsKey ? try keyFile.load() : nil, newPasswords: newPasswords)
        guard unmet.isEmpty else {
            throw HostError(.verification, "\(file) re-read after writing: \(unmet.joined(separator: "; "))",
                            hint: "something else edits this file; stop it and apply again")
        }
    }

    public func undo(_ step: PlannedStep, record: UndoRecord) async throws {
        guard case .serviceFile(let file, let backup, let previous, let written) = record else { return }
        try AtomicFile.restore(file, from: backup, previousSHA256: previous, writtenSHA256: written, vault: vault)
    }

    // MARK: Helpers

    /// Backups of service files (this step's and `connstr set`'s) go to `STATE_DIR/backups/services/`.
    public static let backupKind = "services"

    /// Old bytes of service files hold passwords: sealed when the site has a key.
    var vault: BackupVault { BackupVault(stateDirectory: stateDirectory, keyFile: keyFile) }

    func backupPath(for hash: String) -> String {
        vault.path(kind: Self.backupKind, sha256: hash)
    }

    static func text(_ bytes: [UInt8], _ file: String) throws(HostError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HostError(.io, "\(file) is not UTF-8 text", hint: "pgwarden edits UTF-8 files only")
        }
        return text
    }

    static func profile(_ name: String) throws -> ServiceProfile {
        guard let profile = ServiceProfile.named(name) else {
            throw CoreError(.notFound, "no service profile named '\(name)'", hint: "profiles: \(ServiceProfile.builtIn.map(\.name).joined(separator: ", "))")
        }
        return profile
    }
}
