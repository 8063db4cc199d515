// MARK: - Which host names the services use to reach a node

/// One host name a service connection uses to reach a database node, with what that
/// service would verify the server with.
public struct ServiceHostUse: Sendable, Hashable {
    public var hostName: String
    /// The service (`central/repository`) and its entry (`QSR`).
    public var service: String
    public var entry: String
    public var user: String?
    public var database: String?
    public var sslMode: SSLMode?
    /// The CA file the service names, as written.
    public var rootCertificate: String?
    /// That file, when it is readable on this machine.
    public var rootCertificateFile: String?

    public init(
        hostName: String, service: String, entry: String, user: String? = nil, database: String? = nil, sslMode: SSLMode? = nil,
        rootCertificate: String? = nil, rootCertificateFile: String? = nil
    ) {
        self.hostName = hostName
        self.service = service
        self.entry = entry
        self.user = user
        self.database = database
        self.sslMode = sslMode
        self.rootCertificate = rootCertificate
        self.rootCertificateFile = rootCertificateFile
    }

    /// `central/repository (QSR)`, as evidence names it.
    public var label: String { "\(service) (\(entry))" }

    /// Every (service connection, host) that reaches the node at `host:port`.
    ///
    /// Names cannot be resolved here (an audit talks to loopback and the inventory's nodes
    /// only), so a host reaches the node when its port is the node's and it is the node's
    /// own host (an equal IP address, or the same name), or it is a name that is no node's
    /// host at all: an alias such as `qlikdb.corp` may lead to any node on that port (a
    /// failover moves it), so every such node's certificate must name it. An IP address or
    /// the name of another node reaches only that node.
    public static func uses(reaching host: String, port: Int, nodeHosts: [String], services: [ServiceConfigFacts]) -> [ServiceHostUse] {
        services.flatMap { service in
            service.connections.flatMap { connection in
                connection.hosts.filter { name in
                    connection.port(for: name) == port && reaches(name, host: host, nodeHosts: nodeHosts)
                }.map { name in
                    ServiceHostUse(hostName: name, service: service.name, entry: connection.entry, user: connection.user, database: connection.database,
                                   sslMode: connection.sslMode, rootCertificate: connection.rootCertificate, rootCertificateFile: connection.rootCertificateFile)
                }
            }
        }
    }

    static func reaches(_ name: String, host: String, nodeHosts: [String]) -> Bool {
        if let address = IPAddress(name) { return IPAddress(host) == address }
        if name.lowercased() == host.lowercased() { return true }
        return !nodeHosts.contains { $0.lowercased() == name.lowercased() }
    }
}

extension Array where Element == ServiceHostUse {
    /// The distinct host names, in first-use order (case-insensitively distinct).
    public var hostNames: [String] {
        var seen = Set<String>()
        return map(\.hostName).filter { seen.insert($0.lowercased()).inserted }
    }
}
