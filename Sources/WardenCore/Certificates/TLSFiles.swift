// MARK: - The files PostgreSQL reads for TLS

/// The three files a node's server reads for TLS, as pgwarden installs them in its data
/// directory (the names are PostgreSQL's defaults for `ssl_cert_file` and `ssl_key_file`,
/// and the conventional `root.crt` for `ssl_ca_file`).
public enum TLSFileRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// `server.crt`: the node's certificate (`ssl_cert_file`).
    case certificate
    /// `server.key`: its private key (`ssl_key_file`).
    case key
    /// `root.crt`: the site CA (`ssl_ca_file`), for client certificates (`cert` auth).
    case rootCertificate

    /// The file's name in the data directory (and in the state directory's issue folder).
    public var fileName: String {
        switch self {
        case .certificate: "server.crt"
        case .key: "server.key"
        case .rootCertificate: "root.crt"
        }
    }

    /// The server setting that names the file, relative to the data directory.
    public var setting: String {
        switch self {
        case .certificate: "ssl_cert_file"
        case .key: "ssl_key_file"
        case .rootCertificate: "ssl_ca_file"
        }
    }

    /// Permission bits the installed file gets. PostgreSQL refuses a key that its owner's
    /// group or others can read (unless root owns it, then up to 0640), so the key is 0600
    /// and owned by the data directory's owner; certificates are public.
    public var mode: Int {
        self == .key ? 0o600 : 0o644
    }

    /// Whether an installed file's mode is acceptable as it is: the owner can read it, nobody
    /// else can write it, and for the key nobody else can read it either (PostgreSQL's own
    /// check for a key owned by the server's user).
    public func accepts(mode: Int?) -> Bool {
        guard let mode else { return false }
        let othersMayNot = self == .key ? 0o077 : 0o022
        return mode & 0o400 != 0 && mode & othersMayNot == 0
    }
}

/// A user and group id (the data directory's owner, whom installed files belong to).
public struct FileOwner: Sendable, Hashable, Codable, CustomStringConvertible {
    public var uid: UInt32
    public var gid: UInt32

    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "\(uid):\(gid)" }
}

/// What is at one path now: its hash (nil when there is no file), mode and owner.
public struct TLSFileState: Sendable, Hashable, Codable {
    public var path: String
    public var sha256: String?
    /// Permission bits (e.g. 0o600).
    public var mode: Int?
    public var owner: FileOwner?

    public init(path: String, sha256: String?, mode: Int? = nil, owner: FileOwner? = nil) {
        self.path = path
        self.sha256 = sha256
        self.mode = mode
        self.owner = owner
    }

    public var exists: Bool { sha256 != nil }
}

/// One state per ``TLSFileRole``: what is issued for a node (in the state directory) or what
/// its data directory holds.
public struct TLSFileSet: Sendable, Hashable, Codable {
    public var certificate: TLSFileState
    public var key: TLSFileState
    public var rootCertificate: TLSFileState

    public init(certificate: TLSFileState, key: TLSFileState, rootCertificate: TLSFileState) {
        self.certificate = certificate
        self.key = key
        self.rootCertificate = rootCertificate
    }

    public subscript(role: TLSFileRole) -> TLSFileState {
        switch role {
        case .certificate: certificate
        case .key: key
        case .rootCertificate: rootCertificate
        }
    }
}

// MARK: - Where the files live

/// Paths of the issued files (state directory) and the installed ones (data directory).
public enum TLSFileLocations {
    /// The folder a node's issued certificate and key are kept in: `STATE_DIR/tls/nodes/NODE`.
    public static func issueDirectory(node: String, stateDirectory: String) -> String {
        stateDirectory + "/tls/nodes/" + node
    }

    /// The folder a role's client certificate and key are kept in: `STATE_DIR/tls/clients/ROLE`.
    public static func clientDirectory(role: String, stateDirectory: String) -> String {
        stateDirectory + "/tls/clients/" + role
    }

    /// Issued paths per role: the node's certificate and key, and the site CA certificate.
    public static func issued(node: String, inventory: Inventory) -> [TLSFileRole: String] {
        let folder = issueDirectory(node: node, stateDirectory: inventory.stateDirectory)
        return [
            .certificate: folder + "/" + TLSFileRole.certificate.fileName,
            .key: folder + "/" + TLSFileRole.key.fileName,
            .rootCertificate: inventory.tls.caCertificate,
        ]
    }

    /// Installed paths per role, in the node's data directory.
    public static func installed(dataDirectory: String) -> [TLSFileRole: String] {
        Dictionary(uniqueKeysWithValues: TLSFileRole.allCases.map { ($0, dataDirectory + "/" + $0.fileName) })
    }
}
