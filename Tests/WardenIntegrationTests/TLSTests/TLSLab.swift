import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - A lab ready for `apply --only tls`

/// Helpers for the TLS tests: certificates from the openssl CLI installed in a node's data
/// directory, consumers pointed at a host name the certificate carries (`localhost`, which
/// resolves to the lab's 127.0.0.1 without an IP SAN), fleet changes, and snapshots of the
/// files undo must restore.
enum TLSLab {
    static let hostName = "localhost"

    /// Makes certificates for `hostNames` and installs them in `node`'s data directory.
    @discardableResult
    static func installCertificates(_ site: LabSite, node: String = "db1", hostNames: [String] = [hostName], folder: String = "pki") async throws -> LabCertificates {
        let certificates = try await LabCertificates.make(in: site.directory + "/" + folder, hostNames: hostNames)
        try certificates.install(into: try site.access().node(node).dataDirectory)
        return certificates
    }

    /// Runs a fleet change on the lab's service files (what `pgwarden services apply` does).
    static func services(_ site: LabSite, _ change: (inout ServiceChangeRequest) -> Void) async throws {
        let access = try site.access()
        var request = ServiceChangeRequest()
        change(&request)
        let plan = try ServiceFleet.plan(access.inventory, request: request)
        let outcome = try await executor(access).run(plan)
        guard case .completed = outcome else { throw LabError("services change did not complete: \(outcome)") }
    }

    /// Points every consumer at `localhost` on the primary's port.
    static func pointConsumersAtHostName(_ site: LabSite) async throws {
        let port = try #require(try site.access().inventory.primary).port
        try await services(site) { $0.hosts = [ConnectionHostList.Host(name: hostName, port: port)] }
    }

    static func executor(_ access: SiteAccess) -> PlanExecutor {
        PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
    }

    /// pg_hba.conf and postgresql.auto.conf of a node, byte for byte.
    static func serverFiles(_ site: LabSite, node: String = "db1") throws -> [UInt8] {
        let directory = try site.access().node(node).dataDirectory
        return try AtomicFile.read(directory + "/pg_hba.conf") + [0] + AtomicFile.read(directory + "/postgresql.auto.conf")
    }

    /// Rewrites one consumer's file (to break or mend it behind pgwarden's back).
    static func edit(_ site: LabSite, service: String, _ change: (String) -> String) throws {
        let spec = try #require(try site.inventory().services.first { $0.name == service })
        try AtomicFile.write(Array(change(try AtomicFile.readText(spec.file)).utf8), to: spec.file)
    }

    static func hbaSteps(_ plan: Plan) -> [PlannedStep] {
        plan.steps.filter { if case .editHBAFile = $0.action { true } else { false } }
    }
}
