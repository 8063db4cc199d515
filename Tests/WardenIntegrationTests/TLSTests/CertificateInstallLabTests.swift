import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Issue, install, verify-full, undo; and what is refused

@Suite("Certificates installed on a real lab", .serialized)
struct CertificateInstallLabTests {
    @Test("issue + install: owner-only key of the data directory's owner, verify-full by host name, the new certificate on the wire; undo restores the old files byte for byte")
    func issueInstallUndo() async throws {
        try await CertificateLab.with { lab in
            let node = try lab.primary()
            let postgres = try TLSFileSurvey.dataDirectoryOwner(node)

            // The server already has a certificate (from some other CA), and ssl is on.
            let (oldCA, oldCAFiles) = try SiteCertificateAuthority.create(site: "old", algorithm: .p256, now: Date())
            let old = try oldCA.issueServer(names: ServerCertificateNames(commonName: CertificateLab.hostName, dnsNames: [CertificateLab.hostName]), now: Date(), validityDays: 30)
            try AtomicFile.write(Array(old.certificatePEM.utf8), to: node.dataDirectory + "/server.crt", mode: 0o644, owner: postgres)
            try AtomicFile.write(Array(old.privateKeyPEM.revealed.utf8), to: node.dataDirectory + "/server.key", mode: 0o600, owner: postgres)
            try await lab.turnSSLOn()
            let before = try lab.dataDirectoryFiles()
            let oldBytes = try AtomicFile.read(node.dataDirectory + "/server.key")
            #expect(try await lab.servedFingerprint() == old.summary.fingerprint)

            let issued = try lab.rollout().issueServer(for: node)
            #expect(issued.summary.certificate.commonName == CertificateLab.hostName)
            #expect(issued.summary.certificate.dnsNames == [CertificateLab.hostName])
            #expect(issued.summary.certificate.ipAddresses.isEmpty, "IP SANs only on request")
            let plan = try lab.rollout().installPlan(for: [node])
            #expect(plan.steps.map(\.id) == ["db1/tls/files"])
            try await lab.install()

            let after = try lab.dataDirectoryFiles()
            #expect(after["server.key"]?.mode == 0o600)
            #expect(after["server.crt"]?.mode == 0o644 && after["root.crt"]?.mode == 0o644)
            #expect(after.values.allSatisfy { $0.owner == postgres })
            #expect(after["server.crt"]?.sha256 == FileDigest.sha256(Array(issued.certificatePEM.utf8)))
            #expect(try await lab.servedFingerprint() == issued.summary.fingerprint, "the reload gave new connections the new certificate")
            #expect(try lab.rollout().installPlan(for: [node]).isEmpty, "a second plan converges")

            // OpenSSL agrees the certificate is a server certificate signed by the CA.
            let work = node.dataDirectory
            try await TestPKI.openssl(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", try lab.caPath, "server.crt"], in: work)

            // verify-full, by host name, to 127.0.0.1.
            let ssl = try await PostgresSession.with(try lab.verifyFullTarget()) { session in
                try await session.value("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            }
            #expect(ssl == "true")
            let wrongName = await #expect(throws: PostgresError.self) { try await PostgresSession.connect(try lab.verifyFullTarget(host: "other.lab.pgwarden.test")) }
            #expect(wrongName?.kind == .tls)
            let oldCAPath = work + "/../old-ca.crt"
            try AtomicFile.write(Array(oldCAFiles.certificatePEM.utf8), to: oldCAPath)
            await #expect(throws: PostgresError.self) { try await PostgresSession.connect(try lab.verifyFullTarget(rootCertificate: oldCAPath)) }

            // Undo: the old files, byte for byte, mode and owner; root.crt gone; the old certificate served again.
            #expect(try await lab.executor().undoLatest() != nil)
            #expect(try lab.dataDirectoryFiles() == before)
            #expect(before["root.crt"]?.exists == false)
            #expect(try AtomicFile.read(node.dataDirectory + "/server.key") == oldBytes)
            #expect(try await lab.servedFingerprint() == old.summary.fingerprint)
        }
    }

    @Test("refused before anything is installed: a certificate that does not name a host in use, one re-issued since the plan, a server that cannot be asked, a CA key others can read; a key others can read is fixed")
    func refusals() async throws {
        try await CertificateLab.with { lab in
            let node = try lab.primary()
            let files = SiteCertificateFiles(inventory: try lab.inventory())
            let authority = try files.loadAuthority()
            let caPEM = try files.authorityCertificatePEM()

            // Import of a certificate for another name: refused, nothing kept or installed.
            let elsewhere = try authority.issueServer(names: ServerCertificateNames(commonName: "elsewhere.lab.pgwarden.test", dnsNames: ["elsewhere.lab.pgwarden.test"]), now: Date(), validityDays: 30)
            let refusal = await #expect(throws: CoreError.self) {
                try await lab.rollout().importServer(for: node, certificatePEM: elsewhere.certificatePEM, keyPEM: elsewhere.privateKeyPEM, caPEM: caPEM)
            }
            #expect(refusal?.message.contains("does not name '\(CertificateLab.hostName)'") == true)
            #expect(try files.issuedServer(node: node.name) == nil)

            // The same pair put into the state directory behind pgwarden's back: the step refuses it.
            try files.writeServer(elsewhere, node: node.name)
            let plan = try lab.rollout().installPlan(for: [node])
            guard case .rolledBack(_, let error) = try await lab.executor().run(plan) else {
                Issue.record("a certificate naming the wrong host was installed"); return
            }
            #expect(error.contains("does not name"))
            #expect(try lab.dataDirectoryFiles().values.allSatisfy { !$0.exists })

            // Planned, then issued again before apply: the plan's source is gone, refused.
            _ = try lab.rollout().issueServer(for: node)
            let stale = try lab.rollout().installPlan(for: [node])
            _ = try lab.rollout().issueServer(for: node)
            guard case .rolledBack(_, let staleError) = try await lab.executor().run(stale) else {
                Issue.record("a stale plan was applied"); return
            }
            #expect(staleError.contains("changed since the plan"))
            #expect(try lab.dataDirectoryFiles().values.allSatisfy { !$0.exists })

            // The server is down (here: the inventory points at a port nothing listens on): refused before any copy.
            var unreachable = try lab.inventory()
            unreachable.databaseNodes[0].port = 1
            let downAccess = SiteAccess(inventory: unreachable)
            let downPlan = try CertificateRollout(access: downAccess).installPlan(for: [unreachable.databaseNodes[0]])
            let downExecutor = PlanExecutor(journal: Journal(stateDirectory: unreachable.stateDirectory), performer: SiteStepPerformer(access: downAccess))
            guard case .rolledBack(_, let downError) = try await downExecutor.run(downPlan) else {
                Issue.record("installed on a server that could not be asked"); return
            }
            #expect(downError.contains("connection refused"))
            #expect(try lab.dataDirectoryFiles().values.allSatisfy { !$0.exists })

            // Installed, then the key is made readable by others and given to root: fixed by the next install.
            try await lab.install()
            let key = node.dataDirectory + "/server.key"
            chmod(key, 0o644)
            chown(key, 0, 0)
            let fix = try #require(try TLSFileSurvey.installStep(for: node, inventory: try lab.inventory()))
            guard case .installTLSFiles(_, let copies) = fix.action else { Issue.record("wrong action"); return }
            #expect(copies.map(\.role) == [.key])
            try await lab.install()
            let fixed = try TLSFileSurvey.state(key)
            let postgres = try TLSFileSurvey.dataDirectoryOwner(node)
            #expect(fixed.mode == 0o600 && fixed.owner == postgres)

            // A CA key others can read is refused, with the chmod that fixes it.
            let caKey = try lab.inventory().tls.caKey
            chmod(caKey, 0o644)
            let readable = #expect(throws: HostError.self) { try files.loadAuthority() }
            #expect(readable?.kind == .secret)
            #expect(readable?.hint?.contains("chmod 600 \(caKey)") == true)
        }
    }
}
