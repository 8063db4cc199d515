import WardenCore

// MARK: - Who is a member of whom, as pg_hba.conf sees it

/// The closure of `pg_auth_members`: for each role, every role it is a member of directly
/// or through other roles.
///
/// This is what the server's `is_member_of_role_nosuper` answers for `+group` and
/// `samerole` in pg_hba.conf: INHERIT does not matter and a superuser is a member of
/// nothing it was not granted. `pg_has_role(…, 'MEMBER')` would be true for every superuser
/// and `'USAGE'` follows INHERIT, so neither is used. `pg_auth_members` and `pg_roles` are
/// readable by every role, so the audit's read-only transaction needs no privilege for it.
public enum RoleMembershipQuery {
    /// Rows of (member, group) names.
    public static let sql = """
        WITH RECURSIVE m(member, roleid) AS (
            SELECT member, roleid FROM pg_auth_members
            UNION SELECT m.member, a.roleid FROM m JOIN pg_auth_members a ON a.member = m.roleid)
        SELECT r.rolname, g.rolname FROM m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
        """

    /// Runs the query: role name → the roles it is a member of.
    public static func memberships(_ session: PostgresSession) async throws(PostgresError) -> [String: Set<String>] {
        var groups: [String: Set<String>] = [:]
        for row in try await session.rows(sql) where row.count == 2 {
            if let member = row[0], let group = row[1] { groups[member, default: []].insert(group) }
        }
        return groups
    }
}
