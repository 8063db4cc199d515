import Foundation
import Testing
@testable import WardenCore

@Suite("Audit report, JSON and SARIF")
struct AuditReportTests {
    @Test("findings are sorted worst first and counted")
    func sortingAndSummary() {
        let report = AuditReport.audit(AuditFixtures.weak)
        #expect(!report.findings.isEmpty)
        let severities = report.findings.map(\.severity)
        #expect(severities == severities.sorted(by: >))
        #expect(report.summary.total == report.findings.count)
        #expect(Severity.allCases.map { report.summary.count($0) }.reduce(0, +) == report.summary.total)
        #expect(report.summary.nodes == 4)
        #expect(report.summary.nodesReached == 2)
        #expect(report.summaryLine.hasPrefix("\(report.summary.total) findings: \(report.summary.critical) critical"))
    }

    @Test("--fail-on compares at or above", arguments: Severity.allCases)
    func failOn(severity: Severity) {
        let single = AuditReport(site: "s", findings: [Finding(id: "LOG-001", severity: .medium, title: "t", evidence: "e", fix: "f", subject: "node db1")])
        #expect(single.hasFindings(atOrAbove: severity) == (severity <= .medium))
        #expect(!AuditReport(site: "s", findings: []).hasFindings(atOrAbove: .info))
    }

    @Test("the JSON schema has findings with id, severity, title, evidence, fix, and a summary")
    func jsonSchema() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(AuditReport.audit(AuditFixtures.weak))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for finding in findings {
            for key in ["id", "severity", "title", "evidence", "fix", "subject", "references"] {
                #expect(finding[key] != nil, "missing \(key)")
            }
            #expect(Severity(rawValue: finding["severity"] as? String ?? "") != nil)
        }
        let summary = try #require(object["summary"] as? [String: Any])
        for key in ["total", "critical", "high", "medium", "low", "info", "nodes", "nodesReached", "services"] {
            #expect(summary[key] is Int, "summary.\(key)")
        }
    }

    @Test("SARIF 2.1.0: rules with ids, results with ruleId, level and locations for file lines")
    func sarif() throws {
        let report = AuditReport.audit(AuditFixtures.weak)
        let data = try JSONEncoder().encode(SARIFLog(report: report, toolVersion: "0.1.0"))
        let log = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "pgwarden")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(ruleIDs == AuditCatalogue.rules.map(\.id))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == report.findings.count)
        var sawRegion = false
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ruleIDs[index] == ruleID)
            #expect(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            #expect((result["message"] as? [String: Any])?["text"] is String)
            for location in result["locations"] as? [[String: Any]] ?? [] {
                let physical = try #require(location["physicalLocation"] as? [String: Any])
                #expect((physical["artifactLocation"] as? [String: Any])?["uri"] is String)
                if let region = physical["region"] as? [String: Any] {
                    sawRegion = true
                    #expect((region["startLine"] as? Int ?? 0) >= 1)
                }
            }
        }
        #expect(sawRegion)
    }

    @Test("SARIF URIs: absolute paths become file URIs, spaces are escaped")
    func sarifURIs() {
        #expect(SARIFLog.Location.uri("/data/pg_hba.conf") == "file:///data/pg_hba.conf")
        #expect(SARIFLog.Location.uri("nodes/central/Exported Certificates/x") == "nodes/central/Exported%20Certificates/x")
    }

    @Test("the text report groups by severity and colours only when asked")
    func textReport() {
        let report = AuditReport.audit(AuditFixtures.weak)
        let plain = AuditTextReport.render(report, colour: false)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("CRITICAL ("))
        #expect(plain.contains(report.summaryLine))
        let critical = plain.range(of: "CRITICAL (")
        let low = plain.range(of: "LOW (")
        #expect(critical != nil && low != nil && critical!.lowerBound < low!.lowerBound)
        #expect(AuditTextReport.render(report, colour: true).contains("\u{1B}["))
        #expect(AuditTextReport.render(AuditReport.audit(AuditFixtures.hardened), colour: false).contains("No findings."))
    }

    @Test("--explain prints rationale, fix, command and references")
    func explain() throws {
        let text = AuditTextReport.explain(try #require(AuditCatalogue.rule("AUTH-003")))
        #expect(text.hasPrefix("AUTH-003: "))
        #expect(text.contains("why:") && text.contains("fix:") && text.contains("pgwarden apply --only auth") && text.contains("Changing from MD5 to SCRAM"))
    }
}
