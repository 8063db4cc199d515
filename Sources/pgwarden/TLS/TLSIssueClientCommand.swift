import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden tls issue client --user ROLE

struct TLSIssueClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Issue a client certificate for a role (cert authentication: CN = the role).",
        discussion: """
        Written to STATE_DIR/tls/clients/ROLE/client.crt and client.key (mode 0600). Give both
        and the CA certificate to the service (sslcert, sslkey, sslrootcert); a pg_hba line
        with method `cert` then checks the CN against the user name.
        """)
    @Option(help: ArgumentHelp("The role the certificate logs in as.", valueName: "role"))
    var user: String
    @OptionGroup var inventoryOptions: InventoryOptions
    @OptionGroup var output: FormatOptions

    struct Report: Encodable {
        var role: String
        var certificate: CertificateSummary
        var certificateFile: String
        var keyFile: String
    }

    func run() async throws {
        try await reportingErrors {
            let rollout = CertificateRollout(access: SiteAccess(inventory: try inventoryOptions.loadForChange("tls issue client")))
            let (issued, certificate, key) = try rollout.issueClient(role: user)
            if output.format == .json {
                try Console.json(Report(role: user, certificate: issued.summary, certificateFile: certificate, keyFile: key))
                return
            }
            Console.out("Issued for role \(user): \(TLSText.line(issued.summary, now: rollout.now))")
            Console.out("  certificate \(certificate)")
            Console.out("  key         \(key)  (mode 0600)")
        }
    }
}
