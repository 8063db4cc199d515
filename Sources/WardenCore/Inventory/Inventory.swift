// MARK: - The site pgwarden manages

/// Everything pgwarden knows about a site before it looks at it: the database nodes, the
/// service nodes and their config files, where the secrets are, and what the site should
/// look like (the policy). Parsed from `warden.yaml` by ``InventoryParser``.
///
/// Paths are already resolved against the inventory's folder, so the rest of the program
/// never has to know where the inventory lives.
public struct Inventory: Sendable, Hashable {
    public var site: String
    /// The folder `warden.yaml` is in; every relative path was resolved against it.
    public var baseDirectory: String
    /// Where journals and backups go (`state_dir`, default `.pgwarden-state`).
    public var stateDirectory: String
    public var superuser: String
    public var replicationRole: String
    /// Role name → where its password is kept.
    public var secrets: [String: SecretReference]
    public var databaseNodes: [DatabaseNode]
    public var serviceNodes: [ServiceNode]
    public var services: [ServiceSpec]
    /// Files where a password may have been stored for convenience (pgAdmin's "store password").
    public var storedPasswordFiles: [StoredPasswordFile]
    public var policy: Policy
    /// The site's file share and where it is replicated to, if the site names one.
    public var fileShare: FileShare? = nil
    /// The site CA and certificate lifetimes (`tls:`); defaults under the state directory.
    public var tls: CertificateSettings

    public init(
        site: String, baseDirectory: String, stateDirectory: String, superuser: String,
        replicationRole: String, secrets: [String: SecretReference], databaseNodes: [DatabaseNode],
        serviceNodes: [ServiceNode], services: [ServiceSpec], storedPasswordFiles: [StoredPasswordFile],
        policy: Policy
    ) {
        self.site = site
        self.baseDirectory = baseDirectory
        self.stateDirectory = stateDirectory
        self.superuser = superuser
        self.replicationRole = replicationRole
        self.secrets = secrets
        self.databaseNodes = databaseNodes
        self.serviceNodes = serviceNodes
        self.services = services
        self.storedPasswordFiles = storedPasswordFiles
        self.policy = policy
        self.tls = CertificateSettings(stateDirectory: stateDirectory)
    }

    /// The node that currently takes writes, as the inventory records it.
    public var primary: DatabaseNode? { databaseNodes.first { $0.role == .primary } }

    public func databaseNode(named name: String) -> DatabaseNode? {
        databaseNodes.first { $0.name == name }
    }
}

// MARK: - Nodes

/// A PostgreSQL server of the site.
public struct DatabaseNode: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        case primary, standby
        /// Fenced after a failover: pgwarden never starts it as a primary again.
        case fenced
    }

    /// How pgwarden reaches the node's files and processes.
    public enum Access: String, Sendable, Hashable, Codable, CaseIterable {
        /// The data directory is on this machine.
        case local
    }

    public var name: String
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var binDirectory: String?
    public var role: Role
    public var access: Access
    /// Further DNS names services use to reach this node (`host_names:`), besides `host`:
    /// the server certificate names every one of them, so verify-full works whichever a
    /// service dials.
    public var hostNames: [String] = []
    /// How to switch the node off when pgwarden cannot fence it on this machine
    /// (`fence_command:`), e.g. a power-off through IPMI.
    public var fenceCommand: FenceCommand? = nil

    public init(
        name: String, host: String, port: Int, dataDirectory: String, binDirectory: String?,
        role: Role, access: Access
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.binDirectory = binDirectory
        self.role = role
        self.access = access
    }
}

/// A machine that runs services which connect to the database (the central node, rim nodes).
public struct ServiceNode: Sendable, Hashable {
    public var name: String
    /// The address its services connect from; pg_hba rules are narrowed to these.
    public var address: String
    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

// MARK: - Services and stored passwords

/// One service config file on a service node, read and edited through a ``ServiceProfile``.
public struct ServiceSpec: Sendable, Hashable {
    /// Unique within the site; defaults to `NODE/PROFILE`.
    public var name: String
    public var node: String
    public var profile: ServiceProfile
    public var file: String

    public init(name: String, node: String, profile: ServiceProfile, file: String) {
        self.name = name
        self.node = node
        self.profile = profile
        self.file = file
    }
}

/// A pgpass-style file on a node that may hold a stored password.
public struct StoredPasswordFile: Sendable, Hashable {
    public var node: String
    public var file: String
    public init(node: String, file: String) {
        self.node = node
        self.file = file
    }
}

/// A file share that must stay in step with its replica for a failover to be complete.
public struct FileShare: Sendable, Hashable {
    public var path: String
    public var replica: String
    public init(path: String, replica: String) {
        self.path = path
        self.replica = replica
    }
}

// MARK: - Policy

/// What the site should look like. Planners compare it with the observed facts.
public struct Policy: Sendable, Hashable {
    public var passwordEncryption: String
    public var tlsMinimumVersion: String
    /// Networks services may connect from, in CIDR form; pg_hba rules are limited to them.
    public var clientNetworks: [String]
    /// Server parameters the site wants, by name (values as PostgreSQL spells them).
    public var serverSettings: [String: String]

    public init(
        passwordEncryption: String = "scram-sha-256",
        tlsMinimumVersion: String = "TLSv1.2",
        clientNetworks: [String] = [],
        serverSettings: [String: String] = [:]
    ) {
        self.passwordEncryption = passwordEncryption
        self.tlsMinimumVersion = tlsMinimumVersion
        self.clientNetworks = clientNetworks
        self.serverSettings = serverSettings
    }
}
