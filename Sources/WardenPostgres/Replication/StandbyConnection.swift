import Foundation
import WardenCore

// MARK: - How a standby reaches its primary

/// The `primary_conninfo` a standby uses. The password is never in it: libpq reads it from
/// an owner-only passfile next to the data directory, so it is not in postgresql.conf,
/// not in `pg_settings`, and not copied by a later base backup of the standby.
struct StandbyConnection: Sendable {
    var primaryHost: String
    var primaryPort: Int
    var user: String
    var passfile: String
    var applicationName: String

    /// libpq keyword/value text, each value single-quoted with `\` and `'` escaped.
    var conninfo: String {
        [("host", primaryHost), ("port", String(primaryPort)), ("user", user), ("passfile", passfile),
         ("application_name", applicationName), ("sslmode", "prefer")]
            .map { "\($0.0)=\(Self.quote($0.1))" }
            .joined(separator: " ")
    }

    /// A pgpass file holding this connection's password for `database` (`replication` for
    /// streaming, `*` for a superuser tool such as pg_rewind), escaped by ``PGPassFile``.
    func passfile(password: Secret, database: PGPassFile.Field = .exactly("replication")) throws -> String {
        var file = PGPassFile(parsing: "")
        try file.append(host: .exactly(primaryHost), port: .exactly(String(primaryPort)), database: database, user: .exactly(user), password: password.revealed)
        return file.render()
    }

    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The slot a standby streams from, named after it (slot names allow [a-z0-9_]).
    static func slotName(for node: String) -> String {
        "pgwarden_" + String(node.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" })
    }
}
