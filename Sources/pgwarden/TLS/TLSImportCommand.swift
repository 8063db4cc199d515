import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden tls import --node NAME --cert PEM --key PEM [--ca PEM]

struct TLSImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Install an existing certificate and key on a node (e.g. the page's exported server.pem / server_key.pem / root.pem).",
        discussion: """
        Refused before anything is installed when the key does not belong to the certificate,
        the certificate does not chain to the CA, does not name every host name services use
        to reach the node, is expired, or is a CA certificate; every reason is listed.
        --ca is the CA that issued it (without it, the site CA); with no site CA yet, the given
        CA becomes the site's tls.ca_cert. The pair is kept in STATE_DIR/tls/nodes/NODE/ and
        installed as a journaled step (`pgwarden undo` puts the old files back).
        """)
    @Option(help: ArgumentHelp("The database node, as named in warden.yaml.", valueName: "name"))
    var node: String
    @Option(help: ArgumentHelp("The server certificate (PEM; intermediates may follow it).", valueName: "pem"))
    var cert: String
    @Option(help: ArgumentHelp("Its private key (PEM, not encrypted).", valueName: "pem"))
    var key: String
    @Option(help: ArgumentHelp("The CA certificate that issued it (PEM).", valueName: "pem"))
    var ca: String?
    @Flag(name: .customLong("no-install"), help: "Only check and keep the pair in the state directory.")
    var noInstall = false
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    struct Report: Encodable {
        var node: String
        var certificate: CertificateSummary
        var install: PlanRunner.Report?
    }

    func run() async throws {
        try await reportingErrors {
            let access = SiteAccess(inventory: try inventoryOptions.loadForChange("tls import"))
            let rollout = CertificateRollout(access: access)
            let node = try access.node(self.node)
            let cwd = FileManager.default.currentDirectoryPath
            let certificatePath = PathResolution.resolve(cert, against: cwd)
            let keyPath = PathResolution.resolve(key, against: cwd)
            if SiteCertificateFiles.isReadableByOthers(keyPath) {
                Console.progress("warning: \(keyPath) can be read by others; pgwarden keeps its copy owner-only, but remove or chmod 600 this one")
            }
            let summary = try await rollout.importServer(
                for: node, certificatePEM: try AtomicFile.readText(certificatePath),
                keyPEM: try SiteCertificateFiles.readPrivateKey(keyPath, purpose: "key", strict: false),
                caPEM: try ca.map { try AtomicFile.readText(PathResolution.resolve($0, against: cwd)) },
                certificateFile: certificatePath, keyFile: keyPath)
            var report = Report(node: node.name, certificate: summary)
            if output.format == .text { Console.out("Checked and kept for \(node.name): \(TLSText.line(summary, now: rollout.now))") }
            let (install, exit) = noInstall ? (nil, nil) : try await TLSInstallation(rollout: rollout, format: output.format).run([node])
            report.install = install
            if output.format == .json { try Console.json(report) }
            if let exit { throw exit }
        }
    }
}
