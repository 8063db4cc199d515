import Foundation

// MARK: - Random pg_hba.conf files and role graphs, from a seed

/// Writes pg_hba.conf files that mix what evaluators get wrong: keywords quoted and not,
/// lists (with and without a blank after the comma), `+group`, `"+grp"` and `+"grp"`,
/// `samerole`/`samegroup`/`sameuser`, `/regex`-looking names (names on PostgreSQL 15),
/// masks with host bits set, a two-column mask with holes, IPv6 ranges, `samehost` and
/// `samenet`, `hostssl`/`hostnossl`, `reject` and `trust`, line continuations, and a
/// comment ending in a backslash that swallows the next line (PostgreSQL 14 and later).
///
/// Each file comes in two variants with the same numbering: the original and a marker
/// variant whose every method is `password` (PostgreSQL names the matched line only when
/// a password login fails).
struct HBAFileGenerator {
    /// A role graph: groups granted to groups (acyclic) and to members.
    struct RoleGraph {
        /// `CREATE ROLE` / `GRANT` statements, in order.
        var statements: [String]
        /// Every role name that exists (and may log in by name in attempts).
        var roles: [String]
    }

    var random: SeededRandom
    let subnet: Int

    static let members = ["m0", "m1", "m2", "m3", "m4", "m5"]
    static let groups = ["g0", "g1", "g2", "g3"]
    /// Names that look like syntax: a role literally named `/^rx`, `+g0`, `all`.
    static let oddRoles = ["/^rx", "rx1", "+g0", "all"]
    static let superuser = "su"
    /// Roles that attempts use but that do not exist.
    static let ghosts = ["ghost"]

    init(seed: UInt64, subnet: Int) {
        random = SeededRandom(seed: seed)
        self.subnet = subnet
    }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    // MARK: Role graph

    mutating func roleGraph() -> RoleGraph {
        func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var statements: [String] = []
        for member in Self.members {
            statements.append("CREATE ROLE \(quoted(member)) LOGIN\(chance(30) ? " NOINHERIT" : "")")
        }
        for group in Self.groups {
            statements.append("CREATE ROLE \(quoted(group)) NOLOGIN\(chance(30) ? " NOINHERIT" : "")")
        }
        for odd in Self.oddRoles { statements.append("CREATE ROLE \(quoted(odd)) LOGIN") }
        // A superuser granted nothing: it must match no +group line.
        statements.append("CREATE ROLE \(quoted(Self.superuser)) LOGIN SUPERUSER")
        // Issue 12's reproduction, always: m1 a direct member of g3, m2 one through g1.
        statements += ["GRANT \"g3\" TO \"m1\"", "GRANT \"g3\" TO \"g1\"", "GRANT \"g1\" TO \"m2\""]
        // Sub-groups: only a higher-numbered group contains a lower one (no cycles).
        for (index, group) in Self.groups.enumerated() where index > 0 {
            for inner in Self.groups[..<index] where chance(35) {
                statements.append("GRANT \(quoted(group)) TO \(quoted(inner))")
            }
        }
        for role in Self.members + ["rx1", "+g0"] {
            for group in Self.groups where chance(30) {
                statements.append("GRANT \(quoted(group)) TO \(quoted(role))")
            }
        }
        return RoleGraph(statements: statements, roles: Self.members + Self.groups + Self.oddRoles + [Self.superuser])
    }

    // MARK: Entries

    static let databaseEntries = [
        "all", "\"all\"", "sameuser", "\"sameuser\"", "samerole", "samegroup", "replication", "\"replication\"",
        "d1", "d2", "\"d1\"", "/^rx", "\"/^rx\"", "rx1", "postgres", "g0", "g1", "g2", "m1", "\"g3\"",
    ]
    static let userEntries = [
        "all", "\"all\"", "m0", "m1", "m2", "m3", "m4", "m5", "g0", "g2", "su", "ghost", "rx1", "/^rx", "\"/^rx\"",
        "+g0", "+g1", "+g2", "+g3", "\"+g0\"", "+\"g1\"", "+m2", "+su", "+g0,+g3",
    ]
    static let methods = ["trust", "reject", "md5", "scram-sha-256", "password"]
    /// The databases attempts ask for (and role names, for sameuser/samerole).
    static let requestedDatabases = ["d1", "d2", "all", "sameuser", "replication", "/^rx", "rx1", "postgres", "g0", "g1", "g2", "g3", "m1", "m3"]

    var addressEntries: [String] {
        let b = subnet
        return [
            "all", "samehost", "samenet", "127.0.0.1/32", "127.0.0.0/8", "10.\(b).1.2/32", "10.\(b).1.77/24", "10.\(b).0.0/16",
            "10.\(b).2.0/25", "10.\(b).2.128/25", "0.0.0.0/0", "::/0", "::1/128", "fd7a:\(b)::/64", "fd7a:\(b)::2/128",
            "fd7a:\(b)::99/64", "10.\(b).1.0 255.255.255.0", "10.0.0.77 255.0.0.255", "127.0.0.1 255.255.255.255",
            "127.9.9.1 255.0.0.255", "10.0.1.2 255.0.255.255",
            "fd7a:\(b):: ffff:ffff:ffff:ffff::",
        ]
    }

    mutating func list(_ pool: [String]) -> String {
        let count = chance(70) ? 1 : Int.random(in: 2...3, using: &random)
        var entries: [String] = []
        for _ in 0..<count { entries.append(pick(pool)) }
        return entries.joined(separator: chance(20) ? ", " : ",")
    }

    // MARK: Files

    /// One record with a method placeholder `{M}`, possibly continued over lines.
    mutating func record() -> String {
        let type = pick(["host", "host", "host", "hostssl", "hostssl", "hostnossl", "hostnossl", "local"])
        var fields = [type, list(Self.databaseEntries), list(Self.userEntries)]
        if type != "local" { fields.append(pick(addressEntries)) }
        fields.append("{M}")
        var text = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { text += chance(12) ? " \\\n    " : pick([" ", "  ", "\t"]) }
            text += field
        }
        if chance(10) { text += "   # trailing comment" }
        return text
    }

    /// The original file and its marker variant (every method `password`), with the
    /// sentinel and admin lines first.
    mutating func file(sentinel: String, admin: String) -> (original: String, marker: String) {
        var lines = ["host \(sentinel) all all reject", admin]
        var methods: [String] = []
        for _ in 0..<Int.random(in: 6...14, using: &random) {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<8: lines.append("# a comment")
            case 8..<12: lines.append("")
            case 12..<18:
                // Continued comment: the next line is part of the comment (PostgreSQL 14+).
                lines.append("# this comment continues \\")
                lines.append(record())
                methods.append(pick(Self.methods))
            default:
                lines.append(record())
                methods.append(pick(Self.methods))
            }
        }
        var original = lines.joined(separator: "\n") + "\n"
        var marker = original
        for method in methods {
            original = original.replacingFirst("{M}", with: method)
            marker = marker.replacingFirst("{M}", with: "password")
        }
        return (original, marker)
    }
}
