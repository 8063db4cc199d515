import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Errors as the user sees them

/// Prints `error: …` and `hint: …` to stderr and picks the exit code:
/// 2 for bad input (a file, a value, a reference), 1 otherwise.
enum ErrorReporting {
    static func exitCode(for error: any Error) -> ExitCode {
        let (message, hint, code) = describe(error)
        Console.progress("error: \(message)")
        if let hint { Console.progress("hint: \(hint)") }
        return ExitCode(code)
    }

    static func describe(_ error: any Error) -> (String, String?, Int32) {
        switch error {
        case let error as CoreError: (error.description, error.hint, 2)
        case let error as HostError: (error.message, error.hint, exitCode(of: error.kind))
        case let error as PostgresError: (error.message, error.hint, 1)
        case let error as LabError: (error.message, error.hint, 2)
        default: (String(describing: error), nil, 1)
        }
    }

    /// 2 bad input or refused before acting, 3 failed and rolled back, 4 failed and not.
    static func exitCode(of kind: HostError.Kind) -> Int32 {
        switch kind {
        case .secret, .io, .refused, .busy: 2
        case .rolledBack: 3
        case .notRolledBack: 4
        case .permission, .process, .journal, .verification, .timeout: 1
        }
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning our errors into messages and exit codes.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            throw ErrorReporting.exitCode(for: error)
        }
    }
}
