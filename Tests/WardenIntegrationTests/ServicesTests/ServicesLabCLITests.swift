import Foundation
import Testing
import WardenCore
import WardenHost
import WardenLab

/// The whole user path on a real lab (PostgreSQL running): key init, services plan/apply,
/// undo through the journal. The lab is always torn down.
@Suite("pgwarden services on a lab site", .serialized)
struct ServicesLabCLITests {
    static func withLab(_ body: (LabSite) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "pgwarden-svc-lab-\(UInt32.random(in: 0...UInt32.max))"
        let site = try await LabSite.up(directory: directory)
        do {
            try await body(site)
        } catch {
            try? await site.down()
            throw error
        }
        try await site.down()
    }

    @Test("key init → services plan → apply → undo: files require TLS and are sealed, then exactly as before")
    func applyAndUndoThroughCLI() async throws {
        try await Self.withLab { site in
            let inventory = try site.inventory()
            let before = try inventory.services.map { try AtomicFile.read($0.file) }
            let password = try AtomicFile.readText(site.directory + "/secrets/\(LabSite.repositoryRole).password")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let common = ["--inventory", site.inventoryPath]

            let keyInit = try await ConnstrCLITests.run(["key", "init"] + common)
            #expect(keyInit.status == 0, "\(keyInit.standardError)")
            let again = try await ConnstrCLITests.run(["key", "init"] + common)
            #expect(again.status == 2)

            let plan = try await ConnstrCLITests.run(["services", "plan", "--require-ssl", "--seal", "--tls-min", "1.2", "--format", "json"] + common)
            #expect(plan.status == 0, "\(plan.standardError)")
            #expect(!plan.standardOutput.contains(password))
            #expect(plan.standardOutput.contains("editServiceFile"))

            let apply = try await ConnstrCLITests.run(["services", "apply", "--require-ssl", "--seal", "--tls-min", "1.2"] + common)
            #expect(apply.status == 0, "\(apply.standardError)")
            #expect(!apply.standardOutput.contains(password) && !apply.standardError.contains(password))
            for service in inventory.services {
                let text = try AtomicFile.readText(service.file)
                #expect(!text.contains(password))
                let config = try ServiceConfig(text: text, profile: service.profile, file: service.file)
                for settings in try config.allSettings() where settings.driver != .nodeTLS {
                    #expect(settings.requiresTLS)
                }
            }
            let nothing = try await ConnstrCLITests.run(["services", "apply", "--require-ssl", "--seal", "--tls-min", "1.2"] + common)
            #expect(nothing.standardOutput.contains("Nothing to do"))

            let undo = try await ConnstrCLITests.run(["undo"] + common)
            #expect(undo.status == 0, "\(undo.standardError)")
            #expect(try inventory.services.map { try AtomicFile.read($0.file) } == before)
        }
    }

    @Test("secret store end to end: store:postgres logs in; key rotate re-seals the store and every sealed service password")
    func storeAndRotate() async throws {
        try await Self.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let superuserPassword = try AtomicFile.readText(site.directory + "/secrets/\(LabSite.superuser).password")
            #expect(try await ConnstrCLITests.run(["key", "init"] + common).status == 0)
            let set = try await ConnstrCLITests.run(["secret", "set", LabSite.superuser] + common, stdin: superuserPassword)
            #expect(set.status == 0, "\(set.standardError)")
            let yaml = try AtomicFile.readText(site.inventoryPath)
            let pointed = yaml.replacingOccurrences(of: "\(LabSite.superuser): file:secrets/\(LabSite.superuser).password", with: "\(LabSite.superuser): store:\(LabSite.superuser)")
            #expect(pointed != yaml)
            try AtomicFile.write(Array(pointed.utf8), to: site.inventoryPath)
            // `plan` logs in as the superuser: the password now comes from the sealed store.
            let plan = try await ConnstrCLITests.run(["plan"] + common)
            #expect(plan.status == 0, "\(plan.standardError)")

            #expect(try await ConnstrCLITests.run(["services", "apply", "--seal"] + common).status == 0)
            let rotate = try await ConnstrCLITests.run(["key", "rotate", "--format", "json"] + common)
            #expect(rotate.status == 0, "\(rotate.standardError)")
            let newKey = try SealingKeyFile.default(stateDirectory: site.directory + "/state").load()
            let store = try SecretStoreFile.default(stateDirectory: site.directory + "/state").load()
            #expect(store.sealed(LabSite.superuser)?.keyID == newKey.id)
            for service in try site.inventory().services {
                let config = try ServiceConfig(text: try AtomicFile.readText(service.file), profile: service.profile, file: service.file)
                for settings in try config.allSettings() where settings.driver != .nodeTLS {
                    #expect(settings.passwordKind == .sealed(keyID: newKey.id))
                }
            }
            let again = try await ConnstrCLITests.run(["plan"] + common)
            #expect(again.status == 0, "\(again.standardError)")
            let list = try await ConnstrCLITests.run(["secret", "list"] + common)
            #expect(list.standardOutput.contains(newKey.id))
            #expect(!list.standardOutput.contains(superuserPassword.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    @Test("services apply without a key, or with no change asked, is bad input")
    func badInput() async throws {
        try await Self.withLab { site in
            let common = ["--inventory", site.inventoryPath]
            let noKey = try await ConnstrCLITests.run(["services", "plan", "--seal"] + common)
            #expect(noKey.status == 2)
            #expect(noKey.standardError.contains("pgwarden key init"))
            let nothing = try await ConnstrCLITests.run(["services", "plan"] + common)
            #expect(nothing.status == 2)
            let badTLS = try await ConnstrCLITests.run(["services", "plan", "--tls-min", "1.0"] + common)
            #expect(badTLS.status == 2)
        }
    }
}
