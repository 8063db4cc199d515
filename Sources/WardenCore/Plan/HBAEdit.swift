// MARK: - A planned change to one pg_hba.conf

/// One change a plan makes to a pg_hba.conf, in terms of the file as the planner read it.
///
/// Line numbers always refer to the file the plan was made from (its SHA-256 is part of the
/// step), never to a file already changed by an earlier edit of the same step:
/// ``HBAFile/applying(_:)`` works from the bottom of the file up, so no edit moves a line
/// another edit still has to find. Rules travel as their text, the way the file spells
/// them, so a plan and its journal read like the file.
public enum HBAEdit: Sendable, Hashable, Codable {
    /// Inserts the rule `rule` (one pg_hba.conf record as text) before line `beforeLine`,
    /// or after the last line when `beforeLine` is nil.
    case insert(rule: String, beforeLine: Int?)
    /// Comments out the record on `line` under a `# pgwarden: disabled: REASON` marker.
    case disable(line: Int, reason: String)
    /// Sets the method of the record on `line` (options are kept).
    case setMethod(line: Int, method: String)

    /// The line this edit is anchored to; insertions at the end come first, after every line.
    var anchor: Int {
        switch self {
        case .insert(_, let beforeLine): beforeLine ?? Int.max
        case .disable(let line, _), .setMethod(let line, _): line
        }
    }

    /// Among edits anchored to the same line, changes to that line come before insertions
    /// above it (an insertion pushes the line down, and it must still be found).
    var isInsertion: Bool {
        if case .insert = self { return true }
        return false
    }

    /// The diff line a plan shows for this edit.
    public func diffLine(in file: HBAFile) -> String {
        switch self {
        case .insert(let rule, let beforeLine):
            return "+ \(rule)" + (beforeLine.map { "   (before line \($0))" } ?? "   (at the end)")
        case .disable(let line, let reason):
            return "- line \(line): \(file.lines.first { $0.number == line }?.text ?? "?")   (commented out: \(reason))"
        case .setMethod(let line, let method):
            return "~ line \(line): \(file.lines.first { $0.number == line }?.text ?? "?")   (method → \(method))"
        }
    }
}

extension HBAFile {
    /// The file with `edits` applied, bottom-up (see ``HBAEdit``).
    /// - Throws: the first edit the file cannot take (a line that is not a record, a rule that
    ///   would not read back unchanged, an unknown method).
    public func applying(_ edits: [HBAEdit]) throws(CoreError) -> HBAFile {
        let ordered = edits.enumerated().sorted { a, b in
            if a.element.anchor != b.element.anchor { return a.element.anchor > b.element.anchor }
            if a.element.isInsertion != b.element.isInsertion { return !a.element.isInsertion }
            return a.offset < b.offset
        }.map(\.element)
        var file = self
        for edit in ordered {
            switch edit {
            case .insert(let text, let beforeLine):
                let rule = try HBARule(parsing: text)
                try file.insert(rule, at: beforeLine.map { .before(line: $0) } ?? .end)
            case .disable(let line, let reason):
                try file.disableRule(atLine: line, reason: reason)
            case .setMethod(let line, let methodName):
                guard let method = HBARule.Method(rawValue: methodName) else {
                    throw CoreError(.invalid, "'\(methodName)' is not a pg_hba.conf method", hint: "use scram-sha-256, md5, reject, …")
                }
                try file.setMethod(method, forRuleAtLine: line)
            }
        }
        return file
    }
}
