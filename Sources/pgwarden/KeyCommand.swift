import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - pgwarden key init | rotate

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "The site's sealing key (AES-256-GCM) for passwords written into service configs and the secret store.",
        subcommands: [Init.self, Rotate.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a random 256-bit key, readable by its owner only (STATE_DIR/sealing.key unless --key).")
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let keyFile = try keyOptions.keyFile(inventory: inventoryOptions)
                let key = try keyFile.create()
                if output.format == .json { try Console.json(["key": keyFile.path, "keyID": key.id]); return }
                Console.out("Created sealing key \(key.id) at \(keyFile.path) (mode 0600). Back it up: sealed values cannot be opened without it.")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new key and re-seal everything the inventory knows (service files, secret store) with it.",
            discussion: "The old key is kept in keys/OLDID.key next to the key file, so values not yet re-sealed still open. Service files are re-sealed as one journaled change (`pgwarden undo` restores them).")
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.loadForChange("key rotate")
                let keyFile = try keyOptions.keyFile(inventory: inventoryOptions)
                // Refuse early if a file cannot be planned, before the key changes.
                _ = try ServiceFleet.read(inventory.services).map { try ServiceConfig(text: $0.text, profile: $0.service.profile, file: $0.service.file) }
                let (old, new) = try keyFile.rotate()
                Console.progress("new key \(new.id); old key \(old.id) kept in \(keyFile.retiredDirectory)")
                let store = SecretStoreFile(path: inventory.stateDirectory + "/secrets.sealed", keyFile: keyFile)
                var contents = try store.load()
                let resealedSecrets = try contents.reseal(with: new, keys: [new] + (try keyFile.retiredKeys()))
                if resealedSecrets > 0 { try store.save(contents) }
                var request = ServiceChangeRequest()
                request.resealPasswords = true
                let plan = try ServiceFleet.plan(inventory, request: request, keyFile: keyFile)
                Console.progress("re-sealed \(resealedSecrets) store secret(s); \(plan.steps.count) service file(s) to re-seal")
                let performer = SiteStepPerformer(access: SiteAccess(inventory: inventory), keyFile: keyFile)
                try await PlanRunner.run(plan, inventory: inventory, command: "key rotate", performer: performer, format: output.format)
            }
        }
    }
}

// MARK: - pgwarden secret set | list

struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "The site's sealed secret store (refer to a value in warden.yaml as store:NAME).",
        subcommands: [Set.self, List.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seal a password into the store; it is read from a no-echo prompt or stdin.")
        @Argument(help: ArgumentHelp("The name, e.g. postgres (then write `postgres: store:postgres` under secrets:).", valueName: "name"))
        var name: String
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.loadForChange("secret set")
                let keyFile = try keyOptions.keyFile(inventory: inventoryOptions)
                let store = SecretStoreFile(path: inventory.stateDirectory + "/secrets.sealed", keyFile: keyFile)
                var contents = try store.load()
                try contents.set(name, to: try SecretInput.read(prompt: "Password for \(name):"), key: try keyFile.load())
                try store.save(contents)
                if output.format == .json { try Console.json(["name": name, "store": store.path, "reference": "store:\(name)"]); return }
                Console.out("Sealed '\(name)' into \(store.path). Refer to it as store:\(name).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the names in the store and the key each is sealed with (never values).")
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.load()
                let contents = try SecretStoreFile.default(stateDirectory: inventory.stateDirectory).load()
                let rows = contents.entries.map { ["name": $0.name, "keyID": $0.value.keyID] }
                if output.format == .json { try Console.json(rows); return }
                if rows.isEmpty { Console.out("The store is empty.") }
                for entry in contents.entries { Console.out("\(entry.name)  sealed with key \(entry.value.keyID)") }
            }
        }
    }
}
