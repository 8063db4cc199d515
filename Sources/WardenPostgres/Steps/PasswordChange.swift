import WardenCore
import WardenHost

// MARK: - Facts in, plan out, for `password set|rotate`

/// The imperative half of `pgwarden password set|rotate`: reads the role and its verifier
/// kind, the copies of its current password (to know where undo can read it again), the
/// inventory's secret reference, the site key and every service config, and hands them to
/// the pure ``PasswordChangePlanner``. Run the plan with a ``SiteStepPerformer`` given the
/// new password (`newPasswords:`): it never enters the plan.
public enum PasswordChange {
    public static func plan(_ request: PasswordChangePlanner.Request, access: SiteAccess, keyFile: SealingKeyFile) async throws -> Plan {
        let inventory = access.inventory
        guard let primary = inventory.primary else {
            throw CoreError(.invalid, "the inventory names no primary database node", hint: "give one database node role: primary")
        }
        let (roles, verifiers) = try await AuthFactsCollector.roles(access, on: primary)
        var ignored: [String] = []
        let copies = AuthFactsCollector.copies(inventory, secrets: access.secrets, keyFile: keyFile, notes: &ignored)
        let previous = KnownPasswords.match(verifiers: verifiers.filter { $0.key == request.role },
                                            copies: copies.copies.filter { $0.role == request.role }).known[request.role]
        let reference = inventory.secrets[request.role]
        var secretFileSHA256: String?
        if case .file(let path)? = reference, AtomicFile.exists(path) {
            secretFileSHA256 = FileDigest.sha256(try AtomicFile.read(path))
        }
        let store = SecretStoreFile.default(stateDirectory: inventory.stateDirectory).path
        let facts = PasswordChangePlanner.Facts(
            site: inventory.site, node: primary.name, role: roles.first { $0.name == request.role }, previousSource: previous,
            inventoryReference: reference, secretFileSHA256: secretFileSHA256,
            storeSHA256: AtomicFile.exists(store) ? FileDigest.sha256(try AtomicFile.read(store)) : nil,
            isSuperuser: request.role == inventory.superuser, keyID: keyFile.exists ? try keyFile.load().id : nil,
            services: try ServiceFleet.read(inventory.services))
        return try PasswordChangePlanner.plan(request, facts)
    }
}
