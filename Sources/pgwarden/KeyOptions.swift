import ArgumentParser
import Foundation
import WardenCore
import WardenHost

// MARK: - Finding the sealing key

/// `--key PATH`, else `$PGWARDEN_KEY`, else the inventory's state directory.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The sealing key file (default: STATE_DIR/sealing.key of the inventory).", valueName: "path"))
    var key: String?

    func keyFile(inventory: InventoryOptions) throws -> SealingKeyFile {
        let cwd = FileManager.default.currentDirectoryPath
        if let key { return SealingKeyFile(path: PathResolution.resolve(key, against: cwd)) }
        if let key = ProcessInfo.processInfo.environment["PGWARDEN_KEY"], !key.isEmpty {
            return SealingKeyFile(path: PathResolution.resolve(key, against: cwd))
        }
        return .default(stateDirectory: try inventory.load().stateDirectory)
    }
}
