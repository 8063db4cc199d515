import ArgumentParser
import Foundation
import WardenCore
import WardenHost
import WardenPostgres

// MARK: - Options shared by commands

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--inventory PATH` (default `$PGWARDEN_INVENTORY`, else `./warden.yaml`).
struct InventoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site's inventory.", valueName: "path"))
    var inventory: String?

    var path: String {
        let given = inventory ?? ProcessInfo.processInfo.environment["PGWARDEN_INVENTORY"] ?? "warden.yaml"
        return PathResolution.resolve(given, against: FileManager.default.currentDirectoryPath)
    }

    func load() throws -> Inventory {
        let text: String
        do {
            text = try AtomicFile.readText(path)
        } catch {
            throw HostError(.io, "cannot read inventory \(path): \(error.message)", hint: "pass --inventory PATH, set PGWARDEN_INVENTORY, or create one with `pgwarden lab up`")
        }
        return try InventoryParser.parse(text, path: path)
    }
}

extension InventoryOptions {
    /// Loads the inventory for a command that changes the site: takes the site's lock
    /// (``SiteLock``) before any fact is collected and holds it until the process ends, and
    /// makes Ctrl-C, SIGTERM and SIGHUP stop at the next step boundary (``Interruption``).
    /// A second writer gets exit 2 naming the holder.
    ///
    /// - Parameter waitSeconds: how long to wait for another writer to finish (failover and
    ///   switchover wait a while; everything else is refused at once).
    func loadForChange(_ command: String, waitSeconds: Double = 0) throws -> Inventory {
        let inventory = try load()
        SiteWriter.held.append(try SiteLock.acquire(stateDirectory: inventory.stateDirectory, site: inventory.site, command: "pgwarden \(command)", waitSeconds: waitSeconds))
        Interruption.install()
        return inventory
    }

    /// ``loadForChange(_:)`` when an inventory was given or `./warden.yaml` exists; nil
    /// for commands that also work on a lone file (`connstr set`).
    func loadForChangeIfPresent(_ command: String) throws -> Inventory? {
        guard inventory != nil || ProcessInfo.processInfo.environment["PGWARDEN_INVENTORY"] != nil || AtomicFile.exists(path) else { return nil }
        return try loadForChange(command)
    }
}

/// The site locks this process holds (until it exits).
enum SiteWriter {
    nonisolated(unsafe) static var held: [SiteLock] = []
}

struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text
}

// MARK: - Printing

enum Console {
    static func out(_ text: String) {
        print(text)
    }

    /// Progress and diagnostics go to stderr so stdout stays parseable (`--format json`).
    /// A closed pipe (`pgwarden apply 2>&1 | head`) is not an error worth dying for in the
    /// middle of a step: the write is dropped (`FileHandle.write(_:)` would trap on EPIPE).
    static func progress(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
