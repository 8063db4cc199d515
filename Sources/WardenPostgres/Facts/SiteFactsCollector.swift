import Foundation
import WardenCore
import WardenHost

// MARK: - The whole site's facts

/// Collects ``SiteFacts`` for an inventory: the files first (service configs, stored
/// passwords), then every database node, nodes in parallel. An unreachable node or a
/// broken file becomes a fact; collection itself never fails.
public struct SiteFactsCollector: Sendable {
    public var access: SiteAccess
    public var nodes: NodeFactsCollector

    public init(access: SiteAccess, probeTimeout: Duration = .seconds(3), scanTLS: Bool = true) {
        self.access = access
        self.nodes = NodeFactsCollector(access: access, probeTimeout: probeTimeout, scanTLS: scanTLS)
    }

    public func collect(progress: @Sendable (String) -> Void = { _ in }) async -> SiteFacts {
        let inventory = access.inventory
        let policy = inventory.policy
        var facts = SiteFacts(
            site: inventory.site, superuser: inventory.superuser, replicationRole: inventory.replicationRole,
            policy: PolicyFacts(passwordEncryption: policy.passwordEncryption, tlsMinimumVersion: policy.tlsMinimumVersion, clientNetworks: policy.clientNetworks,
                                certificateWarningDays: inventory.tls.warningDays),
            serviceNodeAddresses: Dictionary(inventory.serviceNodes.map { ($0.name, $0.address) }, uniquingKeysWith: { first, _ in first }),
            observedAt: Date())
        progress("reading \(inventory.services.count) service config(s) and \(inventory.storedPasswordFiles.count) stored-password file(s)")
        facts.services = FileFactsCollector.services(of: inventory)
        facts.storedPasswordFiles = FileFactsCollector.storedPasswordFiles(of: inventory)

        let roles = Self.probeRoles(facts)
        let services = facts.services
        let nodeHosts = inventory.databaseNodes.map(\.host)
        let collector = nodes
        progress("examining \(inventory.databaseNodes.count) database node(s): settings, roles, pg_hba, sessions, wire")
        facts.nodes = await withTaskGroup(of: (Int, NodeFacts).self) { group in
            for (index, node) in inventory.databaseNodes.enumerated() {
                let uses = ServiceHostUse.uses(reaching: node.host, port: node.port, nodeHosts: nodeHosts, services: services)
                group.addTask { (index, await collector.collect(node, roles: roles, hostUses: uses)) }
            }
            var collected: [(Int, NodeFacts)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return facts
    }

    /// Each role the site uses, with a database it uses it for (services' first, else `postgres`).
    static func probeRoles(_ facts: SiteFacts) -> [(user: String, database: String)] {
        facts.rolesInUse.map { user in
            let database = facts.services.lazy.flatMap(\.connections).first { $0.user == user && $0.database != nil }?.database
            return (user, database ?? "postgres")
        }
    }
}
