// MARK: - SARIF 2.1.0 output

/// An audit report as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange
/// Format), for code-scanning dashboards and CI.
///
/// One run; `tool.driver.rules` lists the whole catalogue (so a result's `ruleIndex`
/// points into it and suppressions by ID work); each finding is a result with `ruleId`,
/// `level` (error / warning / note from the severity) and, when the evidence is a line of a
/// file, a physical location with `startLine` (and `startColumn`).
public struct SARIFLog: Sendable, Hashable, Encodable {
    public var schema = "https://json.schemastore.org/sarif-2.1.0.json"
    public var version = "2.1.0"
    public var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case schema = "$schema", version, runs
    }

    public init(report: AuditReport, catalogue: [AuditRule] = AuditCatalogue.rules, toolVersion: String) {
        let rules = catalogue.map(Rule.init)
        let index = Dictionary(uniqueKeysWithValues: catalogue.enumerated().map { ($0.element.id, $0.offset) })
        let results = report.findings.map { finding in
            Result(
                ruleId: finding.id, ruleIndex: index[finding.id], level: finding.severity.sarifLevel,
                message: Message(text: "\(finding.title): \(finding.evidence) (\(finding.subject))"),
                locations: finding.location.flatMap(Location.init).map { [$0] } ?? [],
                properties: ["severity": finding.severity.rawValue, "subject": finding.subject, "fix": finding.fix])
        }
        runs = [Run(tool: Tool(driver: Driver(name: "pgwarden", version: toolVersion, rules: rules)), results: results)]
    }

    // MARK: Objects

    public struct Run: Sendable, Hashable, Encodable {
        public var tool: Tool
        public var results: [Result]
    }

    public struct Tool: Sendable, Hashable, Encodable {
        public var driver: Driver
    }

    public struct Driver: Sendable, Hashable, Encodable {
        public var name: String
        public var version: String
        public var informationUri = "https://github.com/pgwarden/pgwarden"
        public var rules: [Rule]
    }

    public struct Rule: Sendable, Hashable, Encodable {
        public var id: String
        public var name: String
        public var shortDescription: Message
        public var fullDescription: Message
        public var help: Message
        public var defaultConfiguration: Configuration
        public var properties: Properties

        init(_ rule: AuditRule) {
            id = rule.id
            name = Self.pascalCase(rule.title)
            shortDescription = Message(text: rule.title)
            fullDescription = Message(text: rule.rationale)
            var help = "Fix: \(rule.fix)"
            if let command = rule.command { help += "\nCommand: \(command)" }
            if !rule.references.isEmpty { help += "\nReferences: " + rule.references.joined(separator: "; ") }
            self.help = Message(text: help)
            defaultConfiguration = Configuration(level: rule.severity.sarifLevel)
            properties = Properties(securitySeverity: rule.severity.securityScore, tags: ["security", String(rule.id.prefix { $0 != "-" }).lowercased()])
        }

        /// SARIF suggests a PascalCase `name`: "Anonymous suites accepted" → "AnonymousSuitesAccepted".
        static func pascalCase(_ title: String) -> String {
            title.split { !$0.isLetter && !$0.isNumber }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
    }

    public struct Configuration: Sendable, Hashable, Encodable {
        public var level: String
    }

    public struct Properties: Sendable, Hashable, Encodable {
        public var securitySeverity: String
        public var tags: [String]
        enum CodingKeys: String, CodingKey {
            case securitySeverity = "security-severity", tags
        }
    }

    public struct Message: Sendable, Hashable, Encodable {
        public var text: String
    }

    public struct Result: Sendable, Hashable, Encodable {
        public var ruleId: String
        public var ruleIndex: Int?
        public var level: String
        public var message: Message
        public var locations: [Location]
        public var properties: [String: String]
    }

    public struct Location: Sendable, Hashable, Encodable {
        public var physicalLocation: PhysicalLocation

        /// Nil for locations SARIF cannot express (no file).
        init?(_ location: FileLocation) {
            guard !location.file.isEmpty else { return nil }
            var region: Region?
            if let line = location.line, line >= 1 {
                region = Region(startLine: line, startColumn: location.column.flatMap { $0 >= 1 ? $0 : nil })
            }
            physicalLocation = PhysicalLocation(artifactLocation: ArtifactLocation(uri: Self.uri(location.file)), region: region)
        }

        /// Absolute paths become `file://` URIs; relative ones stay relative references.
        static func uri(_ path: String) -> String {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/".unicodeScalars)
            var encoded = ""
            for byte in path.utf8 {
                let scalar = Unicode.Scalar(byte)
                if byte < 0x80, allowed.contains(scalar) { encoded.unicodeScalars.append(scalar) } else {
                    let hex = String(byte, radix: 16, uppercase: true)
                    encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
                }
            }
            return path.hasPrefix("/") ? "file://" + encoded : encoded
        }
    }

    public struct PhysicalLocation: Sendable, Hashable, Encodable {
        public var artifactLocation: ArtifactLocation
        public var region: Region?
    }

    public struct ArtifactLocation: Sendable, Hashable, Encodable {
        public var uri: String
    }

    public struct Region: Sendable, Hashable, Encodable {
        public var startLine: Int
        public var startColumn: Int?
    }
}
