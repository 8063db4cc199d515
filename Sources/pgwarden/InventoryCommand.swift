import ArgumentParser
import Foundation
import WardenCore
import WardenHost

// MARK: - pgwarden inventory

struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Work with warden.yaml, the description of the site.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the inventory and summarise it (errors as FILE:LINE:COL with a hint).")
        @OptionGroup var inventoryOptions: InventoryOptions
        @OptionGroup var output: FormatOptions

        struct Summary: Encodable {
            var site: String
            var inventory: String
            var databaseNodes: [String]
            var serviceNodes: [String]
            var services: Int
            var secrets: [String]
        }

        func run() async throws {
            try await reportingErrors {
                let inventory = try inventoryOptions.load()
                let notes = try LocalDataDirectories.check(inventory, text: try AtomicFile.readText(inventoryOptions.path), path: inventoryOptions.path, kind: Self.kind)
                for note in notes { Console.progress("note: \(note)") }
                let summary = Summary(
                    site: inventory.site, inventory: inventoryOptions.path,
                    databaseNodes: inventory.databaseNodes.map { "\($0.name) (\($0.role.rawValue)) \($0.host):\($0.port)" },
                    serviceNodes: inventory.serviceNodes.map { "\($0.name) \($0.address)" },
                    services: inventory.services.count,
                    secrets: inventory.secrets.keys.sorted().map { "\($0) → \(inventory.secrets[$0]?.description ?? "")" })
                if output.format == .json { try Console.json(summary); return }
                Console.out("\(inventoryOptions.path): OK — site '\(summary.site)'")
                Console.out("  database nodes: \(summary.databaseNodes.joined(separator: ", "))")
                Console.out("  service nodes:  \(summary.serviceNodes.joined(separator: ", "))")
                Console.out("  services:       \(summary.services) config files")
                for (node, count) in Dictionary(grouping: inventory.services, by: \.node).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
                    Console.out("    \(node): \(count)")
                }
                Console.out("  secrets:        \(summary.secrets.joined(separator: "; "))")
            }
        }

        /// What is at `path` on this machine (symbolic links followed).
        static func kind(_ path: String) -> PathKind {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
            return isDirectory.boolValue ? .directory : .otherFile
        }
    }
}
