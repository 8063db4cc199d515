import WardenCore
import WardenHost

// MARK: - The apply-time login check before a step that could lock consumers out

/// Carries out ``StepAction/checkConsumerLogins(node:services:reason:)``: logs in as every
/// entry of the named services with the settings of its own file (``ConsumerLoginCheck``)
/// and fails — rolling back what came before — when one cannot get in over TLS. It changes
/// nothing, so undo has nothing to do.
struct ConsumerLoginStep: Sendable {
    let access: SiteAccess
    let keyFile: SealingKeyFile

    func check(_ step: PlannedStep) async throws {
        guard case .checkConsumerLogins(_, let names, _) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a consumer login check")
        }
        let services = try Self.services(named: names, in: access.inventory)
        let logins = await ConsumerLoginCheck.run(services: services, keyFile: keyFile.exists ? keyFile : nil)
        let failed = logins.filter { !$0.ok || $0.overTLS != true }
        guard failed.isEmpty else {
            let list = failed.map { "\($0.service) \($0.entry): \($0.ok ? "logged in without TLS" : $0.problem ?? "cannot log in")" }
            throw HostError(.verification, "not every consumer logs in over TLS now: \(list.joined(separator: "; "))",
                            hint: "make each require SSL (\(TLSPlanner.consumerFix)) and check it can reach the server")
        }
    }

    /// The inventory's services with these names, in the inventory's order.
    static func services(named names: [String], in inventory: Inventory) throws -> [ServiceSpec] {
        let unknown = names.filter { name in !inventory.services.contains { $0.name == name } }
        guard unknown.isEmpty else {
            throw HostError(.verification, "the inventory has no service named \(unknown.joined(separator: ", "))", hint: "the inventory changed since the plan was made; plan again")
        }
        return inventory.services.filter { names.contains($0.name) }
    }
}
