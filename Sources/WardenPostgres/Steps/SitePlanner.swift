import WardenCore

// MARK: - Facts in, plan out

/// Collects the facts a plan needs and hands them to the pure planners.
///
/// This is the imperative half of `pgwarden plan`: it talks to the servers; the decisions
/// are made in WardenCore (``ServerSettingsPlanner``, ``AuthPlanner``, ``TLSPlanner`` and,
/// as they land, the services and replication planners).
public enum SitePlanner {
    /// The plan for `scopes` (every scope when nil), in the no-lockout order of ``PlanScope``.
    public static func plan(_ access: SiteAccess, only scopes: Set<PlanScope>? = nil) async throws -> Plan {
        var steps: [PlannedStep] = []
        var notes: [String] = []
        let scopes = scopes ?? Set(PlanScope.allCases)
        // A pg_hba.conf the server would refuse stops every scope before anything else.
        _ = try await SiteHBAFiles.requireParsable(access)
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
        }
        if scopes.contains(.tls) {
            // Issued certificates are installed first, and the TLS planner plans against
            // what they install. It plans pg_hba.conf as the earlier scopes' steps leave it
            // (auth edits it first), so its SHA-256 check expects the file those steps write.
            let install = try TLSPlanFactsCollector.installSteps(access)
            let input = try await TLSPlanFactsCollector.collect(access, earlierSteps: steps, pendingMaterial: install.material)
            let planned = try TLSPlanner.plan(input)
            steps += install.steps + planned.steps
            notes += planned.notes
        }
        return Plan(site: access.inventory.site, steps: steps, notes: notes)
    }
}
