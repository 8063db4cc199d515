import WardenCore

// MARK: - Reading every service file of a site for a plan

/// The imperative half of `pgwarden services plan`: reads each service file the inventory
/// lists (and its hash) and hands them to the pure ``ServiceChangePlanner``.
public enum ServiceFleet {
    /// Reads the files; an unreadable file fails the whole plan (all-or-nothing).
    public static func read(_ services: [ServiceSpec]) throws -> [ServiceFileContents] {
        try services.map { service in
            let bytes = try AtomicFile.read(service.file)
            return ServiceFileContents(service: service, text: try ServiceFileStep.text(bytes, service.file), sha256: FileDigest.sha256(bytes))
        }
    }

    public static func plan(_ inventory: Inventory, request: ServiceChangeRequest, keyFile: SealingKeyFile? = nil) throws -> Plan {
        let keyFile = keyFile ?? .default(stateDirectory: inventory.stateDirectory)
        let keyID: String? = (request.sealPasswords || request.resealPasswords) ? try keyFile.load().id : nil
        return try ServiceChangePlanner.plan(site: inventory.site, files: try read(inventory.services), request: request, currentKeyID: keyID)
    }
}
