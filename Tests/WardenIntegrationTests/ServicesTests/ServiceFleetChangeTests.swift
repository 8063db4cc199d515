import Foundation
import Testing
import WardenCore
import WardenHost

@Suite("Fleet-wide service changes on real files: verified, all-or-nothing, undoable", .serialized)
struct ServiceFleetChangeTests {
    static var requireAndSeal: ServiceChangeRequest {
        var request = ServiceChangeRequest()
        request.requireSSL = true
        request.sealPasswords = true
        request.tlsMinimum = .tls1_2
        return request
    }

    @Test("require SSL + TLS 1.2 + seal over every lab shape; then undo restores the exact bytes")
    func applyAndUndo() async throws {
        try await ServiceSiteFixture.with("apply") { site in
            let before = try site.snapshot()
            let plan = try ServiceFleet.plan(site.inventory(), request: Self.requireAndSeal)
            #expect(plan.steps.count == site.services.count)
            let executor = PlanExecutor(journal: Journal(stateDirectory: site.stateDirectory), performer: ServiceFileStep(stateDirectory: site.stateDirectory))
            guard case .completed(let applied) = try await executor.run(plan) else { Issue.record("apply did not complete"); return }
            #expect(applied == site.services.count)
            let key = try site.keyFile.load()
            for service in site.services {
                let text = try AtomicFile.readText(service.file)
                #expect(!text.contains(ServiceSiteFixture.password), "\(service.file) still holds the plaintext password")
                let config = try ServiceConfig(text: text, profile: service.profile, file: service.file)
                for settings in try config.allSettings() {
                    if settings.driver == .nodeTLS {
                        #expect(settings.tlsOptions?.rawValue == 369098752)
                    } else {
                        #expect(settings.requiresTLS, "\(service.file) \(settings.entry)")
                        #expect(settings.passwordKind == .sealed(keyID: key.id))
                        let sealed = try SealedSecret(parsing: try #require(try config.password(in: settings.entry)).revealed)
                        #expect(try sealed.open(context: config.sealContext(for: settings.entry), key: key).revealed == ServiceSiteFixture.password)
                    }
                }
            }
            // The journal never holds the password.
            let journal = try AtomicFile.readText(site.stateDirectory + "/journal.jsonl")
            #expect(!journal.contains(ServiceSiteFixture.password))

            let undone = try await executor.undoLatest()
            #expect(undone?.undone == site.services.count)
            #expect(try site.snapshot() == before)
        }
    }

    @Test("an injected failure in the middle rolls every file back to its exact bytes", arguments: [1, 4, 9])
    func injectedFailure(failing: Int) async throws {
        try await ServiceSiteFixture.with("fault\(failing)") { site in
            let before = try site.snapshot()
            let plan = try ServiceFleet.plan(site.inventory(), request: Self.requireAndSeal)
            let fault = NthWriteFault(failing: failing)
            let executor = PlanExecutor(journal: Journal(stateDirectory: site.stateDirectory),
                                        performer: ServiceFileStep(stateDirectory: site.stateDirectory, beforeRename: fault.hook))
            let outcome = try await executor.run(plan)
            guard case .rolledBack(let step, let error) = outcome else { Issue.record("expected a rollback, got \(outcome)"); return }
            #expect(step == plan.steps[failing - 1].id)
            #expect(error.contains("injected"))
            #expect(try site.snapshot() == before)
            // No temporary files are left next to the configs.
            for service in site.services {
                let folder = (service.file as NSString).deletingLastPathComponent
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".pgwarden-") }
                #expect(leftovers.isEmpty)
            }
        }
    }

    @Test("a file edited between plan and apply is refused by its hash; nothing stays changed")
    func changedBetweenPlanAndApply() async throws {
        try await ServiceSiteFixture.with("hash") { site in
            let plan = try ServiceFleet.plan(site.inventory(), request: Self.requireAndSeal)
            let victim = site.services[5].file
            try AtomicFile.write(Array((try AtomicFile.readText(victim) + " ").utf8), to: victim)
            let before = try site.snapshot()
            let executor = PlanExecutor(journal: Journal(stateDirectory: site.stateDirectory), performer: ServiceFileStep(stateDirectory: site.stateDirectory))
            guard case .rolledBack(_, let error) = try await executor.run(plan) else { Issue.record("expected a rollback"); return }
            #expect(error.contains("changed on disk since the plan"))
            #expect(try site.snapshot() == before)
        }
    }

    @Test("a file replaced by a folder mid-change: rolled back, the rest untouched")
    func fileBecameFolder() async throws {
        try await ServiceSiteFixture.with("folder") { site in
            let plan = try ServiceFleet.plan(site.inventory(), request: Self.requireAndSeal)
            let victim = site.services[7].file
            try FileManager.default.removeItem(atPath: victim)
            try Directories.create(victim)
            let before = try site.services.filter { $0.file != victim }.map { try AtomicFile.read($0.file) }
            let executor = PlanExecutor(journal: Journal(stateDirectory: site.stateDirectory), performer: ServiceFileStep(stateDirectory: site.stateDirectory))
            guard case .rolledBack = try await executor.run(plan) else { Issue.record("expected a rollback"); return }
            #expect(try site.services.filter { $0.file != victim }.map { try AtomicFile.read($0.file) } == before)
        }
    }

    @Test("a malformed file fails planning with file:line:col and nothing is written")
    func malformedFile() async throws {
        try await ServiceSiteFixture.with("malformed") { site in
            let victim = site.services[3].file
            try AtomicFile.write(Array("{\n  \"qsmq\": { \"host\": }\n}\n".utf8), to: victim)
            let before = try site.snapshot()
            let error = try #require(throws: CoreError.self) { try ServiceFleet.plan(site.inventory(), request: Self.requireAndSeal) }
            #expect(error.file == victim)
            #expect(error.description.hasPrefix("\(victim):2:"))
            #expect(try site.snapshot() == before)
            #expect(!AtomicFile.exists(site.stateDirectory + "/backups"))
        }
    }

    @Test("undo refuses to restore over a file someone edited after apply")
    func undoRefusesForeignEdit() async throws {
        try await ServiceSiteFixture.with("foreign") { site in
            var request = ServiceChangeRequest()
            request.requireSSL = true
            let plan = try ServiceFleet.plan(site.inventory(), request: request)
            let step = ServiceFileStep(stateDirectory: site.stateDirectory)
            let first = plan.steps[0]
            let prepared = try await step.prepare(first)
            try await prepared.act()
            let record = prepared.undo
            try await step.verify(first)
            guard case .editServiceFile(_, let file, _, _, _) = first.action else { return }
            try AtomicFile.write(Array("edited by hand\n".utf8), to: file)
            await #expect(throws: HostError.self) { try await step.undo(first, record: record) }
            #expect(try AtomicFile.readText(file) == "edited by hand\n")
        }
    }

    @Test("key rotation re-seals sealed passwords; old values still open with the retired key")
    func keyRotation() async throws {
        try await ServiceSiteFixture.with("rotate") { site in
            var seal = ServiceChangeRequest()
            seal.sealPasswords = true
            let executor = PlanExecutor(journal: Journal(stateDirectory: site.stateDirectory), performer: ServiceFileStep(stateDirectory: site.stateDirectory))
            guard case .completed = try await executor.run(try ServiceFleet.plan(site.inventory(), request: seal)) else { Issue.record("seal failed"); return }
            let (old, new) = try site.keyFile.rotate()
            #expect(old.id != new.id)
            #expect(try site.keyFile.retiredKeys().map(\.id) == [old.id])
            var reseal = ServiceChangeRequest()
            reseal.resealPasswords = true
            let plan = try ServiceFleet.plan(site.inventory(), request: reseal)
            #expect(plan.steps.count == site.services.count - 2)  // the two services.conf files hold no password
            guard case .completed = try await executor.run(plan) else { Issue.record("re-seal failed"); return }
            for service in site.services {
                let config = try ServiceConfig(text: try AtomicFile.readText(service.file), profile: service.profile, file: service.file)
                for settings in try config.allSettings() where settings.driver != .nodeTLS {
                    #expect(settings.passwordKind == .sealed(keyID: new.id))
                }
            }
        }
    }

    @Test("the key file must be owner-only and is never overwritten")
    func keyFilePermissions() async throws {
        try await ServiceSiteFixture.with("keyperm") { site in
            #expect(throws: HostError.self) { try site.keyFile.create() }
            chmod(site.keyFile.path, 0o644)
            let error = try #require(throws: HostError.self) { try site.keyFile.load() }
            #expect(error.message.contains("accessible to others"))
            #expect(error.hint?.contains("chmod 600") == true)
            chmod(site.keyFile.path, 0o600)
            _ = try site.keyFile.load()
            #expect(throws: HostError.self) { try SealingKeyFile(path: site.root + "/missing.key").load() }
        }
    }

    @Test("sealed secret store: store:NAME resolves; a wrong name or a moved value does not")
    func secretStore() async throws {
        try await ServiceSiteFixture.with("store") { site in
            let store = SecretStoreFile.default(stateDirectory: site.stateDirectory)
            var contents = try store.load()
            try contents.set("postgres", to: Secret("su-pass"), key: try site.keyFile.load())
            try store.save(contents)
            let text = try AtomicFile.readText(store.path)
            #expect(!text.contains("su-pass"))
            let resolver = SecretResolver(environment: [:], store: store)
            #expect(try resolver.resolve(try SecretReference.parse("store:postgres", baseDirectory: "/"), role: "postgres").revealed == "su-pass")
            #expect(throws: HostError.self) { try resolver.resolve(.store(name: "replicator"), role: "replicator") }
            // The same sealed value under another name does not open.
            try AtomicFile.write(Array(text.replacingOccurrences(of: "postgres ", with: "replicator ").utf8), to: store.path)
            #expect(throws: HostError.self) { try resolver.resolve(.store(name: "replicator"), role: "replicator") }
            #expect(throws: CoreError.self) { try SecretReference.parse("store:", baseDirectory: "/") }
        }
    }
}
