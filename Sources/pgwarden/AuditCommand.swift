import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden audit

/// Read-only findings from the database, the files and the wire, reconciled.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read-only findings from the database, the files and the wire. Changes nothing.",
        discussion: """
        On a node that speaks TLS it also makes verify-full as every service would: to the node's
        address, with the service's host name as server name, trusting the service's own root
        certificate (else the server's ssl_ca_file), then a login as the service's role (TLS-019).
        Exit codes: 0 no finding at or above --fail-on (default: never fail on findings),
        1 a finding at or above it, 2 bad input (inventory, unknown rule ID).
        Examples:
          pgwarden audit
          pgwarden audit --format sarif > pgwarden.sarif
          pgwarden audit --fail-on high
          pgwarden audit --explain TLS-005
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @OptionGroup var inventoryOptions: InventoryOptions
    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: Format = .text
    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 1 when a finding at or above this severity exists (critical, high, medium, low, info).", valueName: "severity"))
    var failOn: Severity?
    @Option(name: .long, help: ArgumentHelp("Print a rule's rationale and fix, then exit.", valueName: "id"))
    var explain: String?
    @Flag(name: .customLong("no-tls-scan"), help: "Skip the cipher-suite scan and the certificate and verify-full checks (SSLRequest and plaintext logins are still probed).")
    var noTLSScan = false

    func run() async throws {
        try await reportingErrors {
            if let explain {
                guard let rule = AuditCatalogue.rule(explain) else {
                    throw CoreError(.notFound, "no audit rule '\(explain)'", hint: "rule IDs: " + AuditCatalogue.rules.map(\.id).joined(separator: ", "))
                }
                Console.out(AuditTextReport.explain(rule))
                return
            }
            let inventory = try inventoryOptions.load()
            let collector = SiteFactsCollector(access: SiteAccess(inventory: inventory), scanTLS: !noTLSScan)
            let facts = await collector.collect { Console.progress($0) }
            let report = AuditReport.audit(facts)
            switch format {
            case .text: Console.out(AuditTextReport.render(report, colour: isatty(STDOUT_FILENO) == 1))
            case .json: try Console.json(report)
            case .sarif: try Console.json(SARIFLog(report: report, toolVersion: WardenCoreVersion.string))
            }
            if let failOn, report.hasFindings(atOrAbove: failOn) { throw ExitCode(1) }
        }
    }
}

extension Severity: ExpressibleByArgument {}
