import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden tls rotate [--node NAME] [--force]

struct TLSRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Issue and install a new server certificate where the installed one is due; reload without dropping sessions.",
        discussion: """
        A node is due when its certificate is expired, inside tls.warning_days (30 by default),
        no longer names a host services use, or missing; --force renews anyway. The new files
        are installed as one journaled step per node and the server is reloaded: sessions that
        are open keep their TLS session, new ones get the new certificate (verified on the
        wire). A node whose data directory does not hold what was issued for it (or holds a
        key others can read, which PostgreSQL refuses) gets its files installed too.
        `pgwarden undo` puts the previous files back.
        """)
    @Option(help: ArgumentHelp("Only this database node.", valueName: "name"))
    var node: String?
    @Flag(help: "Renew even when the certificate is not due.")
    var force = false
    @Flag(name: .customLong("ip-san"), help: "Also name addresses in the new certificates (iPAddress SANs).")
    var ipSAN = false
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    struct Decision: Encodable {
        var node: String
        var renew: Bool
        var reason: String
        var certificate: CertificateSummary?
    }

    struct Report: Encodable {
        var decisions: [Decision]
        var install: PlanRunner.Report?
    }

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.loadForChange("tls rotate"))
            let rollout = CertificateRollout(access: access)
            var decisions: [Decision] = []
            var nodes: [DatabaseNode] = []
            for (node, installed, decision) in try rollout.rotationDecisions(for: try TLSNodes.select(self.node, in: access), force: force) {
                // Rotating every node renews what is installed; a node without a certificate
                // gets its first one only when named (tls issue server does the same).
                if installed == nil, self.node == nil {
                    decisions.append(Decision(node: node.name, renew: false, reason: "nothing installed (pgwarden tls issue server --node \(node.name))"))
                    continue
                }
                nodes.append(node)
                guard decision.isRenewal else {
                    decisions.append(Decision(node: node.name, renew: false, reason: decision.description))
                    continue
                }
                let issued = try rollout.issueServer(for: node, includeAddresses: ipSAN)
                decisions.append(Decision(node: node.name, renew: true, reason: decision.description, certificate: issued.summary))
            }
            if output.format == .text {
                for decision in decisions {
                    Console.out("\(decision.node): \(decision.reason)")
                    if let summary = decision.certificate { Console.out("  new: \(TLSText.line(summary, now: rollout.now))") }
                }
            }
            // Every selected node: a renewed certificate, or an issued one not (rightly) installed,
            // e.g. a key whose mode PostgreSQL refuses.
            let (install, exit) = try await TLSInstallation(rollout: rollout, format: output.format).run(nodes)
            let report = Report(decisions: decisions, install: install.outcome == "nothing-to-do" ? nil : install)
            if output.format == .json { try Console.json(report) }
            if let exit { throw exit }
        }
    }
}
