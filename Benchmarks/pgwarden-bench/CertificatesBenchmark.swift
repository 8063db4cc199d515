import Foundation
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - Certificates: key generation, issuing, chain verification, `tls rotate` on a lab

/// 1. Key generation: ECDSA P-256 and RSA 3072 (what `tls ca init [--rsa]` and every issue pay).
/// 2. Issuing a server certificate (new key + signature) with a P-256 and an RSA 3072 CA.
/// 3. Chain verification with swift-certificates' RFC 5280 verifier.
/// 4. `tls rotate --force` on a lab with ssl on: decide, issue, install (journal, atomic
///    copies, reload, wire check of the served certificate), split by phase.
enum CertificatesBenchmark {
    static func run() async throws {
        try await keysAndSignatures()
        try await rotateOnLab()
    }

    // MARK: 1–3. Pure work

    static func keysAndSignatures() async throws {
        let now = Date()
        let p256Keys = try await BenchmarkClock.median(runs: 50) { _ = try CertificateKeyAlgorithm.p256.generateKey() }
        let rsaKeys = try await BenchmarkClock.median(runs: 5) { _ = try CertificateKeyAlgorithm.rsa3072.generateKey() }
        print("key generation: P-256 median \(BenchmarkClock.format(p256Keys)) (50 runs), RSA 3072 median \(BenchmarkClock.format(rsaKeys)) (5 runs)")

        let names = ServerCertificateNames(commonName: "db1.plant-a.example", dnsNames: ["db1.plant-a.example", "db1", "repository-db.plant-a.example"])
        let (p256CA, p256Files) = try SiteCertificateAuthority.create(site: "bench", algorithm: .p256, now: now)
        let (rsaCA, _) = try SiteCertificateAuthority.create(site: "bench", algorithm: .rsa3072, now: now)
        let p256Issue = try await BenchmarkClock.median(runs: 50) { _ = try p256CA.issueServer(names: names, now: now, validityDays: 365) }
        let rsaIssue = try await BenchmarkClock.median(runs: 5) { _ = try rsaCA.issueServer(names: names, now: now, validityDays: 365) }
        print("issue server certificate (key + sign + PEM): P-256 CA median \(BenchmarkClock.format(p256Issue)), RSA 3072 CA median \(BenchmarkClock.format(rsaIssue))")

        let leaf = try p256CA.issueServer(names: names, now: now, validityDays: 365)
        var verdict = CertificateChainCheck.Verdict.valid
        let verify = try await BenchmarkClock.median(runs: 50) {
            verdict = try await CertificateChainCheck.verify(certificatePEM: leaf.certificatePEM, caPEM: p256Files.certificatePEM, at: now)
        }
        let check = try await BenchmarkClock.median(runs: 50) {
            _ = try await CertificateImportCheck.check(certificatePEM: leaf.certificatePEM, keyPEM: leaf.privateKeyPEM, caPEM: p256Files.certificatePEM,
                                                       hostNames: names.dnsNames, now: now)
        }
        print("chain verify (P-256, RFC 5280 policy): median \(BenchmarkClock.format(verify)) (\(verdict.isValid ? "valid" : "INVALID")); full import check: median \(BenchmarkClock.format(check))")
    }

    // MARK: 4. tls rotate on a lab

    static func rotateOnLab() async throws {
        try await AuditBenchmark.withLab { site in
            let hostName = "db1.bench.pgwarden.test"
            let text = try AtomicFile.readText(site.inventoryPath)
            try AtomicFile.write(Array(text.replacingOccurrences(of: "    host: 127.0.0.1\n", with: "    host: 127.0.0.1\n    host_names: [\(hostName)]\n").utf8), to: site.inventoryPath)
            let inventory = try site.inventory()
            let access = SiteAccess(inventory: inventory)
            guard let node = inventory.primary else { return }
            _ = try SiteCertificateFiles(inventory: inventory).createAuthority(algorithm: .p256, now: Date())
            let executor = PlanExecutor(journal: Journal(stateDirectory: inventory.stateDirectory), performer: SiteStepPerformer(access: access))
            _ = try CertificateRollout(access: access).issueServer(for: node)
            _ = try await executor.run(try CertificateRollout(access: access).installPlan(for: [node]))
            try await AuditBenchmark.Admin(site: site).sql(["ALTER SYSTEM SET ssl = on"])
            try await access.reload(node)

            var decide: [Duration] = [], issue: [Duration] = [], install: [Duration] = [], total: [Duration] = []
            for _ in 0..<5 {
                let clock = ContinuousClock()
                let start = clock.now
                let rollout = CertificateRollout(access: access)
                guard try rollout.rotationDecisions(for: [node], force: true).first?.decision.isRenewal == true else { return }
                let decided = clock.now
                _ = try rollout.issueServer(for: node)
                let issued = clock.now
                guard case .completed = try await executor.run(try rollout.installPlan(for: [node])) else {
                    print("tls rotate: FAILED to install")
                    return
                }
                let done = clock.now
                decide.append(decided - start)
                issue.append(issued - decided)
                install.append(done - issued)
                total.append(done - start)
            }
            print("tls rotate --force on a lab (ssl on, 5 runs):")
            print("  decide (read installed certificate, service host names): \(AuditBenchmark.summary(decide))")
            print("  issue (key, sign, write state dir):                     \(AuditBenchmark.summary(issue))")
            print("  install (journal, 2 atomic copies, reload, wire check):  \(AuditBenchmark.summary(install))")
            print("  total:                                                  \(AuditBenchmark.summary(total))")
        }
    }
}
