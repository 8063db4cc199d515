// MARK: - Which names a node's server certificate must carry

/// The names a node's certificate needs so that every service can verify it (verify-full):
/// the node's host (when it is a DNS name), its `host_names:`, and every host name the
/// service configs dial that leads to this node.
///
/// A service host leads to a node when it is that node's `host` or one of its `host_names`;
/// a name that no node claims is taken to reach the primary (services use "the database",
/// and pgwarden repoints them at failover), so the primary's certificate carries it.
///
/// Addresses are different: NIOSSL (and other clients) accept a certificate whose IP SAN
/// matches the dialled address even when the name a client checks does not match, so an IP
/// SAN widens what the certificate vouches for. They go in only when asked for
/// (`--ip-san`); otherwise the addresses services dial are listed in `addressesLeftOut` so
/// the user learns that those services cannot use verify-full until they dial a name.
public struct ServerCertificateNames: Sendable, Hashable, Codable {
    /// The subject CN: the node's host name (its first DNS name that fits a CN's 64
    /// characters), else the node's name.
    public var commonName: String
    /// dNSName SANs, in order: host, host_names, then names the services use.
    public var dnsNames: [String]
    /// iPAddress SANs (only with `includeAddresses`).
    public var ipAddresses: [String]
    /// Addresses services dial that the certificate will not name.
    public var addressesLeftOut: [String]

    public init(commonName: String, dnsNames: [String], ipAddresses: [String] = [], addressesLeftOut: [String] = []) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.addressesLeftOut = addressesLeftOut
    }

    /// The names for `node`. `serviceHosts` are the hosts every service config of the site
    /// dials (any node); `includeAddresses` adds iPAddress SANs for the node's address and
    /// the addresses services use to reach it.
    public static func forNode(_ node: DatabaseNode, in inventory: Inventory, serviceHosts: [String], includeAddresses: Bool = false) -> ServerCertificateNames {
        let reaching = serviceHosts.filter { host in
            guard !host.isEmpty, !host.hasPrefix("/") else { return false }  // socket directories
            if claims(node, host) { return true }
            let claimed = inventory.databaseNodes.contains { claims($0, host) }
            return !claimed && node.role == .primary
        }
        var dns = UniqueNames()
        var addresses = UniqueNames()
        var dialledAddresses = UniqueNames()
        for name in [node.host] + node.hostNames + reaching {
            if IPAddressText.bytes(name) != nil {
                addresses.add(name)
                if reaching.contains(name) { dialledAddresses.add(name) }
            } else {
                dns.add(name)
            }
        }
        return ServerCertificateNames(
            commonName: dns.names.first { $0.utf8.count <= 64 } ?? node.name,
            dnsNames: dns.names,
            ipAddresses: includeAddresses ? addresses.names : [],
            addressesLeftOut: includeAddresses ? [] : dialledAddresses.names
        )
    }

    /// Does `host` name `node` (its host or one of its host_names)?
    static func claims(_ node: DatabaseNode, _ host: String) -> Bool {
        let wanted = CertificateFacts.normalized(host)
        if let address = IPAddressText.bytes(host) { return IPAddressText.bytes(node.host) == address }
        return ([node.host] + node.hostNames).contains { CertificateFacts.normalized($0) == wanted }
    }

    /// Case-insensitive de-duplication that keeps the first spelling and the order.
    struct UniqueNames {
        private(set) var names: [String] = []
        private var seen: Set<String> = []
        mutating func add(_ name: String) {
            let key = IPAddressText.bytes(name).map { IPAddressText.text($0) } ?? CertificateFacts.normalized(name)
            if seen.insert(key).inserted { names.append(name) }
        }
    }
}
