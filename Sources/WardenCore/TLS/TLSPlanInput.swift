import Foundation

// MARK: - What the TLS planner is given

/// Everything ``TLSPlanner`` decides from, as plain values collected by the shell (or made
/// by hand in tests). The planner reads no file and opens no session.
public struct TLSPlanInput: Sendable, Hashable {
    public var site: String
    public var superuser: String
    public var replicationRole: String
    public var policy: Policy
    /// Every database node of the inventory, as seen now.
    public var nodes: [TLSNodeInput]
    public var serviceNodes: [ServiceNode]
    /// Every service config file of the inventory, as read now.
    public var services: [ServiceFileContents]
    /// Logins as every consumer with its own settings, made while planning; nil when they
    /// were not tried (the server does not offer TLS yet, or a consumer does not require it).
    public var consumerLogins: [ConsumerLogin]?
    /// Names clients use for the database besides those in service configs (the
    /// inventory's `host_names:`), which the certificate must also cover.
    public var extraHostNames: [String]
    /// Certificates are judged valid or expired at this moment.
    public var now: Date

    public init(site: String, superuser: String, replicationRole: String, policy: Policy, nodes: [TLSNodeInput],
                serviceNodes: [ServiceNode], services: [ServiceFileContents], consumerLogins: [ConsumerLogin]? = nil,
                extraHostNames: [String] = [], now: Date) {
        self.site = site
        self.superuser = superuser
        self.replicationRole = replicationRole
        self.policy = policy
        self.nodes = nodes
        self.serviceNodes = serviceNodes
        self.services = services
        self.consumerLogins = consumerLogins
        self.extraHostNames = extraHostNames
        self.now = now
    }
}

/// One database node as the TLS planner sees it.
public struct TLSNodeInput: Sendable, Hashable {
    public var node: DatabaseNode
    /// `pg_settings` by lower-case name; nil when the node could not be reached.
    public var settings: [String: ServerSetting]?
    /// Why the node could not be reached (when `settings` is nil).
    public var problem: String?
    /// The certificate material the node will serve: what is in its data directory, or
    /// what an earlier step of the same plan installs there. Nil when there is none.
    public var material: ServedCertificate?
    /// The node's pg_hba.conf as the earlier scopes of the plan leave it (primary only).
    public var hba: HBAFileSnapshot?
    /// The address pgwarden's own sessions come from (`inet_client_addr()`), so the
    /// hostssl-only file never locks pgwarden itself out.
    public var administratorAddress: String?

    public init(node: DatabaseNode, settings: [String: ServerSetting]?, problem: String? = nil, material: ServedCertificate? = nil,
                hba: HBAFileSnapshot? = nil, administratorAddress: String? = nil) {
        self.node = node
        self.settings = settings
        self.problem = problem
        self.material = material
        self.hba = hba
        self.administratorAddress = administratorAddress
    }

    /// The data directory the server reports, else the inventory's.
    public var dataDirectory: String {
        settings?["data_directory"]?.setting ?? node.dataDirectory
    }
}

// MARK: - Certificate material

/// The certificate, key and CA a node serves, named relative to its data directory (so a
/// standby made by pg_basebackup, which copies the files, serves its own copies).
public struct ServedCertificate: Sendable, Hashable {
    /// `ssl_cert_file`, e.g. `server.crt`.
    public var certificateFile: String
    /// `ssl_key_file`, e.g. `server.key`.
    public var keyFile: String
    /// `ssl_ca_file`, e.g. `root.crt`; nil when there is no CA file.
    public var caFile: String?
    /// The certificate chain (PEM), leaf first.
    public var certificatePEM: String
    /// The CA certificate(s) (PEM), when there is a CA file.
    public var caPEM: String?
    /// The key file's existence, mode and owner (its contents are never read).
    public var key: FileFact
    /// The OS user that owns the data directory, who must own the key.
    public var dataDirectoryOwner: String?

    public init(certificateFile: String = "server.crt", keyFile: String = "server.key", caFile: String? = "root.crt",
                certificatePEM: String, caPEM: String?, key: FileFact, dataDirectoryOwner: String?) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.caFile = caFile
        self.certificatePEM = certificatePEM
        self.caPEM = caPEM
        self.key = key
        self.dataDirectoryOwner = dataDirectoryOwner
    }
}

// MARK: - A consumer's login

/// The result of logging in as one service entry with the settings of its config file.
public struct ConsumerLogin: Sendable, Hashable, Codable {
    public var service: String
    public var entry: String
    /// `user@host:port/database`.
    public var target: String
    public var ok: Bool
    public var problem: String?
    /// Whether the session that got in was encrypted (nil when it did not get in).
    public var overTLS: Bool?
    /// The entry requires TLS and the server offers none: the login failed before any
    /// password was asked, so it says nothing about passwords or pg_hba methods.
    public var tlsUnavailable = false

    public init(service: String, entry: String, target: String, ok: Bool, problem: String? = nil, overTLS: Bool? = nil) {
        self.service = service
        self.entry = entry
        self.target = target
        self.ok = ok
        self.problem = problem
        self.overTLS = overTLS
    }
}
