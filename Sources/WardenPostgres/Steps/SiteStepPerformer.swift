import WardenCore
import WardenHost

// MARK: - The performer for a whole site

/// Routes each ``StepAction`` to the code that carries it out on this site.
public struct SiteStepPerformer: StepPerformer {
    private let serverParameters: ServerParameterStep
    private let serviceFiles: ServiceFileStep
    private let hbaFiles: HBAFileStep
    private let tlsFiles: TLSFilesStep
    private let consumerLogins: ConsumerLoginStep
    private let tlsProofs: TLSProofStep
    private let rolePasswords: RolePasswordStep
    private let passwordCopies: PasswordCopyStep
    private let storedPasswords: StoredPasswordFileStep
    private let loginProof: LoginProofStep
    /// Opens sealed backups for undo.
    private let vault: BackupVault

    /// - Parameters:
    ///   - keyFile: the site's sealing key (default: the inventory's state directory).
    ///   - newPasswords: role → the new password of this run (`password set|rotate`), in
    ///     memory only; sessions as that role may use it as well as the inventory's copy
    ///     while the change (or its undo) is under way.
    ///   - progress: notes the proof reports (logins that prove nothing from here).
    public init(access: SiteAccess, keyFile: SealingKeyFile? = nil, newPasswords: [String: Secret] = [:],
                progress: @escaping @Sendable (String) -> Void = { _ in }) {
        var access = access
        for (role, password) in newPasswords {
            // While the change or its undo is under way the server holds one of the two.
            access.alternatePasswords[role, default: []] += [password] + [try? access.password(for: role)].compactMap { $0 }
        }
        let keyFile = keyFile ?? .default(stateDirectory: access.inventory.stateDirectory)
        let reader = PasswordSourceReader(inventory: access.inventory, secrets: access.secrets, keyFile: keyFile, thisRun: newPasswords)
        self.serverParameters = ServerParameterStep(access: access)
        self.serviceFiles = ServiceFileStep(stateDirectory: access.inventory.stateDirectory, keyFile: keyFile, newPasswords: newPasswords)
        self.hbaFiles = HBAFileStep(access: access)
        let vault = BackupVault(stateDirectory: access.inventory.stateDirectory, keyFile: keyFile)
        self.vault = vault
        self.tlsFiles = TLSFilesStep(access: access, vault: vault)
        self.consumerLogins = ConsumerLoginStep(access: access, keyFile: keyFile)
        self.tlsProofs = TLSProofStep(access: access, keyFile: keyFile)
        self.rolePasswords = RolePasswordStep(access: access, reader: reader, memory: ReplacedVerifiers())
        self.passwordCopies = PasswordCopyStep(stateDirectory: access.inventory.stateDirectory, keyFile: keyFile, thisRun: newPasswords)
        self.storedPasswords = StoredPasswordFileStep(vault: vault)
        self.loginProof = LoginProofStep(access: access, reader: reader, keyFile: keyFile, progress: progress)
    }

    public func prepare(_ step: PlannedStep) async throws -> PreparedStep {
        switch step.action {
        case .setServerParameter(let node, let name, let value):
            try await serverParameters.prepare(node: node, name: name, value: value)
        case .editServiceFile:
            try await serviceFiles.prepare(step)
        case .editHBAFile:
            try await hbaFiles.prepare(step)
        case .installTLSFiles:
            try await tlsFiles.prepare(step)
        case .checkConsumerLogins:
            .nothing { [consumerLogins] in try await consumerLogins.check(step) }
        case .proveTLS:
            .nothing { [tlsProofs] in try await tlsProofs.check(step) }
        case .rehashPasswords(let node, let roles):
            try await rolePasswords.prepareRehash(node: node, roles: roles)
        case .setRolePassword(let node, let role, let previous):
            try await rolePasswords.prepareSet(node: node, role: role, previous: previous)
        case .writePasswordCopy:
            try passwordCopies.prepare(step)
        case .removeStoredPasswords:
            try storedPasswords.prepare(step)
        case .proveLogins:
            .nothing()
        case .writeServiceFile:
            throw HostError(.verification, "step \(step.id) writes bytes only `pgwarden connstr set` has; run that command again")
        }
    }

    public func verify(_ step: PlannedStep) async throws {
        switch step.action {
        case .setServerParameter(let node, let name, let value):
            try await serverParameters.verify(node: node, name: name, value: value)
        case .editServiceFile:
            try await serviceFiles.verify(step)
        case .editHBAFile:
            try await hbaFiles.verify(step)
        case .installTLSFiles:
            try await tlsFiles.verify(step)
        case .checkConsumerLogins, .proveTLS:
            break  // a check step's act is its verification
        case .rehashPasswords(let node, let roles):
            try await rolePasswords.verify(node: node, roles: roles)
        case .setRolePassword(let node, let role, _):
            try await rolePasswords.verify(node: node, roles: [RolePassword(role: role, source: .thisRun(role: role))])
        case .writePasswordCopy:
            try passwordCopies.verify(step)
        case .removeStoredPasswords:
            try storedPasswords.verify(step)
        case .proveLogins(let node, let roles, let consumers):
            try await loginProof.verify(node: node, roles: roles, consumers: consumers)
        case .writeServiceFile:
            try ServiceFileWriteStep.verifyWritten(step)
        }
    }

    public func undo(_ step: PlannedStep, record: UndoRecord) async throws {
        switch record {
        case .serverParameter:
            try await serverParameters.undo(record)
        case .serviceFile:
            try await serviceFiles.undo(step, record: record)
        case .hbaFile:
            try await hbaFiles.undo(record)
        case .tlsFiles:
            try await tlsFiles.undo(record)
        case .rolePasswords:
            let changed = if case .setRolePassword = step.action { true } else { false }
            try await rolePasswords.undo(record, passwordChanged: changed)
        case .passwordFile(let file, let backup, let previous, let written):
            try AtomicFile.undoWrite(file, backupPath: backup, previousSHA256: previous, writtenSHA256: written, vault: vault)
        case .nothing:
            break
        }
    }
}
