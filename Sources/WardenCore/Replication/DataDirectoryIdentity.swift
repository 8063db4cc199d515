import Foundation

// MARK: - Is this directory really that node's data directory?

/// Proves that a node's `data_dir` is the data directory of the server the inventory means,
/// before anything is written into it or any process in it is killed.
///
/// "The directory exists" is not enough: with a wrong `data_dir` (an old cluster, the
/// standby's directory) a fence writes `standby.signal` into the wrong cluster, kills
/// nothing, and the real primary stays writable. So the directory must show:
/// - the system identifier of the server answering on the node's host:port, when it
///   answers, else the site's (every standby of a primary shares it), and
/// - when a `postmaster.pid` exists, the node's port on its fourth line.
///
/// Pure: the I/O shell gathers ``Observed`` and the server's identifier; this judges.
public struct DataDirectoryIdentity: Sendable, Hashable {
    /// What was found on disk.
    public struct Observed: Sendable, Hashable {
        /// The path as the inventory gives it.
        public var path: String
        /// Whether it exists and holds a `PG_VERSION` file.
        public var isDataDirectory: Bool
        /// From pg_controldata; nil when it could not be read.
        public var controlData: ControlData?
        /// Why pg_controldata failed, when it did.
        public var controlDataProblem: String?
        public var pidFile: PIDFile
        /// Another database node of the inventory whose data_dir is the same directory.
        public var sharedWithNode: String?

        public enum PIDFile: Sendable, Hashable {
            case absent
            case unreadable(String)
            case present(PostmasterPIDFile)
        }

        public init(path: String, isDataDirectory: Bool, controlData: ControlData? = nil, controlDataProblem: String? = nil,
                    pidFile: PIDFile = .absent, sharedWithNode: String? = nil) {
            self.path = path
            self.isDataDirectory = isDataDirectory
            self.controlData = controlData
            self.controlDataProblem = controlDataProblem
            self.pidFile = pidFile
            self.sharedWithNode = sharedWithNode
        }
    }

    /// The verdict. Only ``Verdict/verified(systemIdentifier:)`` lets a local fence act.
    public enum Verdict: Sendable, Hashable {
        case verified(systemIdentifier: String)
        /// Not there (or not a data directory): the node is not on this machine.
        case missing(String)
        /// A data directory, but of another cluster or another server.
        case foreign(String)
        /// postmaster.pid exists but cannot be read: whether a server runs here is unknown.
        case pidFileUnreadable(String)
        /// Nothing to compare the identifier with (no node answered).
        case unproven(String)

        public var isVerified: Bool {
            if case .verified = self { true } else { false }
        }

        /// The reason in words, for refusals and reports.
        public var explanation: String {
            switch self {
            case .verified(let id): "data directory verified (system identifier \(id))"
            case .missing(let why), .foreign(let why), .pidFileUnreadable(let why), .unproven(let why): why
            }
        }
    }

    public var node: String
    public var port: Int
    public var observed: Observed
    /// `pg_control_system().system_identifier` from the node itself, when it answered.
    public var serverSystemIdentifier: String?
    /// The same from another node of the site (a standby), and which node said it.
    public var siteSystemIdentifier: Reference?

    /// A system identifier and the node that reported it.
    public struct Reference: Sendable, Hashable {
        public var node: String
        public var identifier: String
        public init(node: String, identifier: String) {
            self.node = node
            self.identifier = identifier
        }
    }

    public init(node: String, port: Int, observed: Observed, serverSystemIdentifier: String?,
                siteSystemIdentifier: Reference?) {
        self.node = node
        self.port = port
        self.observed = observed
        self.serverSystemIdentifier = serverSystemIdentifier
        self.siteSystemIdentifier = siteSystemIdentifier
    }

    public var verdict: Verdict {
        let path = observed.path
        guard observed.isDataDirectory else {
            return .missing("\(node)'s data_dir \(path) does not exist on this machine or holds no PG_VERSION")
        }
        if let other = observed.sharedWithNode {
            return .foreign("\(node)'s data_dir \(path) is also \(other)'s data directory")
        }
        guard let own = observed.controlData?.systemIdentifier else {
            return .foreign("pg_controldata cannot read \(path): \(observed.controlDataProblem ?? "no system identifier in its output")")
        }
        if let server = serverSystemIdentifier {
            guard server == own else {
                return .foreign("\(path) belongs to database system \(own), but \(node) on port \(port) answers as system \(server)")
            }
        } else if let site = siteSystemIdentifier {
            guard site.identifier == own else {
                return .foreign("\(path) belongs to database system \(own), but the site is system \(site.identifier) (reported by \(site.node))")
            }
        } else {
            return .unproven("no node answered to confirm that \(path) (system \(own)) is \(node)'s data directory")
        }
        switch observed.pidFile {
        case .absent:
            break
        case .unreadable(let why):
            return .pidFileUnreadable("\(path)/postmaster.pid cannot be read (\(why)): whether a server runs from it is unknown")
        case .present(let file):
            guard file.port == port else {
                return .foreign("\(path)/postmaster.pid names port \(file.port), but \(node) has port \(port): another server runs from this directory")
            }
        }
        return .verified(systemIdentifier: own)
    }
}
