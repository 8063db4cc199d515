import WardenCore
import WardenHost

// MARK: - The performer for a whole site

/// Routes each ``StepAction`` to the code that carries it out on this site.
public struct SiteStepPerformer: StepPerformer {
    private let serverParameters: ServerParameterStep
    private let serviceFiles: ServiceFileStep
    private let hbaFiles: HBAFileStep
    private let tlsFiles: TLSFilesStep

    public init(access: SiteAccess, keyFile: SealingKeyFile? = nil) {
        self.serverParameters = ServerParameterStep(access: access)
        self.serviceFiles = ServiceFileStep(stateDirectory: access.inventory.stateDirectory, keyFile: keyFile)
        self.hbaFiles = HBAFileStep(access: access)
        self.tlsFiles = TLSFilesStep(access: access)
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
        }
    }
}
