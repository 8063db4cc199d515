import ArgumentParser
import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden tls ca init

struct TLSCACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "The site CA that signs the nodes' and clients' certificates.",
        subcommands: [Init.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the site CA: a self-signed CA certificate (tls.ca_cert) and its key (tls.ca_key, mode 0600).",
            discussion: """
            ECDSA P-256 by default; --rsa makes an RSA 3072 CA (its certificates get RSA keys too)
            for clients that cannot do ECDSA. The CA is valid ten years. Services that verify the
            server (verify-ca, verify-full) need its certificate as their root certificate.
            An existing CA is kept unless --force; a replaced CA moves to STATE_DIR/tls/retired/
            and every certificate it issued must be issued again.
            """)
        @Flag(help: "An RSA 3072 CA instead of ECDSA P-256.")
        var rsa = false
        @Flag(help: "Replace an existing CA.")
        var force = false
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.loadForChange("tls ca init")
                let files = SiteCertificateFiles(inventory: inventory)
                let authority = try files.createAuthority(algorithm: rsa ? .rsa3072 : .p256, now: Date(), replace: force)
                let summary = try CertificateSummary(pem: try authority.certificatePEM)
                if output.format == .json {
                    try Console.json(CAReport(certificate: inventory.tls.caCertificate, key: inventory.tls.caKey, summary: summary))
                    return
                }
                Console.out("Created the site CA \(summary.certificate.subject) (\(authority.algorithm.displayName), valid until \(CertificateDates.day(summary.certificate.notAfter))).")
                Console.out("  certificate \(inventory.tls.caCertificate)  (give it to services as their root certificate)")
                Console.out("  key         \(inventory.tls.caKey)  (mode 0600; back it up, keep it off the database nodes)")
            }
        }
    }

    struct CAReport: Encodable {
        var certificate: String
        var key: String
        var summary: CertificateSummary
    }
}
