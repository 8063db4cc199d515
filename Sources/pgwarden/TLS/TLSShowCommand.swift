import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden tls show [--node NAME]

struct TLSShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The site CA, and per node what is issued and what is installed, with expiry. Read-only.",
        discussion: """
        Exit code 1 when an installed certificate is expired, inside tls.warning_days or no
        longer names a host services use, when what is installed is not what was issued, or
        when the installed key is not owner-only; `pgwarden tls rotate` fixes all of these.
        """)
    @Option(help: ArgumentHelp("Only this database node.", valueName: "name"))
    var node: String?
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    struct NodeReport: Encodable {
        var node: String
        var issued: CertificateSummary?
        var installed: CertificateSummary?
        /// The data directory holds exactly the issued certificate.
        var installedIsIssued: Bool
        var keyMode: String?
        var keyOwner: String?
        var keyAcceptable: Bool
        /// keep / renew, from `tls rotate`'s rule.
        var rotation: String
    }

    struct Report: Encodable {
        var caCertificate: String
        var ca: CertificateSummary?
        var nodes: [NodeReport]
    }

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.load())
            let rollout = CertificateRollout(access: access)
            let caPath = access.inventory.tls.caCertificate
            let ca = AtomicFile.exists(caPath) ? try CertificateSummary(pem: try AtomicFile.readText(caPath), file: caPath) : nil
            let nodes = try TLSNodes.select(node, in: access)
            let decisions = try rollout.rotationDecisions(for: nodes, force: false)
            let reports = try decisions.map { node, installed, decision in
                let key = FileFactsCollector.fileFact(purpose: "ssl_key_file", path: TLSFileLocations.installed(dataDirectory: node.dataDirectory)[.key] ?? "")
                let issued = try rollout.files.issuedServer(node: node.name)
                return NodeReport(
                    node: node.name, issued: issued, installed: installed,
                    installedIsIssued: issued != nil && issued?.fingerprint == installed?.fingerprint,
                    keyMode: key.exists ? key.modeText : nil, keyOwner: key.owner,
                    keyAcceptable: TLSFileRole.key.accepts(mode: key.mode), rotation: decision.description)
            }
            let report = Report(caCertificate: caPath, ca: ca, nodes: reports)
            let attention = reports.contains { report in
                (report.issued != nil && !report.installedIsIssued)
                    || (report.installed != nil && (!report.keyAcceptable || report.rotation.hasPrefix("renew")))
            }
            if output.format == .json {
                try Console.json(report)
            } else {
                print(report, now: rollout.now)
            }
            if attention {
                if output.format == .text { Console.progress("hint: pgwarden tls rotate renews what is due and installs what is issued with the right owner and mode") }
                throw ExitCode(1)
            }
        }
    }

    private func print(_ report: Report, now: Date) {
        if let ca = report.ca {
            Console.out("Site CA  \(report.caCertificate)\n  \(ca.certificate.subject); \(TLSText.line(ca, now: now))")
        } else {
            Console.out("Site CA  none at \(report.caCertificate) (pgwarden tls ca init)")
        }
        for node in report.nodes {
            Console.out("\n\(node.node)")
            Console.out("  issued     " + (node.issued.map { TLSText.line($0, now: now) } ?? "nothing (pgwarden tls issue server --node \(node.node))"))
            let installed = node.installed.map { TLSText.line($0, now: now) } ?? "no server.crt in the data directory"
            Console.out("  installed  " + installed + (node.installed != nil && !node.installedIsIssued ? "  [not the issued certificate]" : ""))
            if let mode = node.keyMode {
                Console.out("  key        server.key mode \(mode), owner \(node.keyOwner ?? "?")" + (node.keyAcceptable ? "" : "  [others may read it: PostgreSQL refuses it]"))
            }
            Console.out("  rotation   \(node.rotation)")
        }
    }
}
