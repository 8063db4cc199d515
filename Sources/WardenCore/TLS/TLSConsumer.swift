// MARK: - The site's consumers, as the TLS planner needs them

/// One connection entry of one service config: who logs in where, from which host, and
/// how its driver speaks TLS.
public struct TLSConsumer: Sendable, Hashable {
    public var service: ServiceSpec
    public var settings: ConnectionSettings
    public var profile: ClientTLSProfile
    /// The address its service node connects from (nil when the node has no IP address).
    public var address: IPAddress?

    /// `repository (nodes/central/Repository.exe.config) entry QSR`: enough to find it.
    public var label: String { "\(service.name) (\(service.file)) entry \(settings.entry)" }

    /// Every database connection entry of `files` (services.conf TLS options are not
    /// connections). Windows-protected files cannot be read and come back in `unreadable`.
    /// - Throws: the parse error of a malformed file (file:line:col): nothing is planned.
    public static func read(_ files: [ServiceFileContents], serviceNodes: [ServiceNode]) throws -> (consumers: [TLSConsumer], unreadable: [ServiceSpec]) {
        var consumers: [TLSConsumer] = []
        var unreadable: [ServiceSpec] = []
        for file in files {
            let config = try ServiceConfig(text: file.text, profile: file.service.profile, file: file.service.file)
            if config.isWindowsProtected {
                unreadable.append(file.service)
                continue
            }
            let address = serviceNodes.first { $0.name == file.service.node }.flatMap { IPAddress($0.address) }
            for settings in try config.allSettings() where settings.supportedFields.contains(.password) {
                consumers.append(TLSConsumer(service: file.service, settings: settings, profile: ClientTLSProfile(settings), address: address))
            }
        }
        return (consumers, unreadable)
    }

    // MARK: Host names in use

    /// Every name a consumer connects to, with who uses it: DNS names (which a certificate
    /// must name for verify-full) and IP literals apart.
    public static func hostsInUse(_ consumers: [TLSConsumer]) -> (names: [(name: String, users: [TLSConsumer])], addresses: [(address: String, users: [TLSConsumer])]) {
        var names: [(String, [TLSConsumer])] = []
        var addresses: [(String, [TLSConsumer])] = []
        for consumer in consumers {
            for host in consumer.settings.hosts {
                let isAddress = IPAddressText.bytes(host.name) != nil
                if isAddress {
                    if let index = addresses.firstIndex(where: { $0.0 == host.name }) { addresses[index].1.append(consumer) } else { addresses.append((host.name, [consumer])) }
                } else {
                    let key = host.name.lowercased()
                    if let index = names.firstIndex(where: { $0.0.lowercased() == key }) { names[index].1.append(consumer) } else { names.append((host.name, [consumer])) }
                }
            }
        }
        return (names.map { (name: $0.0, users: $0.1) }, addresses.map { (address: $0.0, users: $0.1) })
    }
}
