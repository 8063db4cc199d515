// MARK: - How bad a finding is

/// Five levels, ordered so `>=` means "at least as bad" (`--fail-on high` fails on high
/// and critical).
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case info, low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    public var description: String { rawValue }

    /// SARIF 2.1.0 `level` for a result of this severity.
    public var sarifLevel: String {
        switch self {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    /// GitHub code scanning's `security-severity` (0.0–10.0) for this level.
    public var securityScore: String {
        switch self {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.0"
        }
    }
}
