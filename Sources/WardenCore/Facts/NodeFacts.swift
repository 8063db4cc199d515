// MARK: - One database node as the audit saw it

/// The facts about one PostgreSQL server: could we get in, what it is set to, who may log
/// in with what verifier, what its pg_hba.conf says as the server parsed it, who is
/// connected how, its key and certificate files, and what it says on the wire.
///
/// Optional collections are nil when they could not be read at all (see `unseen` for why);
/// an empty array means "read, and there were none".
public struct NodeFacts: Sendable, Hashable, Codable {
    public var name: String
    public var host: String
    public var port: Int
    /// `primary`, `standby` or `fenced`, as the inventory records it.
    public var inventoryRole: String
    public var reachability: Reachability
    /// `server_version`, e.g. `15.8 (Debian 15.8-0+deb12u1)`.
    public var serverVersion: String?
    public var serverVersionNumber: Int?
    /// pg_settings rows that matter to an audit, by name.
    public var settings: [String: SettingFact]
    public var roles: [RoleFacts]?
    /// Which catalog the roles came from: `pg_authid` (verifiers seen) or `pg_roles` (not).
    public var rolesSource: String?
    public var hbaRules: [HBARuleFact]?
    /// pg_hba.conf as pgwarden's own lossless parser reads it (when the file is on this
    /// machine), for first-match evaluation and shadowed-line analysis. Only the text is
    /// kept; it is never printed whole (options may hold LDAP/RADIUS secrets).
    public var hbaFile: HBAFileFact?
    public var sessions: [SessionFact]?
    /// The server's key and certificate files (`ssl_key_file`, `ssl_cert_file`).
    public var serverFiles: [FileFact]
    public var wire: WireFacts?
    /// What could not be seen and why, e.g. "pg_authid: permission denied (not a superuser)".
    public var unseen: [String]

    public init(
        name: String, host: String, port: Int, inventoryRole: String = "primary",
        reachability: Reachability = .reached(user: "postgres"), serverVersion: String? = nil,
        serverVersionNumber: Int? = nil, settings: [String: SettingFact] = [:], roles: [RoleFacts]? = nil,
        rolesSource: String? = nil, hbaRules: [HBARuleFact]? = nil, hbaFile: HBAFileFact? = nil, sessions: [SessionFact]? = nil,
        serverFiles: [FileFact] = [], wire: WireFacts? = nil, unseen: [String] = []
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.inventoryRole = inventoryRole
        self.reachability = reachability
        self.serverVersion = serverVersion
        self.serverVersionNumber = serverVersionNumber
        self.settings = settings
        self.roles = roles
        self.rolesSource = rolesSource
        self.hbaRules = hbaRules
        self.hbaFile = hbaFile
        self.sessions = sessions
        self.serverFiles = serverFiles
        self.wire = wire
        self.unseen = unseen
    }

    /// The value of setting `name`, if it was read.
    public func setting(_ name: String) -> String? { settings[name]?.value }

    /// `host:port`, as evidence writes it.
    public var address: String { "\(host):\(port)" }
}

/// Whether the audit could open a session to the node, and if not, why.
public enum Reachability: Sendable, Hashable, Codable {
    /// A session was opened as `user`.
    case reached(user: String)
    /// Nothing answered (refused, timed out, not PostgreSQL): the node's facts are wire-only or empty.
    case unreachable(reason: String)
    /// The server answered but refused the audit's login: wrong password for `user`.
    case wrongPassword(user: String)
    /// The server answered but refused the login for another reason (no pg_hba entry, TLS…).
    case loginRefused(user: String, reason: String)

    public var isReached: Bool {
        if case .reached = self { return true }
        return false
    }
}

/// One pg_settings row, with where its value came from.
public struct SettingFact: Sendable, Hashable, Codable {
    public var value: String
    public var unit: String?
    /// pg_settings.source: `default`, `configuration file`, `command line`, …
    public var source: String?
    /// The file and line that set it (superusers and pg_read_all_settings only).
    public var sourceFile: String?
    public var sourceLine: Int?

    public init(_ value: String, unit: String? = nil, source: String? = nil, sourceFile: String? = nil, sourceLine: Int? = nil) {
        self.value = value
        self.unit = unit
        self.source = source
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    /// Where the value was set, as a location (nil for defaults).
    public var location: FileLocation? {
        sourceFile.map { FileLocation(file: $0, line: sourceLine) }
    }
}

/// A role as the audit sees it.
public struct RoleFacts: Sendable, Hashable, Codable {
    public var name: String
    public var canLogin: Bool
    public var isSuperuser: Bool
    public var isReplication: Bool
    /// `nil` when the verifier could not be seen (read through pg_roles, not pg_authid).
    public var password: PasswordFact?
    /// Every role this one is a member of, directly or through others: the closure of
    /// `pg_auth_members`, as pg_hba's `+group` and `samerole` use it (INHERIT and superuser
    /// status play no part).
    public var memberOf: Set<String>

    public init(
        name: String, canLogin: Bool = true, isSuperuser: Bool = false, isReplication: Bool = false, password: PasswordFact?,
        memberOf: Set<String> = []
    ) {
        self.name = name
        self.canLogin = canLogin
        self.isSuperuser = isSuperuser
        self.isReplication = isReplication
        self.password = password
        self.memberOf = memberOf
    }
}

/// What kind of password a role has stored (Codable mirror of `RolePasswordKind`).
public enum PasswordFact: Sendable, Hashable, Codable {
    case none
    case md5
    case scram(iterations: Int)
    case plaintext
    case unknown

    public init(_ kind: RolePasswordKind) {
        switch kind {
        case .none: self = .none
        case .md5: self = .md5
        case .scram(let iterations): self = .scram(iterations: iterations)
        case .plaintext: self = .plaintext
        case .unknown: self = .unknown
        }
    }

    public var description: String {
        switch self {
        case .none: "no password (NULL)"
        case .md5: "md5 verifier"
        case .scram(let iterations): "SCRAM-SHA-256 verifier (\(iterations) iterations)"
        case .plaintext: "password stored in clear"
        case .unknown: "damaged verifier"
        }
    }
}

/// One row of `pg_hba_file_rules`: a pg_hba.conf line as the server parsed it.
public struct HBARuleFact: Sendable, Hashable, Codable {
    /// pg_hba_file_rules.file_name (PostgreSQL 15+), else the data directory's pg_hba.conf.
    public var fileName: String?
    public var lineNumber: Int
    /// `local`, `host`, `hostssl`, `hostnossl`, `hostgssenc`, `hostnogssenc`; nil on an error line.
    public var type: String?
    public var databases: [String]
    public var users: [String]
    /// `0.0.0.0`, `127.0.0.1`, `all`, `samehost`, a host name…
    public var address: String?
    public var netmask: String?
    public var method: String?
    public var options: [String]
    /// The server's parse error for this line (the line is then ignored by the server).
    public var error: String?

    public init(
        fileName: String? = nil, lineNumber: Int, type: String?, databases: [String] = ["all"], users: [String] = ["all"],
        address: String? = nil, netmask: String? = nil, method: String?, options: [String] = [], error: String? = nil
    ) {
        self.fileName = fileName
        self.lineNumber = lineNumber
        self.type = type
        self.databases = databases
        self.users = users
        self.address = address
        self.netmask = netmask
        self.method = method
        self.options = options
        self.error = error
    }

    /// A TCP line (host, hostssl, hostnossl, hostgss…).
    public var isHostLine: Bool { type?.hasPrefix("host") ?? false }
    /// A TCP line that admits connections without TLS.
    public var admitsPlaintext: Bool { type == "host" || type == "hostnossl" || type == "hostgssenc" || type == "hostnogssenc" }

    /// The line as pg_hba.conf would spell it (for evidence).
    public var text: String {
        if let error { return "(unparsable: \(error))" }
        var parts = [type ?? "?", databases.joined(separator: ","), users.joined(separator: ",")]
        if isHostLine {
            if let address {
                parts.append(netmask.flatMap(HBARuleFact.prefixLength).map { "\(address)/\($0)" } ?? (netmask.map { "\(address) \($0)" } ?? address))
            }
        }
        parts.append(method ?? "?")
        parts += options
        return parts.joined(separator: " ")
    }

    public var location: FileLocation { FileLocation(file: fileName ?? "pg_hba.conf", line: lineNumber) }

    /// The client range's width as the number of bits that must match (0 = everyone; for a
    /// netmask with holes, its one bits), nil for names and keywords.
    public var prefixLength: Int? {
        guard let address else { return nil }
        if address == "all" { return 0 }
        if let netmask { return Self.prefixLength(netmask) }
        return nil
    }

    /// Counts the leading one bits of a dotted IPv4 or colon IPv6 mask.
    static func prefixLength(_ mask: String) -> Int? {
        if mask.contains(".") {
            let octets = mask.split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4 else { return nil }
            return octets.reduce(0) { $0 + $1.nonzeroBitCount }
        }
        if mask.contains(":") {
            // Expand "ffff:ffff::" style masks: count hex digits' bits group by group.
            var bits = 0
            for group in mask.split(separator: ":", omittingEmptySubsequences: true) {
                guard let value = UInt16(group, radix: 16) else { return nil }
                bits += value.nonzeroBitCount
            }
            return bits
        }
        return nil
    }

    /// Whether the address is the IPv4 or IPv6 loopback (or `samehost`).
    /// A netmask with holes (`127.0.0.1 0.0.0.255`) is judged by the addresses it really
    /// admits, not by its number of one bits.
    public var isLoopbackOnly: Bool {
        guard let address else { return false }
        if address == "samehost" || address == "localhost" { return true }
        guard let range = ClientNetwork(rule: self) else { return false }
        return ClientNetwork.loopback.contains { $0.contains(range) }
    }
}

/// A client session from pg_stat_activity joined with pg_stat_ssl.
public struct SessionFact: Sendable, Hashable, Codable {
    public var pid: Int
    public var user: String?
    public var database: String?
    public var clientAddress: String?
    public var applicationName: String?
    public var ssl: Bool
    /// `TLSv1.3` etc. when `ssl`.
    public var tlsVersion: String?
    public var cipher: String?

    public init(pid: Int, user: String?, database: String?, clientAddress: String?, applicationName: String? = nil, ssl: Bool, tlsVersion: String? = nil, cipher: String? = nil) {
        self.pid = pid
        self.user = user
        self.database = database
        self.clientAddress = clientAddress
        self.applicationName = applicationName
        self.ssl = ssl
        self.tlsVersion = tlsVersion
        self.cipher = cipher
    }
}

/// A file's existence, mode and owner.
public struct FileFact: Sendable, Hashable, Codable {
    /// What the file is, e.g. `ssl_key_file`.
    public var purpose: String
    public var path: String
    public var exists: Bool
    /// Permission bits (e.g. 0o600), nil when the file could not be examined.
    public var mode: Int?
    public var owner: String?
    /// Why it could not be examined.
    public var problem: String?

    public init(purpose: String, path: String, exists: Bool, mode: Int? = nil, owner: String? = nil, problem: String? = nil) {
        self.purpose = purpose
        self.path = path
        self.exists = exists
        self.mode = mode
        self.owner = owner
        self.problem = problem
    }

    /// `0640` style.
    public var modeText: String {
        guard let mode else { return "?" }
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    public var isReadableByOthers: Bool { (mode ?? 0) & 0o004 != 0 }
    public var isReadableByGroup: Bool { (mode ?? 0) & 0o040 != 0 }
    public var isWritableByGroupOrOthers: Bool { (mode ?? 0) & 0o022 != 0 }
}

/// The text of a pg_hba.conf file read from disk.
public struct HBAFileFact: Sendable, Hashable, Codable {
    public var path: String
    public var text: String
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
