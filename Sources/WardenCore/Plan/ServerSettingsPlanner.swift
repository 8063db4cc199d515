// MARK: - Server settings the policy asks for

/// Plans `ALTER SYSTEM` steps for every server setting in the policy whose current value differs.
///
/// Settings whose context is `postmaster` need a restart; they are not planned here but
/// listed in the plan's notes, so a plan never restarts a server behind the user's back.
public enum ServerSettingsPlanner {
    public static func plan(node: String, current: [String: ServerSetting], wanted: [String: String]) -> (steps: [PlannedStep], notes: [String]) {
        var steps: [PlannedStep] = []
        var notes: [String] = []
        for name in wanted.keys.sorted() {
            guard let want = wanted[name] else { continue }
            guard let setting = current[name.lowercased()] else {
                notes.append("\(node): \(name) is not a setting this server knows; not planned")
                continue
            }
            if setting.matches(want) { continue }
            if setting.context == "postmaster" || setting.context == "internal" {
                notes.append("\(node): \(name) = \(want) needs a server restart (context \(setting.context)); not planned")
                continue
            }
            steps.append(step(node: node, setting: setting, value: want, reason: "policy.server_settings.\(name)"))
        }
        return (steps, notes)
    }

    /// The `ALTER SYSTEM` + reload step that sets `setting` to `value` on `node`.
    public static func step(node: String, setting: ServerSetting, value: String, reason: String) -> PlannedStep {
        PlannedStep(
            id: "\(node)/setting/\(setting.name)",
            title: "\(node): set \(setting.name) to \(value) (now \(setting.displayValue.isEmpty ? "''" : setting.displayValue))",
            reason: reason,
            diff: ["- \(setting.name) = \(setting.displayValue)", "+ \(setting.name) = \(value)"],
            action: .setServerParameter(node: node, name: setting.name, value: value)
        )
    }
}

/// One row of `pg_settings`, as collected from a server.
public struct ServerSetting: Sendable, Hashable, Codable {
    public var name: String
    public var setting: String
    public var unit: String?
    public var context: String
    public var vartype: String

    public init(name: String, setting: String, unit: String?, context: String, vartype: String) {
        self.name = name
        self.setting = setting
        self.unit = unit
        self.context = context
        self.vartype = vartype
    }

    /// The value with its unit, as SHOW would put it for simple cases.
    public var displayValue: String {
        if let unit, !unit.isEmpty { return "\(setting) (\(unit))" }
        return setting
    }

    /// Whether `wanted` (as a user writes it) means the current value.
    ///
    /// Booleans accept PostgreSQL's spellings (on/off/true/false/yes/no/1/0); other values
    /// compare case-insensitively, which is how the server treats enum settings.
    public func matches(_ wanted: String) -> Bool {
        if vartype == "bool", let a = Self.boolean(setting), let b = Self.boolean(wanted) { return a == b }
        return setting.lowercased() == wanted.lowercased()
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1", "t", "y": true
        case "off", "false", "no", "0", "f", "n": false
        default: nil
        }
    }
}
