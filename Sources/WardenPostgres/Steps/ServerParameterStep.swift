import WardenCore
import WardenHost

// MARK: - ALTER SYSTEM, verified and undoable

/// Carries out ``StepAction/setServerParameter(node:name:value:)``.
///
/// - prepare: reads the parameter's postgresql.auto.conf entry (the before-state undo
///   restores) in its own session, before anything changes — never in the session of the
///   ALTER, so a re-run after a crash does not take the new value for the old one.
/// - act: `ALTER SYSTEM SET` and a reload (``SiteAccess/reload(_:timeoutSeconds:)`` waits
///   until new sessions see it).
/// - verify: `pg_settings` in a fresh session.
/// - undo: restores the auto.conf entry (or `ALTER SYSTEM RESET` when there was none),
///   always reloads, and checks the live value in a new session. Idempotent: safe on a
///   step that never acted.
struct ServerParameterStep: Sendable {
    let access: SiteAccess
    /// How long to wait for a reload to be visible before declaring verification failed.
    var reloadWaitSeconds: Double = 5

    func prepare(node nodeName: String, name: String, value: String) async throws -> PreparedStep {
        let node = try access.node(nodeName)
        let previous = try await access.withSuperuser(on: node) { session in
            try await session.value(
                "SELECT setting FROM pg_file_settings WHERE name = $1 AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1",
                [name])
        }
        return PreparedStep(undo: .serverParameter(node: nodeName, name: name, previousAutoConfValue: previous)) {
            try await access.withSuperuser(on: node) { session in
                try await session.execute("ALTER SYSTEM SET \(try SQLQuote.identifier(name)) = \(try SQLQuote.literal(value))")
            }
            try FaultPoint.reach("setting.before-reload")
            try await access.reload(node)
        }
    }

    func verify(node nodeName: String, name: String, value: String) async throws {
        let node = try access.node(nodeName)
        try await waitUntil(node: node, name: name) { $0.matches(value) } orFail: { current in
            "\(nodeName): \(name) is \(current) after reload, expected \(value)"
        }
    }

    func undo(_ record: UndoRecord) async throws {
        guard case .serverParameter(let nodeName, let name, let previous) = record else { return }
        let node = try access.node(nodeName)
        let expected: String? = try await access.withSuperuser(on: node) { session in
            if let previous {
                try await session.execute("ALTER SYSTEM SET \(try SQLQuote.identifier(name)) = \(try SQLQuote.literal(previous))")
            } else {
                try await session.execute("ALTER SYSTEM RESET \(try SQLQuote.identifier(name))")
            }
            if let previous { return previous }
            // With no auto.conf entry the value falls back to postgresql.conf or the default.
            if let fromFile = try await session.value(
                "SELECT setting FROM pg_file_settings WHERE name = $1 AND sourcefile NOT LIKE '%postgresql.auto.conf' AND applied ORDER BY seqno DESC LIMIT 1",
                [name]) {
                return fromFile
            }
            return try await session.value("SELECT boot_val FROM pg_settings WHERE name = $1", [name])
        }
        try await access.reload(node)
        if let expected {
            try await waitUntil(node: node, name: name) { $0.matches(expected) } orFail: { current in
                "\(nodeName): \(name) is \(current) after undo, expected \(expected)"
            }
        }
    }

    /// Polls `pg_settings` in new sessions until `condition` holds or the wait runs out.
    private func waitUntil(node: DatabaseNode, name: String, _ condition: (ServerSetting) -> Bool, orFail message: (String) -> String) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(reloadWaitSeconds * 1000))
        var last = "unknown"
        while true {
            let setting = try await access.withSuperuser(on: node) { session in
                try await SettingsCollector.collect(session)[name]
            }
            guard let setting else {
                throw HostError(.verification, "\(node.name) has no setting named \(name)")
            }
            if condition(setting) { return }
            last = setting.setting
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HostError(.verification, message(last), hint: "check the server log; the value may be rejected or need a restart")
    }
}
