import Foundation
import WardenCore
import WardenHost

// MARK: - Issuing, importing and rotating a site's certificates

/// The work behind `pgwarden tls issue|import|rotate`: put a certificate for a node into the
/// state directory (issued by the site CA, or imported after ``CertificateImportCheck``),
/// and plan its installation into the data directory as an ``StepAction/installTLSFiles(node:files:)``
/// step that the ``PlanExecutor`` journals, verifies and can undo.
///
/// `now` is the shell's clock, handed to the pure checks.
public struct CertificateRollout: Sendable {
    public let access: SiteAccess
    public let files: SiteCertificateFiles
    public let now: Date

    public init(access: SiteAccess, now: Date = Date()) {
        self.access = access
        self.files = SiteCertificateFiles(inventory: access.inventory)
        self.now = now
    }

    var inventory: Inventory { access.inventory }

    // MARK: Names

    /// The names `node`'s certificate must carry, from the inventory and every service
    /// config; `problems` lists the service files that could not be read.
    public func names(for node: DatabaseNode, includeAddresses: Bool = false) -> (names: ServerCertificateNames, problems: [String]) {
        let services = ServiceHostNames.read(inventory)
        return (ServerCertificateNames.forNode(node, in: inventory, serviceHosts: services.hosts, includeAddresses: includeAddresses), services.problems)
    }

    // MARK: Issuing

    /// Issues a server certificate for `node` with the site CA and keeps it (and its key,
    /// 0600) in the state directory.
    public func issueServer(for node: DatabaseNode, includeAddresses: Bool = false) throws -> IssuedCertificate {
        let authority = try files.loadAuthority()
        let issued = try authority.issueServer(names: names(for: node, includeAddresses: includeAddresses).names,
                                               now: now, validityDays: inventory.tls.validityDays)
        try files.writeServer(issued, node: node.name)
        return issued
    }

    /// Issues a client certificate for `role` (`cert` authentication); returns it and where
    /// it was written.
    public func issueClient(role: String) throws -> (issued: IssuedCertificate, certificate: String, key: String) {
        let issued = try files.loadAuthority().issueClient(role: role, now: now, validityDays: inventory.tls.validityDays)
        let paths = try files.writeClient(issued, role: role)
        return (issued, paths.certificate, paths.key)
    }

    // MARK: Importing

    /// Checks an existing certificate and key (the vendor page's exported files) against the
    /// CA and the host names services use, and keeps them in the state directory as what
    /// is issued for `node`. `caPEM` is the CA that issued them; without it the site CA is
    /// used. A CA given while a different site CA exists is refused (services trust one root).
    public func importServer(for node: DatabaseNode, certificatePEM: String, keyPEM: Secret, caPEM: String?,
                             certificateFile: String? = nil, keyFile: String? = nil) async throws -> CertificateSummary {
        let siteCA = AtomicFile.exists(inventory.tls.caCertificate) ? try files.authorityCertificatePEM() : nil
        guard let ca = caPEM ?? siteCA else {
            throw HostError(.io, "no CA to check the certificate against", hint: "pass --ca with the CA certificate that issued it (the page's root.pem)")
        }
        if let caPEM, let siteCA, try CertificatePEM.certificate(in: caPEM) != CertificatePEM.certificate(in: siteCA) {
            throw HostError(.verification, "the given CA is not the site CA (\(inventory.tls.caCertificate))",
                            hint: "services trust one root: point tls.ca_cert (and tls.ca_key, if you have it) in warden.yaml at the CA you import with, or import without --ca")
        }
        let problems = try await CertificateImportCheck.check(
            certificatePEM: certificatePEM, keyPEM: keyPEM, caPEM: ca, hostNames: names(for: node).names.dnsNames, now: now,
            certificateFile: certificateFile, keyFile: keyFile)
        guard problems.isEmpty else { throw CertificateImportCheck.refusal(problems, node: node.name) }
        if siteCA == nil {
            try Directories.create((inventory.tls.caCertificate as NSString).deletingLastPathComponent, mode: 0o700)
            try AtomicFile.write(Array(ca.utf8), to: inventory.tls.caCertificate, mode: 0o644)
        }
        let imported = try IssuedCertificate(certificatePEM: certificatePEM, privateKeyPEM: keyPEM, file: certificateFile)
        try files.writeServer(imported, node: node.name)
        return imported.summary
    }

    // MARK: Installing

    /// The plan that installs what is issued for `nodes` (nodes already up to date add no step).
    public func installPlan(for nodes: [DatabaseNode]) throws -> Plan {
        let steps = try nodes.compactMap { node throws -> PlannedStep? in try TLSFileSurvey.installStep(for: node, inventory: inventory) }
        return Plan(site: inventory.site, steps: steps)
    }

    /// The certificate in `node`'s data directory (server.crt), if there is one.
    public func installed(on node: DatabaseNode) throws -> CertificateSummary? {
        let path = TLSFileLocations.installed(dataDirectory: node.dataDirectory)[.certificate] ?? ""
        guard AtomicFile.exists(path) else { return nil }
        return try CertificateSummary(pem: try AtomicFile.readText(path), file: path)
    }

    // MARK: Rotating

    /// Each node's installed certificate and whether it is due (see ``CertificateRotation``).
    public func rotationDecisions(for nodes: [DatabaseNode], force: Bool) throws
        -> [(node: DatabaseNode, installed: CertificateSummary?, decision: CertificateRotation.Decision)]
    {
        try nodes.map { node in
            let current = try installed(on: node)
            return (node, current, CertificateRotation.decide(
                installed: current, requiredNames: names(for: node).names.dnsNames,
                now: now, warningDays: inventory.tls.warningDays, force: force))
        }
    }
}
