// MARK: - Which part of the policy a plan covers

/// A part of the site's policy that `pgwarden plan|apply --only SCOPE` can plan alone.
///
/// A full plan takes the scopes in this order, which is the no-lockout order: server
/// settings first, then passwords and pg_hba methods (every verifier SCRAM before a line
/// asks for SCRAM), then TLS (the server offers TLS before any line demands it).
public enum PlanScope: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// `policy.server_settings`: ALTER SYSTEM + reload.
    case settings
    /// Password integrity: password_encryption, SCRAM verifiers, pg_hba methods, stored passwords.
    case auth
    /// Traffic encryption: certificates, ssl settings, hostssl-only pg_hba, the wire proof.
    case tls

    public static func < (lhs: PlanScope, rhs: PlanScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
