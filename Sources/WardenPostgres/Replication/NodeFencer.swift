import Foundation
import WardenCore
import WardenHost

// MARK: - Observing and fencing one database node

/// The I/O half of fencing: finds out what ``FailoverDecision`` needs to know about a node
/// (is its data directory here, and provably its own?), and carries out a ``FencePlan``.
///
/// The proof of identity compares the directory's system identifier with the one the node
/// itself reports when it answers, else with a standby's (a standby shares its primary's
/// identifier), and postmaster.pid's port with the node's port. A fence that cannot be
/// proven is not attempted: a wrong directory would get the standby.signal while the real
/// server keeps taking writes.
public struct NodeFencer: Sendable {
    /// What was learnt about a node, for the decision and for the fence itself.
    public struct Observation: Sendable {
        public var node: String
        public var identity: DataDirectoryIdentity
        public var hasFenceCommand: Bool

        public var forDecision: FailoverDecision.OldPrimary {
            FailoverDecision.OldPrimary(directory: identity.verdict, hasFenceCommand: hasFenceCommand)
        }

        /// What the local fence must find again right before it acts (nil: not verified).
        public var expectation: InstanceFence.Expectation? {
            guard case .verified(let id) = identity.verdict else { return nil }
            return InstanceFence.Expectation(node: node, systemIdentifier: id, port: identity.port)
        }
    }

    let access: SiteAccess
    let progress: @Sendable (String) -> Void
    /// How long host:port must stay silent after a fence_command (5 s; tests shorten it).
    public var fenceCommandQuietSeconds: Double = 5

    public init(access: SiteAccess, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.access = access
        self.progress = progress
    }

    // MARK: Observe

    /// `node`'s data directory as seen from here, judged against the system identifier of
    /// the node (when `reachable`) or of the first other node that answers.
    public func observe(_ node: DatabaseNode, reachable: Bool) async -> Observation {
        let binaries = try? await PostgresBinaries.locate(explicit: node.binDirectory)
        let real = DataDirectoryInspector.realPath(node.dataDirectory)
        let shared = access.inventory.databaseNodes.first { other in
            other.name != node.name && real != nil && DataDirectoryInspector.realPath(other.dataDirectory) == real
        }?.name
        let observed = await DataDirectoryInspector.observe(node.dataDirectory, binaries: binaries, sharedWithNode: shared)
        let server = reachable ? await systemIdentifier(of: node) : nil
        var site: DataDirectoryIdentity.Reference?
        if server == nil {
            for other in access.inventory.databaseNodes where other.name != node.name {
                if let id = await systemIdentifier(of: other) {
                    site = DataDirectoryIdentity.Reference(node: other.name, identifier: id)
                    break
                }
            }
        }
        let identity = DataDirectoryIdentity(node: node.name, port: node.port, observed: observed, serverSystemIdentifier: server, siteSystemIdentifier: site)
        return Observation(node: node.name, identity: identity, hasFenceCommand: node.fenceCommand != nil)
    }

    /// `pg_control_system().system_identifier` of a node, nil when it does not answer in 1 s.
    public func systemIdentifier(of node: DatabaseNode) async -> String? {
        do {
            var target = try access.target(node: node)
            target.connectTimeout = 1
            return try await PostgresSession.with(target) { try await $0.value("SELECT system_identifier::text FROM pg_control_system()") }
        } catch {
            return nil
        }
    }

    // MARK: Fence

    /// Carries out `plan` on `node`; returns what was done, in words, and the local fence's
    /// report when there was one. Throws when the fence did not complete: the caller must
    /// then not promote anything.
    public func fence(_ node: DatabaseNode, plan: FencePlan, expectation: InstanceFence.Expectation?) async throws -> (String, InstanceFence.Report?) {
        switch plan.method {
        case .instance:
            guard let expectation else {
                throw HostError(.refused, "\(node.name)'s data directory was not verified; it cannot be fenced here", hint: "check data_dir in warden.yaml")
            }
            progress("fence \(node.name): standby.signal, then stop and kill every process of \(node.dataDirectory)")
            let binaries = try await PostgresBinaries.locate(explicit: node.binDirectory)
            let report = try await InstanceFence(dataDirectory: node.dataDirectory, binaries: binaries).fence(expecting: expectation)
            return (report.summary, report)
        case .command:
            guard let command = node.fenceCommand else {
                throw HostError(.refused, "\(node.name) has no fence_command", hint: "add one to warden.yaml")
            }
            progress("fence \(node.name): run its fence_command, then wait until \(node.host):\(node.port) is silent")
            var runner = FenceCommandRunner(command: command)
            runner.quietSeconds = fenceCommandQuietSeconds
            runner.silenceDeadlineSeconds = max(fenceCommandQuietSeconds * 6, 3)
            return (try await runner.fence(node: node.name, host: node.host, port: node.port), nil)
        case .unfenced:
            return ("NOT fenced (--unfenced \(node.name)): it may still run and take writes", nil)
        }
    }
}
