import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab
import WardenPostgres

// MARK: - `apply --only tls` on real labs

@Suite("Traffic encryption on a real lab", .serialized)
struct TLSApplyTests {
    /// The demo's order, through the CLI: TLS offered (hostssl-only waits) → consumers
    /// require SSL → hostssl-only and the wire proof → consumers verify-full. Then the wire
    /// is probed independently, a re-plan is empty, and undo restores both server files.
    @Test("no-lockout order: apply, services --require-ssl, apply, services --verify-full; proven on the wire; undone byte for byte")
    func noLockoutOrder() async throws {
        try await withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let run = { (arguments: [String]) in try await ConnstrCLITests.run(arguments + common) }

            // No certificate yet: a note, nothing planned.
            let bare = try await run(["plan", "--only", "tls"])
            #expect(bare.status == 0, "\(bare.standardError)")
            #expect(bare.standardOutput.contains("No changes") && bare.standardOutput.contains("no server certificate"))

            let certificates = try await TLSLab.installCertificates(site)
            try await TLSLab.pointConsumersAtHostName(site)
            let before = try TLSLab.serverFiles(site)
            let access = try site.access()
            let primary = try #require(access.inventory.primary)

            // 1. TLS offered; hostssl-only waits and names who it waits for.
            let first = try await run(["apply", "--only", "tls"])
            #expect(first.status == 0, "\(first.standardOutput)\n\(first.standardError)")
            #expect(first.standardError.contains("hostssl-only waits: central/repository (\(site.directory)/nodes/central/Repository/Repository.exe.config) entry QSR"))
            #expect(first.standardError.contains("pgwarden services apply --require-ssl --tls-min 1.2"))
            #expect(first.standardError.contains("prove TLS on the wire"))
            #expect(try await WireProbe(host: primary.host, port: primary.port).sslAnswer() == .willing)
            #expect(try AtomicFile.read(primary.dataDirectory + "/pg_hba.conf") == Array(before.prefix { $0 != 0 }), "pg_hba.conf untouched while consumers do not require TLS")

            // 2. Consumers require TLS. 3. hostssl-only, checked with real logins, proven on the wire.
            let services = try await run(["services", "apply", "--require-ssl", "--tls-min", "1.2"])
            #expect(services.status == 0, "\(services.standardError)")
            let second = try await run(["apply", "--only", "tls"])
            #expect(second.status == 0, "\(second.standardOutput)\n\(second.standardError)")
            #expect(second.standardError.contains("pg_hba.conf hostssl-only"))

            // 4. Consumers check the server's certificate and name.
            let verify = try await run(["services", "apply", "--verify-full", "--root-cert", certificates.caCertificate])
            #expect(verify.status == 0, "\(verify.standardError)")
            let noRoot = try await run(["services", "plan", "--verify-full"])
            #expect(noRoot.status == 2 && noRoot.standardError.contains("--verify-full needs --root-cert"))

            // Every consumer logs in with its own settings, over TLS, some with verify-full.
            let logins = await ConsumerLoginCheck.run(services: access.inventory.services, keyFile: nil)
            #expect(logins.count == 17 && logins.allSatisfy { $0.ok && $0.overTLS == true }, "\(logins.filter { !$0.ok })")
            let verifying = try access.inventory.services.flatMap { service in
                try ServiceConfig(text: try AtomicFile.readText(service.file), profile: service.profile, file: service.file).allSettings()
            }.filter { ClientTLSProfile($0).sslMode == .verifyFull }
            #expect(verifying.count == 8, "the four Devart entries and the four Security.Mode shapes verify the server")

            // The wire, probed independently of the apply: exactly TLS 1.2 and 1.3, the three
            // ECDSA AEAD suites for 1.2, and a plaintext login refused before authentication.
            let probe = WireProbe(host: primary.host, port: primary.port)
            let scan = try await probe.scanTLS()
            #expect(scan.acceptedVersions == [.tls12, .tls13])
            #expect(Set(scan.result(for: .tls12)?.suites.map(\.openSSLName) ?? []) == ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"])
            #expect(Set(scan.result(for: .tls13)?.cipherSuites ?? []) == [0x1301, 0x1302, 0x1303])
            #expect(scan.weakSuites.isEmpty)
            let plaintext = try await probe.plaintextLogin(try PostgresStartupParameters(user: LabSite.repositoryRole, database: "QSR"))
            #expect(!plaintext.acceptsPlaintextLogin)
            guard case .rejected(let refusal) = plaintext.outcome else { Issue.record("plaintext login not refused: \(plaintext.outcome)"); return }
            #expect(refusal.message.contains("no encryption") || refusal.message.contains("pg_hba.conf rejects"), "\(refusal.message)")

            // Converged: nothing left to plan.
            let again = try await SitePlanner.plan(access, only: [.tls])
            #expect(again.steps.isEmpty, "\(again.steps.map(\.title))")

            // Undo every apply (verify-full, tls, require-ssl, tls): both server files as before.
            for _ in 0..<4 {
                let undo = try await run(["undo"])
                #expect(undo.status == 0, "\(undo.standardError)")
            }
            #expect(try TLSLab.serverFiles(site) == before)
            #expect(try await WireProbe(host: primary.host, port: primary.port).sslAnswer() == .unwilling)
        }
    }

    /// Refusals and rollbacks on one lab: a certificate for the wrong name, a consumer that
    /// does not require TLS, one that fails at apply time, and a proof that cannot hold.
    @Test("wrong host refused; blocked consumer waits; failing consumer and failing proof roll back")
    func refusalsAndRollbacks() async throws {
        try await withLab { site in
            let access = try site.access()
            try await TLSLab.pointConsumersAtHostName(site)

            // A certificate that does not name the host services use: refused, nothing changes.
            try await TLSLab.installCertificates(site, hostNames: ["db1.wrong.test"], folder: "wrong")
            let untouched = try TLSLab.serverFiles(site)
            await #expect(throws: CoreError.self) { try await SitePlanner.plan(access, only: [.tls]) }
            do { _ = try await SitePlanner.plan(access, only: [.tls]) } catch let error as CoreError {
                #expect(error.message.contains("does not name localhost (used by central/repository"))
            }
            #expect(try TLSLab.serverFiles(site) == untouched)

            // The right certificate, but a key others can read: refused with the fix.
            try await TLSLab.installCertificates(site)
            let key = try access.node("db1").dataDirectory + "/server.key"
            chmod(key, 0o644)
            do {
                _ = try await SitePlanner.plan(access, only: [.tls])
                Issue.record("planned with a key others can read")
            } catch let error as CoreError {
                #expect(error.hint?.contains("chmod 0600 \(key)") == true)
            }
            chmod(key, 0o600)

            // Every consumer but one requires TLS: no hba step, a note names it.
            try await TLSLab.services(site) { $0.requireSSL = true; $0.tlsMinimum = .tls1_2 }
            let insecure = { (text: String) in text.replacingOccurrences(of: "\"sslMode\": \"require\"", with: "\"sslMode\": \"disable\"") }
            let secure = { (text: String) in text.replacingOccurrences(of: "\"sslMode\": \"disable\"", with: "\"sslMode\": \"require\"") }
            try TLSLab.edit(site, service: "central/licenses", insecure)
            let blocked = try await SitePlanner.plan(access, only: [.tls])
            #expect(TLSLab.hbaSteps(blocked).isEmpty)
            #expect(blocked.notes.contains { $0.contains("central/licenses") && $0.contains("entry licenses does not require SSL") && $0.contains(TLSPlanner.consumerFix) })
            let hbaBefore = try AtomicFile.read(try access.node("db1").dataDirectory + "/pg_hba.conf")
            guard case .completed = try await TLSLab.executor(access).run(blocked) else { Issue.record("TLS settings did not apply"); return }
            let logins = await ConsumerLoginCheck.run(services: access.inventory.services, keyFile: nil)
            #expect(logins.allSatisfy { $0.ok }, "\(logins.filter { !$0.ok })")
            #expect(logins.filter { $0.service == "central/licenses" && $0.entry == "licenses" }.allSatisfy { $0.overTLS == false })
            #expect(try AtomicFile.read(try access.node("db1").dataDirectory + "/pg_hba.conf") == hbaBefore)

            // Mended, planned, then broken again before apply: the apply-time login check rolls back.
            try TLSLab.edit(site, service: "central/licenses", secure)
            let planned = try await SitePlanner.plan(access, only: [.tls])
            #expect(TLSLab.hbaSteps(planned).count == 1)
            try TLSLab.edit(site, service: "central/licenses", insecure)
            let beforeFailure = try TLSLab.serverFiles(site)
            guard case .rolledBack(let failedStep, let error) = try await TLSLab.executor(access).run(planned) else { Issue.record("expected a rollback"); return }
            #expect(failedStep == "db1/tls/consumer-logins")
            #expect(error.contains("central/licenses licenses: logged in without TLS"))
            #expect(try TLSLab.serverFiles(site) == beforeFailure)

            // A proof that cannot hold (TLS 1.2 suites not allowed) rolls back the settings and
            // pg_hba.conf byte for byte.
            try TLSLab.edit(site, service: "central/licenses", secure)
            try await access.withSuperuser(on: try access.node("db1")) { try await $0.execute("ALTER SYSTEM SET ssl_ciphers = 'HIGH:!aNULL'") }
            try await access.reload(try access.node("db1"))
            let beforeProof = try TLSLab.serverFiles(site)
            var doomed = try await SitePlanner.plan(access, only: [.tls])
            #expect(doomed.steps.map(\.id) == ["db1/setting/ssl_ciphers", "db1/tls/consumer-logins", "db1/tls/hba", "db1/tls/proof"])
            let index = try #require(doomed.steps.firstIndex { $0.id == "db1/tls/proof" })
            guard case .proveTLS(var proof) = doomed.steps[index].action else { Issue.record("no proof step"); return }
            proof.allowedSuites = TLSCipherPolicy.tls13Suites
            doomed.steps[index].action = .proveTLS(proof)
            guard case .rolledBack(let proofStep, let proofError) = try await TLSLab.executor(access).run(doomed) else { Issue.record("expected a rollback"); return }
            #expect(proofStep == "db1/tls/proof")
            #expect(proofError.contains("unintended TLSv1.2 suites"))
            #expect(try TLSLab.serverFiles(site) == beforeProof)
            let after = await ConsumerLoginCheck.run(services: access.inventory.services, keyFile: nil)
            #expect(after.allSatisfy { $0.ok })
        }
    }

    /// A certificate issued by `pgwarden tls` and not installed yet: one `apply --only tls`
    /// installs it, turns TLS on and proves verify-full against the site CA; undo puts the
    /// data directory and the server files back.
    @Test("issued by pgwarden tls: apply --only tls installs it first, then TLS on, proven; undone")
    func issuedCertificateIsInstalledFirst() async throws {
        try await withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let run = { (arguments: [String]) in try await ConnstrCLITests.run(arguments + common) }
            try await TLSLab.pointConsumersAtHostName(site)
            let before = try TLSLab.serverFiles(site)
            #expect(try await run(["tls", "ca", "init"]).status == 0)
            let issue = try await run(["tls", "issue", "server", "--node", "db1", "--no-install"])
            #expect(issue.status == 0, "\(issue.standardError)")

            let plan = try await SitePlanner.plan(try site.access(), only: [.tls])
            #expect(plan.steps.map(\.id) == ["db1/tls/files", "db1/setting/ssl_ca_file", "db1/setting/ssl_ciphers", "db1/setting/ssl", "db1/tls/proof"])
            guard case .proveTLS(let proof)? = plan.steps.last?.action else { Issue.record("no proof"); return }
            #expect(proof.hostNames == [TLSLab.hostName])
            let apply = try await run(["apply", "--only", "tls"])
            #expect(apply.status == 0, "\(apply.standardOutput)\n\(apply.standardError)")
            let primary = try #require(try site.inventory().primary)
            let served = try await WireProbe(host: primary.host, port: primary.port).scanTLS()
            let leaf = try CertificateFacts(der: try #require(served.certificateChain.first))
            #expect(leaf.dnsNames.contains(TLSLab.hostName) && leaf.ipAddresses.isEmpty)

            #expect(try await run(["undo"]).status == 0)
            #expect(try TLSLab.serverFiles(site) == before)
            #expect(!AtomicFile.exists(primary.dataDirectory + "/server.key"))
        }
    }

    /// A standby made by pg_basebackup serves its own copy of the certificate; after
    /// hostssl-only its replication connection comes back over TLS.
    @Test("with a standby: its own TLS settings, and it reconnects over TLS")
    func standbyReconnectsOverTLS() async throws {
        try await withLab(standby: true) { site in
            try await TLSLab.installCertificates(site)
            try await TLSLab.pointConsumersAtHostName(site)
            _ = try await ReplicaProvisioner(access: try site.access()).add("db2")
            let access = try site.access()
            try await TLSLab.services(site) { $0.requireSSL = true; $0.tlsMinimum = .tls1_2 }

            let plan = try await SitePlanner.plan(access, only: [.tls])
            #expect(plan.steps.contains { $0.id == "db2/setting/ssl" })
            guard case .proveTLS(let proof)? = plan.steps.first(where: { $0.id == "db1/tls/proof" })?.action else { Issue.record("no proof"); return }
            #expect(proof.standbysOverTLS == ["db2"])
            let outcome = try await TLSLab.executor(access).run(plan)
            guard case .completed = outcome else { Issue.record("apply failed: \(outcome)"); return }

            let primary = try access.node("db1")
            let ssl = try await access.withSuperuser(on: primary) { session in
                try await session.value("SELECT s.ssl::text FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid WHERE r.application_name = 'db2'")
            }
            #expect(ssl == "true")
            #expect(try await access.withSuperuser(on: try access.node("db2")) { try await $0.value("SHOW ssl") } == "on")
            #expect(try await SitePlanner.plan(access, only: [.tls]).steps.isEmpty)
        }
    }
}
