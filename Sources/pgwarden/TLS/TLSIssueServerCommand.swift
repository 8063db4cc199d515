import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden tls issue server --node NAME

struct TLSIssueServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Issue a server certificate for a node and install it in its data directory.",
        discussion: """
        CN is the node's host name; DNS SANs are its host, its host_names: and every host name
        the service configs dial to reach it. IP SANs only with --ip-san: some clients accept a
        certificate whose address matches even when the name they check does not.
        The certificate and key are kept in STATE_DIR/tls/nodes/NODE/; unless --no-install they
        are installed as a journaled step (`pgwarden undo` puts the old files back).
        """)
    @Option(help: ArgumentHelp("The database node, as named in warden.yaml.", valueName: "name"))
    var node: String
    @Flag(name: .customLong("ip-san"), help: "Also name the node's address and the addresses services dial (iPAddress SANs).")
    var ipSAN = false
    @Flag(name: .customLong("no-install"), help: "Only issue into the state directory.")
    var noInstall = false
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    struct Report: Encodable {
        var node: String
        var certificate: CertificateSummary
        var issuedTo: String
        var addressesLeftOut: [String]
        var install: PlanRunner.Report?
    }

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.loadForChange("tls issue server"))
            let rollout = CertificateRollout(access: access)
            let node = try access.node(self.node)
            let (names, problems) = rollout.names(for: node, includeAddresses: ipSAN)
            for problem in problems { Console.progress("warning: could not read \(problem); its host names are not in the certificate") }
            let issued = try rollout.issueServer(for: node, includeAddresses: ipSAN)
            let folder = TLSFileLocations.issueDirectory(node: node.name, stateDirectory: access.inventory.stateDirectory)
            var report = Report(node: node.name, certificate: issued.summary, issuedTo: folder, addressesLeftOut: names.addressesLeftOut)
            if output.format == .text {
                Console.out("Issued for \(node.name): \(TLSText.line(issued.summary, now: rollout.now))")
                Console.out("  fingerprint SHA-256 \(issued.summary.fingerprint)")
                Console.out("  kept in \(folder)/ (server.key mode 0600)")
                if let note = TLSText.addressNote(names) { Console.out(note) }
            }
            let (install, exit) = noInstall ? (nil, nil) : try await TLSInstallation(rollout: rollout, format: output.format).run([node])
            report.install = install
            if output.format == .json { try Console.json(report) }
            if let exit { throw exit }
        }
    }
}
