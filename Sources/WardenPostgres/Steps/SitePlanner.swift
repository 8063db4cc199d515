import WardenCore

// MARK: - Facts in, plan out

/// Collects the facts a plan needs and hands them to the pure planners.
///
/// This is the imperative half of `pgwarden plan`: it talks to the servers; the decisions
/// are made in WardenCore (``ServerSettingsPlanner``, ``AuthPlanner`` and, as they land, the
/// TLS, services and replication planners).
public enum SitePlanner {
    /// What the scopes planned so far will have left behind, for the scopes planned after
    /// them in the same plan: each node's pg_hba.conf as the earlier steps will write it.
    ///
    /// A later scope that edits pg_hba.conf (TLS: hostssl-only lines) must plan against
    /// these files, not the ones on disk: its `editHBAFile` step then expects the SHA-256 of
    /// the file the auth step will have written, and its line numbers refer to that file.
    public struct Planned: Sendable {
        /// Node name → its pg_hba.conf after the steps planned so far (nil: not read yet;
        /// read it from disk).
        public var hbaFiles: [String: AuthFacts.HBASnapshot] = [:]
    }

    /// The plan for `scopes` (every scope when nil), in the no-lockout order of ``PlanScope``.
    public static func plan(_ access: SiteAccess, only scopes: Set<PlanScope>? = nil) async throws -> Plan {
        try await planWithResults(access, only: scopes).plan
    }

    /// The plan, and what its steps leave behind (see ``Planned``).
    public static func planWithResults(_ access: SiteAccess, only scopes: Set<PlanScope>? = nil) async throws -> (plan: Plan, after: Planned) {
        var steps: [PlannedStep] = []
        var notes: [String] = []
        var planned = Planned()
        let scopes = scopes ?? Set(PlanScope.allCases)
        if scopes.contains(.settings), let primary = access.inventory.primary, !access.inventory.policy.serverSettings.isEmpty {
            let current = try await access.withSuperuser(on: primary) { session in
                try await SettingsCollector.collect(session)
            }
            let settings = ServerSettingsPlanner.plan(node: primary.name, current: current, wanted: access.inventory.policy.serverSettings)
            steps += settings.steps
            notes += settings.notes
        }
        if scopes.contains(.auth) {
            let auth = AuthPlanner.plan(try await AuthFactsCollector(access: access).collect(), policy: access.inventory.policy)
            // The settings scope may already set password_encryption (policy.server_settings).
            let known = Set(steps.map(\.id))
            steps += auth.steps.filter { !known.contains($0.id) }
            notes += auth.notes
            planned.hbaFiles.merge(auth.hbaFiles) { _, after in after }
        }
        // The TLS scope plugs in here: it plans its pg_hba.conf edits against
        // `planned.hbaFiles[node]` when set (the file as the auth steps leave it), and
        // records its own result there for any scope after it.
        return (Plan(site: access.inventory.site, steps: steps, notes: notes), planned)
    }
}
