import WardenCore

// MARK: - Server settings as facts

/// Reads `pg_settings` (every row as text) into ``ServerSetting`` values keyed by name.
public enum SettingsCollector {
    public static func collect(_ session: PostgresSession) async throws(PostgresError) -> [String: ServerSetting] {
        let rows = try await session.rows("SELECT name, setting, unit, context, vartype FROM pg_settings")
        var settings: [String: ServerSetting] = [:]
        for row in rows {
            guard row.count == 5, let name = row[0], let setting = row[1], let context = row[3], let vartype = row[4] else { continue }
            settings[name] = ServerSetting(name: name, setting: setting, unit: row[2], context: context, vartype: vartype)
        }
        return settings
    }
}
