import WardenCore

// MARK: - The host names services dial

/// Every host a service config of the inventory uses to reach the database, read through
/// the ``ServiceConfig`` facade: what a server certificate must name.
///
/// A file that cannot be read or parsed does not stop the reading; it is reported in
/// `problems` (with file:line:col), so the caller can say which names may be missing.
public struct ServiceHostNames: Sendable, Hashable {
    /// Distinct hosts (case-insensitive), in the order the files list them.
    public var hosts: [String]
    public var problems: [String]

    public static func read(_ inventory: Inventory) -> ServiceHostNames {
        var hosts: [String] = []
        var seen = Set<String>()
        var problems: [String] = []
        for service in inventory.services {
            do {
                let text = try AtomicFile.readText(service.file)
                let config = try ServiceConfig(text: text, profile: service.profile, file: service.file)
                for settings in try config.allSettings() {
                    for host in settings.hosts.map(\.name) where seen.insert(host.lowercased()).inserted {
                        hosts.append(host)
                    }
                }
            } catch {
                problems.append("\(service.name): \(error)")
            }
        }
        return ServiceHostNames(hosts: hosts, problems: problems)
    }
}
