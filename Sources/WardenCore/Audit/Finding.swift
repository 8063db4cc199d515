// MARK: - One thing the audit found

/// One problem, with the exact evidence that shows it and how to fix it. The first five
/// fields are the stable JSON schema `pgwarden audit --format json` promises.
public struct Finding: Sendable, Hashable, Codable {
    /// The rule's stable ID, e.g. `AUTH-003`.
    public var id: String
    public var severity: Severity
    public var title: String
    /// What exactly was seen: the line, the role, the setting, the handshake.
    public var evidence: String
    public var fix: String
    /// What the finding is about: `node db1`, `service central/licenses`, `file …`.
    public var subject: String
    /// Where in a file, when the evidence is a line of a file.
    public var location: FileLocation?
    /// The pgwarden command that applies the fix, if one does.
    public var command: String?
    public var references: [String]

    public init(
        id: String, severity: Severity, title: String, evidence: String, fix: String, subject: String,
        location: FileLocation? = nil, command: String? = nil, references: [String] = []
    ) {
        self.id = id
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.fix = fix
        self.subject = subject
        self.location = location
        self.command = command
        self.references = references
    }
}
