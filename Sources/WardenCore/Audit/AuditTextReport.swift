// MARK: - The readable report

/// Renders an audit report for a terminal: grouped by severity (worst first), each finding
/// with its evidence, fix and command, and a summary line. ANSI colour only when asked
/// (the CLI asks only on a TTY).
public enum AuditTextReport {
    public static func render(_ report: AuditReport, colour: Bool) -> String {
        var lines: [String] = ["pgwarden audit of site '\(report.site)'"]
        for severity in Severity.allCases.reversed() {
            let group = report.findings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            lines.append("")
            lines.append(paint("\(severity.rawValue.uppercased()) (\(group.count))", severity, colour: colour, bold: true))
            for finding in group {
                lines.append("  \(paint(finding.id, severity, colour: colour, bold: false))  \(finding.title) — \(finding.subject)")
                lines.append("      evidence: \(finding.evidence)")
                lines.append("      fix:      \(finding.fix)")
                if let command = finding.command { lines.append("      command:  \(command)") }
            }
        }
        lines.append("")
        lines.append(report.findings.isEmpty ? "No findings. " + report.summaryLine : report.summaryLine)
        lines.append("Explain a rule with: pgwarden audit --explain ID")
        return lines.joined(separator: "\n")
    }

    /// `pgwarden audit --explain ID`.
    public static func explain(_ rule: AuditRule) -> String {
        var lines = ["\(rule.id): \(rule.title)", "severity: \(rule.severity.rawValue)", "", "why:", "  \(rule.rationale)", "", "fix:", "  \(rule.fix)"]
        if let command = rule.command { lines += ["", "command:", "  \(command)"] }
        if !rule.references.isEmpty { lines += ["", "references:"] + rule.references.map { "  - \($0)" } }
        return lines.joined(separator: "\n")
    }

    static func paint(_ text: String, _ severity: Severity, colour: Bool, bold: Bool) -> String {
        guard colour else { return text }
        let code: String
        switch severity {
        case .critical: code = "1;35"
        case .high: code = "31"
        case .medium: code = "33"
        case .low: code = "36"
        case .info: code = "37"
        }
        return "\u{1B}[\(bold ? "1;" : "")\(code)m\(text)\u{1B}[0m"
    }
}
