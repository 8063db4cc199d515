import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - A lab whose primary has a host name and a site CA

/// A lab site whose primary is known as ``hostName`` (`host_names:` in its warden.yaml; it
/// still listens on 127.0.0.1 only), with a site CA created through the same code as
/// `pgwarden tls ca init`.
struct CertificateLab {
    static let hostName = "db1.lab.pgwarden.test"

    let site: LabSite
    var admin: LabAdmin { LabAdmin(site: site) }

    static func with<T>(_ body: (CertificateLab) async throws -> T) async throws -> T {
        try await withLab { site in
            let text = try AtomicFile.readText(site.inventoryPath)
            let named = text.replacingOccurrences(of: "    host: 127.0.0.1\n", with: "    host: 127.0.0.1\n    host_names: [\(hostName)]\n")
            try AtomicFile.write(Array(named.utf8), to: site.inventoryPath)
            let lab = CertificateLab(site: site)
            _ = try SiteCertificateFiles(inventory: try lab.inventory()).createAuthority(algorithm: .p256, now: Date())
            return try await body(lab)
        }
    }

    func inventory() throws -> Inventory { try site.inventory() }
    func access() throws -> SiteAccess { SiteAccess(inventory: try inventory()) }
    func primary() throws -> DatabaseNode { try #require(try inventory().primary) }
    func rollout(now: Date = Date()) throws -> CertificateRollout { CertificateRollout(access: try access(), now: now) }
    var caPath: String { get throws { try inventory().tls.caCertificate } }

    func executor() throws -> PlanExecutor {
        let access = try access()
        return PlanExecutor(journal: Journal(stateDirectory: access.inventory.stateDirectory), performer: SiteStepPerformer(access: access))
    }

    /// Installs what is issued for the primary; fails the test unless it completes.
    func install() async throws {
        let plan = try rollout().installPlan(for: [try primary()])
        guard case .completed = try await executor().run(plan) else {
            Issue.record("installing did not complete")
            throw LabError("install failed")
        }
    }

    /// `ssl = on` the way an administrator (or `apply --only tls`) does it: ALTER SYSTEM + reload.
    func turnSSLOn() async throws {
        try await admin.sql(["ALTER SYSTEM SET ssl = on"])
        try await access().reload(try primary())
    }

    /// verify-full to 127.0.0.1, checking the certificate against `host`.
    func verifyFullTarget(host: String = hostName, rootCertificate: String? = nil) throws -> ConnectionTarget {
        var target = try admin.target(sslMode: .verifyFull)
        target.host = host
        target.hostAddress = "127.0.0.1"
        target.rootCertificatePath = try rootCertificate ?? caPath
        return target
    }

    /// The fingerprint of the certificate a new connection is presented.
    func servedFingerprint() async throws -> String {
        let node = try primary()
        return CertificatePEM.fingerprint(der: try await WireProbe(host: node.host, port: node.port).servedCertificate())
    }

    /// The data directory's TLS files: bytes, mode and owner (nil when absent).
    func dataDirectoryFiles() throws -> [String: TLSFileState] {
        let node = try primary()
        var files: [String: TLSFileState] = [:]
        for role in TLSFileRole.allCases {
            let path = node.dataDirectory + "/" + role.fileName
            files[role.fileName] = try TLSFileSurvey.state(path)
        }
        return files
    }
}
