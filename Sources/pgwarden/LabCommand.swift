import ArgumentParser
import Foundation
import WardenLab

// MARK: - pgwarden lab

struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Disposable local sites that look like a fresh install of the reference deployment.",
        subcommands: [Up.self, Status.self, Down.self]
    )

    struct DirectoryOption: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("Folder of the lab.", valueName: "dir"))
        var dir: String = ".pgwarden-lab"
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a lab: a PostgreSQL primary on 127.0.0.1, service configs, warden.yaml.")
        @OptionGroup var directory: DirectoryOption
        @Flag(help: "Also reserve a second database node (folder and port) for `replica add`.")
        var standby = false
        @Option(name: .customLong("bin-dir"), help: ArgumentHelp("PostgreSQL's bin folder (default: found automatically).", valueName: "dir"))
        var binDir: String?
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let site = try await LabSite.up(directory: directory.dir, standby: standby, binDirectory: binDir) { Console.progress($0) }
                if output.format == .json {
                    try Console.json(["directory": site.directory, "inventory": site.inventoryPath])
                    return
                }
                let primary = site.state.nodes[0]
                Console.out("""
                Lab is up in \(site.directory)
                  primary db1     127.0.0.1:\(primary.port) (PostgreSQL \(site.state.majorVersion)), md5 everywhere, ssl off
                \(site.state.nodes.count > 1 ? "  reserved db2    127.0.0.1:\(site.state.nodes[1].port) (standby, not provisioned)\n" : "")\
                  service nodes   central (11 configs), rim1 (3 configs), plaintext passwords
                  stored password \(site.directory)/nodes/central/AppData/postgresql/pgpass.conf
                  inventory       \(site.inventoryPath)

                Try next:
                  export PGWARDEN_INVENTORY=\(site.inventoryPath)
                  pgwarden inventory check
                  pgwarden plan
                  pgwarden apply && pgwarden undo
                  pgwarden lab down --dir \(site.directory)
                """)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether each server of the lab is running and accepting connections.")
        @OptionGroup var directory: DirectoryOption
        @OptionGroup var output: FormatOptions

        func run() async throws {
            try await reportingErrors {
                let site = try LabSite.open(directory: directory.dir)
                let nodes = await site.status()
                if output.format == .json {
                    try Console.json(nodes)
                } else {
                    for node in nodes {
                        let state = !node.provisioned ? "reserved (not provisioned)" : node.acceptsConnections ? "running, accepting connections" : "DOWN: \(node.problem ?? "unknown")"
                        Console.out("\(node.name)  \(node.role)  127.0.0.1:\(node.port)  \(state)")
                    }
                }
                if nodes.contains(where: { $0.provisioned && !$0.acceptsConnections }) { throw ExitCode(1) }
            }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every server the lab started and remove its folder.")
        @OptionGroup var directory: DirectoryOption

        func run() async throws {
            try await reportingErrors {
                let site = try LabSite.open(directory: directory.dir)
                try await site.down()
                Console.out("Lab in \(site.directory) stopped and removed.")
            }
        }
    }
}
