import Foundation
import WardenCore
import WardenHost

// MARK: - What the TLS planner needs, collected

/// Collects the ``TLSPlanInput`` for a site: each node's `pg_settings`, the address
/// pgwarden's own session comes from, its pg_hba.conf (as the plan's earlier steps leave
/// it), the certificate material in its data directory, every service config, and — when
/// the primary already offers TLS and every consumer requires it — a login as each
/// consumer with its own settings.
public enum TLSPlanFactsCollector {
    /// - Parameters:
    ///   - earlierSteps: the steps of the scopes planned before TLS (auth edits pg_hba.conf
    ///     first); the TLS planner plans against the file they leave.
    ///   - pendingMaterial: certificate material an earlier step of the same plan installs
    ///     (by node name), used instead of what the data directory holds now. This is the
    ///     hook for the certificate install step of `pgwarden tls`.
    public static func collect(_ access: SiteAccess, earlierSteps: [PlannedStep] = [], pendingMaterial: [String: ServedCertificate] = [:],
                               keyFile: SealingKeyFile? = nil, now: Date = Date()) async throws -> TLSPlanInput {
        let inventory = access.inventory
        var nodes: [TLSNodeInput] = []
        for node in inventory.databaseNodes where node.role != .fenced {
            nodes.append(try await collect(node, access: access, earlierSteps: earlierSteps, pendingMaterial: pendingMaterial[node.name]))
        }
        let files = try ServiceFleet.read(inventory.services)
        var input = TLSPlanInput(site: inventory.site, superuser: inventory.superuser, replicationRole: inventory.replicationRole,
                                 policy: inventory.policy, nodes: nodes, serviceNodes: inventory.serviceNodes, services: files,
                                 extraHostNames: inventory.primary?.hostNames ?? [], now: now)
        if let primary = nodes.first(where: { $0.node.role == .primary }), primary.settings?["ssl"]?.matches("on") == true,
           let consumers = try? TLSConsumer.read(files, serviceNodes: inventory.serviceNodes),
           consumers.unreadable.isEmpty, !consumers.consumers.isEmpty, consumers.consumers.allSatisfy(\.settings.requiresTLS) {
            let keyFile = keyFile ?? .default(stateDirectory: inventory.stateDirectory)
            input.consumerLogins = await ConsumerLoginCheck.run(services: inventory.services, keyFile: keyFile.exists ? keyFile : nil)
        }
        return input
    }

    /// The steps that install the certificates `pgwarden tls issue|import` left in the state
    /// directory into each node's data directory, and what each node will serve once they
    /// ran (the TLS planner plans against that, not against what is there now).
    public static func installSteps(_ access: SiteAccess) throws -> (steps: [PlannedStep], material: [String: ServedCertificate]) {
        var steps: [PlannedStep] = []
        var material: [String: ServedCertificate] = [:]
        for node in access.inventory.databaseNodes where node.role != .fenced && AtomicFile.exists(node.dataDirectory) {
            guard let step = try TLSFileSurvey.installStep(for: node, inventory: access.inventory) else { continue }
            steps.append(step)
            let issued = TLSFileLocations.issued(node: node.name, inventory: access.inventory)
            let owner = OSAccount.owner(of: node.dataDirectory)
            material[node.name] = ServedCertificate(
                certificatePEM: try AtomicFile.readText(issued[.certificate] ?? ""), caPEM: try AtomicFile.readText(issued[.rootCertificate] ?? ""),
                key: FileFact(purpose: "ssl_key_file", path: node.dataDirectory + "/" + TLSFileRole.key.fileName, exists: true,
                              mode: TLSFileRole.key.mode, owner: owner),
                dataDirectoryOwner: owner)
        }
        return (steps, material)
    }

    static func collect(_ node: DatabaseNode, access: SiteAccess, earlierSteps: [PlannedStep], pendingMaterial: ServedCertificate?) async throws -> TLSNodeInput {
        let seen: (settings: [String: ServerSetting], administrator: String?)
        do {
            seen = try await access.withSuperuser(on: node) { session in
                (try await SettingsCollector.collect(session), try await session.value("SELECT host(inet_client_addr())"))
            }
        } catch {
            return TLSNodeInput(node: node, settings: nil, problem: String(describing: error))
        }
        var input = TLSNodeInput(node: node, settings: seen.settings, administratorAddress: seen.administrator)
        input.material = try pendingMaterial ?? ServedCertificateReader.read(dataDirectory: input.dataDirectory)
        if node.role == .primary, let path = seen.settings["hba_file"]?.setting {
            let file = try HBAFileSnapshot.requireParsable(try AtomicFile.read(path), path: path, node: node.name).file
            input.hba = HBAFileSnapshot(path: path, file: try file.after(earlierSteps, node: node.name, path: path))
        }
        return input
    }
}
