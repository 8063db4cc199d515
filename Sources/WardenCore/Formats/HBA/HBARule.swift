// MARK: - One pg_hba.conf record

/// What one `pg_hba.conf` record says: which connections it applies to (connection type,
/// databases, users, client address) and how they authenticate (method and options).
///
/// Built by parsing a line of a file (`HBAFile`) or directly, to insert or replace a line.
/// Keywords and names are different cases, so a quoted `"all"` (a database named all)
/// never reads as the keyword `all`.
public struct HBARule: Sendable, Hashable {
    // MARK: Connection type

    /// The first column: which kind of connection the record is for.
    public enum ConnectionType: String, Sendable, Hashable, CaseIterable {
        /// Unix-domain socket.
        case local
        /// TCP/IP, encrypted or not.
        case host
        /// TCP/IP with SSL only.
        case hostssl
        /// TCP/IP without SSL only.
        case hostnossl
        /// TCP/IP with GSSAPI encryption only (PostgreSQL 12 and later).
        case hostgssenc
        /// TCP/IP without GSSAPI encryption only (PostgreSQL 12 and later).
        case hostnogssenc

        /// The transports a record of this type applies to.
        public var transports: Set<HBATransport> {
            switch self {
            case .local: [.localSocket]
            case .host: [.tcpPlain, .tcpSSL, .tcpGSSEncrypted]
            case .hostssl: [.tcpSSL]
            case .hostnossl: [.tcpPlain, .tcpGSSEncrypted]
            case .hostgssenc: [.tcpGSSEncrypted]
            case .hostnogssenc: [.tcpPlain, .tcpSSL]
            }
        }
    }

    // MARK: Databases and users

    /// One entry of the database column.
    public enum Database: Sendable, Hashable {
        /// `all`: every database, but not physical replication connections.
        case all
        /// `sameuser`: the database named like the user.
        case sameUser
        /// `samerole` (or its old spelling `samegroup`): a database named like a role the
        /// user is a member of.
        case sameRole
        /// `replication`: physical replication connections (and only those).
        case replication
        /// A database by name, compared exactly (case-sensitive).
        case name(String)
        /// `/regex` (PostgreSQL 16 and later): names matching the regular expression.
        case regex(String)
        /// `@file`: names listed in another file, which pgwarden reports but does not read.
        case file(String)
    }

    /// One entry of the user column.
    public enum User: Sendable, Hashable {
        /// `all`: every role.
        case all
        /// A role by name, compared exactly (case-sensitive).
        case name(String)
        /// `+group`: every role that is a member of `group`, directly or indirectly
        /// (including `group` itself; superuser status does not count).
        case member(of: String)
        /// `/regex` (PostgreSQL 16 and later): role names matching the regular expression.
        case regex(String)
        /// `@file`: names listed in another file, which pgwarden reports but does not read.
        case file(String)
    }

    // MARK: Address

    /// The client address column (absent for `local`).
    public enum Address: Sendable, Hashable, CustomStringConvertible {
        /// `all`: any client address.
        case all
        /// `samehost`: any of the server's own addresses.
        case sameHost
        /// `samenet`: any address in a subnet the server is directly connected to.
        case sameNet
        /// An address range, from CIDR notation or an address and a separate mask column.
        case range(IPAddressRange)
        /// A host name (`db1.example.com`) or, with a leading dot, a domain suffix
        /// (`.example.com`); matched by reverse DNS confirmed by forward DNS.
        case hostName(String)

        public var description: String {
            switch self {
            case .all: "all"
            case .sameHost: "samehost"
            case .sameNet: "samenet"
            case .range(let range): range.description
            case .hostName(let name): name
            }
        }
    }

    // MARK: Method and options

    /// The authentication method column.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case trust
        case reject
        case scramSHA256 = "scram-sha-256"
        case md5
        case password
        case gss
        case sspi
        /// On `local` lines the server treats `ident` as `peer`.
        case ident
        case peer
        case pam
        case ldap
        case radius
        case cert
        case bsd
        /// PostgreSQL 18 and later.
        case oauth
    }

    /// A `name=value` option after the method. Values may be secrets (`ldapbindpasswd`,
    /// `radiussecrets`): pgwarden never puts them in messages.
    public struct Option: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    // MARK: Properties

    public var connectionType: ConnectionType
    public var databases: [Database]
    public var users: [User]
    /// Nil exactly for `local` records.
    public var address: Address?
    public var method: Method
    public var options: [Option]

    public init(
        connectionType: ConnectionType,
        databases: [Database],
        users: [User],
        address: Address?,
        method: Method,
        options: [Option] = []
    ) {
        self.connectionType = connectionType
        self.databases = databases
        self.users = users
        self.address = address
        self.method = method
        self.options = options
    }

    /// Parses one record line, such as `hostssl all all all scram-sha-256`.
    /// - Throws: the same `.parse` errors as a line of a file (positions are in `text`).
    public init(parsing text: String) throws(CoreError) {
        let file = try HBAFile(parsing: text)
        let rules = file.rules
        guard rules.count == 1, let rule = rules.first, file.inclusionDirectives.isEmpty else {
            throw CoreError(
                .parse, "expected exactly one pg_hba.conf record",
                hint: "Give one line such as `hostssl all all 10.0.0.0/8 scram-sha-256`.")
        }
        self = rule.rule
    }

    /// The transports (connection type column) this record applies to.
    public var transports: Set<HBATransport> { connectionType.transports }

    /// The method the server actually uses (`ident` on a `local` line is `peer`).
    public var effectiveMethod: Method {
        connectionType == .local && method == .ident ? .peer : method
    }

    /// The record as one line with single spaces between fields. It contains option values,
    /// which may be secrets: it is file content, not something to log.
    public var text: String { columns.joined(separator: " ") }
}
