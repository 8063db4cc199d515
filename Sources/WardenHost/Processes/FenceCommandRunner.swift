import Foundation
import WardenCore

// MARK: - Fencing a node with its own fence_command

/// Runs a node's `fence_command` (a power-off) and proves it worked.
///
/// A program's exit 0 only says the request was accepted; a power-off through a BMC can
/// take seconds, and a wrong address powers off something else. So the fence counts only
/// when, after the exit 0, host:port stops answering TCP and stays silent for
/// `quietSeconds` in a row.
public struct FenceCommandRunner: Sendable {
    public let command: FenceCommand
    /// How long host:port must stay silent in a row.
    public var quietSeconds: Double = 5
    /// How long to wait, after the command, for host:port to go silent.
    public var silenceDeadlineSeconds: Double = 30

    public init(command: FenceCommand) {
        self.command = command
    }

    /// Runs the command; throws unless it exits 0 and host:port then goes and stays silent.
    /// Returns what happened in words.
    public func fence(node: String, host: String, port: Int) async throws(HostError) -> String {
        guard let program = command.arguments.first else {
            throw HostError(.refused, "\(node)'s fence_command is empty", hint: "give it the program and its arguments")
        }
        let result = try await ProcessRunner().run(program, Array(command.arguments.dropFirst()), timeoutSeconds: command.timeoutSeconds)
        guard result.succeeded else {
            throw HostError(.process, "\(node)'s fence_command exited \(result.status): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines).suffix(300))",
                            hint: "\(node) is NOT fenced; run the command by hand to see why")
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(silenceDeadlineSeconds * 1000))
        var silentSince: ContinuousClock.Instant?
        while true {
            let now = ContinuousClock.now
            if TCPPortCheck.answers(host: host, port: port) {
                silentSince = nil
            } else if let since = silentSince {
                if now - since >= .milliseconds(Int(quietSeconds * 1000)) { break }
            } else {
                silentSince = now
            }
            guard now < deadline || silentSince != nil else {
                throw HostError(.process, "\(node)'s fence_command exited 0, but \(host):\(port) still answers after \(Int(silenceDeadlineSeconds)) s",
                                hint: "\(node) is NOT fenced; check what the command switched off")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return "fence_command exited 0 and \(host):\(port) stayed silent for \(String(format: "%.0f", quietSeconds)) s"
    }
}
