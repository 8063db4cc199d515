// MARK: - A rule of the catalogue

/// One check: a stable ID, what it means, how to fix it, and the pure function that finds
/// its instances in ``SiteFacts``.
///
/// IDs are stable across releases (a rule that is retired keeps its number unused), so CI
/// suppressions and SARIF baselines keep working.
public struct AuditRule: Sendable {
    public var id: String
    public var title: String
    /// The usual severity; an instance may be raised or lowered with its evidence.
    public var severity: Severity
    public var fix: String
    /// The pgwarden command that applies the fix (only commands of DESIGN.md's "A user's day").
    public var command: String?
    /// Sections of the reference page and of the CIS PostgreSQL benchmark.
    public var references: [String]
    /// Why it matters, for `pgwarden audit --explain ID`.
    public var rationale: String
    let check: @Sendable (SiteFacts, AuditRule) -> [Finding]

    public init(
        id: String, title: String, severity: Severity, fix: String, command: String?, references: [String],
        rationale: String, check: @escaping @Sendable (SiteFacts, AuditRule) -> [Finding]
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.fix = fix
        self.command = command
        self.references = references
        self.rationale = rationale
        self.check = check
    }

    /// This rule's instances in `facts`.
    public func evaluate(_ facts: SiteFacts) -> [Finding] { check(facts, self) }

    /// A finding of this rule with its evidence.
    public func finding(_ subject: String, _ evidence: String, at location: FileLocation? = nil, severity: Severity? = nil, fix: String? = nil) -> Finding {
        Finding(
            id: id, severity: severity ?? self.severity, title: title, evidence: evidence, fix: fix ?? self.fix,
            subject: subject, location: location, command: command, references: references)
    }
}
