import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - Shared by the tls subcommands

/// Installs what is issued through the plan executor (journaled, verified, undoable) and
/// reports the outcome the way `apply` does: exit 3 when rolled back, 4 when not.
struct TLSInstallation {
    let rollout: CertificateRollout
    let format: OutputFormat

    /// Plans and runs the installation for `nodes`, prints the outcome in text mode, and
    /// returns the report (for JSON) and the exit code to end with (nil: success).
    func run(_ nodes: [DatabaseNode]) async throws -> (PlanRunner.Report, ExitCode?) {
        let plan = try rollout.installPlan(for: nodes)
        let (report, exit): (PlanRunner.Report, ExitCode?)
        if plan.isEmpty {
            (report, exit) = (PlanRunner.Report(outcome: "nothing-to-do", applied: 0), nil)
        } else {
            let executor = PlanExecutor(journal: Journal(inventory: rollout.access.inventory),
                                        performer: SiteStepPerformer(access: rollout.access), command: "tls install") { Console.progress($0) }
            (report, exit) = PlanRunner.report(try await executor.run(plan))
        }
        if format == .text { Self.text(report).forEach(Console.out) }
        return (report, exit)
    }

    static func text(_ report: PlanRunner.Report) -> [String] {
        switch report.outcome {
        case "nothing-to-do": ["The data directory already holds these files."]
        case "completed": ["Installed and verified \(report.applied) step(s). Undo with: pgwarden undo"]
        case "rolled-back": ["Installing failed at \(report.failedStep ?? "?"): \(report.error ?? "")", "The files were put back as they were."]
        default: ["Installing failed at \(report.failedStep ?? "?"): \(report.error ?? "")",
                  "Rollback failed; still applied: \((report.stillApplied ?? []).joined(separator: ", "))"]
        }
    }
}

/// `--node NAME`, one node or (when optional and absent) all of them.
enum TLSNodes {
    static func select(_ name: String?, in access: SiteAccess) throws -> [DatabaseNode] {
        if let name { return [try access.node(name)] }
        return access.inventory.databaseNodes
    }
}

/// How certificates read in text output.
enum TLSText {
    /// `CN=…; DNS: a, b; IP: c; EC P-256; valid until 2026-03-01 (364 days left)`.
    static func line(_ summary: CertificateSummary, now: Date) -> String {
        let certificate = summary.certificate
        var parts = ["CN=\(certificate.commonName ?? "-")"]
        if !certificate.dnsNames.isEmpty { parts.append("DNS: " + certificate.dnsNames.joined(separator: ", ")) }
        if !certificate.ipAddresses.isEmpty { parts.append("IP: " + certificate.ipAddresses.joined(separator: ", ")) }
        parts.append(certificate.keyType + (certificate.keyBits.map { " \($0)" } ?? ""))
        let left = summary.daysLeft(at: now)
        parts.append("valid until \(CertificateDates.day(certificate.notAfter)) (\(left < 0 ? "expired" : "\(left) days left"))")
        return parts.joined(separator: "; ")
    }

    /// The note for addresses services dial that a certificate does not name.
    static func addressNote(_ names: ServerCertificateNames) -> String? {
        guard !names.addressesLeftOut.isEmpty else { return nil }
        return "note: services dial \(names.addressesLeftOut.joined(separator: ", ")), which the certificate does not name (IP SANs only with --ip-san): those services cannot use verify-full until they dial a host name"
    }
}
