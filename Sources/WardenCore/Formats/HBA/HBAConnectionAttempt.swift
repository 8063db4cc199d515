// MARK: - A connection, as pg_hba.conf sees it

/// Everything the server looks at when it picks a `pg_hba.conf` record for a new
/// connection: how it arrived, from where, for which database, as which role.
public struct HBAConnectionAttempt: Sendable, Hashable {
    /// What the connection asks for.
    public enum Target: Sendable, Hashable {
        /// A session on this database. Logical replication connections
        /// (`replication=database`) are matched the same way.
        case database(String)
        /// A physical replication connection (`replication=true`: standbys,
        /// `pg_basebackup`): only the `replication` keyword matches it, never `all`.
        case physicalReplication
    }

    /// What is known of the client's host name, for records that name hosts.
    public enum ClientHostName: Sendable, Hashable {
        /// Not looked up: host name records are undecidable.
        case unknown
        /// Reverse lookup failed or did not confirm: host name records do not match.
        case unresolved
        /// The name reverse DNS gave for the client, confirmed by forward DNS (as the server
        /// requires before a host name record can match).
        case verified(String)
    }

    public var transport: HBATransport
    /// The client's address; nil for local sockets (and unknown for TCP when nil).
    public var clientAddress: IPAddress?
    public var clientHostName: ClientHostName
    public var target: Target
    public var role: String
    /// The roles `role` is a member of, directly or through other roles, for `+group` and
    /// `samerole`: the closure of `pg_auth_members`, whatever INHERIT says (the server asks
    /// `is_member_of_role_nosuper`). The role itself need not be listed. Superuser status
    /// gives no membership, so this is never `pg_has_role(…, 'MEMBER')`.
    public var memberships: Set<String>
    /// Whether the role exists. The server still picks a record for an unknown role (the
    /// login then fails), but such a role is a member of nothing, not even of itself.
    public var roleExists: Bool

    public init(
        transport: HBATransport,
        clientAddress: IPAddress?,
        clientHostName: ClientHostName = .unknown,
        target: Target,
        role: String,
        memberships: Set<String> = [],
        roleExists: Bool = true
    ) {
        self.transport = transport
        self.clientAddress = clientAddress
        self.clientHostName = clientHostName
        self.target = target
        self.role = role
        self.memberships = memberships
        self.roleExists = roleExists
    }

    /// A connection over the Unix-domain socket.
    public static func local(to target: Target, as role: String, memberships: Set<String> = []) -> HBAConnectionAttempt {
        HBAConnectionAttempt(transport: .localSocket, clientAddress: nil, target: target, role: role, memberships: memberships)
    }

    /// A TCP connection from `client`, with or without SSL (no GSSAPI encryption).
    public static func tcp(
        from client: IPAddress, ssl: Bool, to target: Target, as role: String, memberships: Set<String> = []
    ) -> HBAConnectionAttempt {
        HBAConnectionAttempt(
            transport: ssl ? .tcpSSL : .tcpPlain, clientAddress: client, target: target, role: role,
            memberships: memberships)
    }

    /// Whether the role is `group` or a member of it (the server's `is_member`: false when
    /// the role does not exist).
    func isMember(of group: String) -> Bool {
        guard roleExists else { return false }
        return HBANameMatching.same(role, group) || memberships.contains { HBANameMatching.same($0, group) }
    }

    /// The same attempt over another transport (a driver's second try).
    func over(_ transport: HBATransport) -> HBAConnectionAttempt {
        var copy = self
        copy.transport = transport
        return copy
    }
}
