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

    public init(access: SiteAccess, keyFile: SealingKeyFile? = nil) {
        let keyFile = keyFile ?? .default(stateDirectory: access.inventory.stateDirectory)
        self.serverParameters = ServerParameterStep(access: access)
        self.serviceFiles = ServiceFileStep(stateDirectory: access.inventory.stateDirectory, keyFile: keyFile)
        self.hbaFiles = HBAFileStep(access: access)
        self.tlsFiles = TLSFilesStep(access: access)
        self.consumerLogins = ConsumerLoginStep(access: access, keyFile: keyFile)
        self.tlsProofs = TLSProofStep(access: access, keyFile: keyFile)
    }

    public func apply(_ step: PlannedStep) async throws -> UndoRecord {
        switch step.action {
        case .setServerParameter(let node, let name, let value):
            try await serverParameters.apply(node: node, name: name, value: value)
        case .editServiceFile:
            try await serviceFiles.apply(step)
        case .editHBAFile:
            try await hbaFiles.apply(step)
        case .installTLSFiles:
            try await tlsFiles.apply(step)
        case .checkConsumerLogins:
            try await consumerLogins.apply(step)
        case .proveTLS:
            try await tlsProofs.apply(step)
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
            break  // a check step's apply is its verification
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
        case .checked:
            break
        }
    }
}
