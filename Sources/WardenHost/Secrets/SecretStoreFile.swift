import Foundation
import WardenCore

// MARK: - The sealed secret store on disk

/// `STATE_DIR/secrets.sealed` (owner-only) and the key that opens it.
public struct SecretStoreFile: Sendable {
    public let path: String
    public let keyFile: SealingKeyFile

    public init(path: String, keyFile: SealingKeyFile) {
        self.path = path
        self.keyFile = keyFile
    }

    public static func `default`(stateDirectory: String) -> SecretStoreFile {
        SecretStoreFile(path: stateDirectory + "/secrets.sealed", keyFile: .default(stateDirectory: stateDirectory))
    }

    /// The store's contents; an empty store when the file does not exist yet.
    public func load() throws -> SealedSecretStore {
        guard AtomicFile.exists(path) else { return SealedSecretStore() }
        do {
            return try SealedSecretStore(parsing: try AtomicFile.readText(path))
        } catch let error as CoreError {
            throw error.inFile(path)
        }
    }

    public func save(_ store: SealedSecretStore) throws(HostError) {
        try Directories.create((path as NSString).deletingLastPathComponent, mode: 0o700)
        try AtomicFile.write(Array(store.render().utf8), to: path, mode: 0o600, backupPath: path + ".previous")
    }

    /// Opens `name` with the current or a retired key.
    public func open(_ name: String, role: String) throws(HostError) -> Secret {
        do {
            let keys = [try keyFile.load()] + (try keyFile.retiredKeys())
            return try load().open(name, keys: keys)
        } catch let error as HostError {
            throw error
        } catch let error as CoreError {
            throw HostError(.secret, "secret for '\(role)' (store:\(name)): \(error.description)", hint: error.hint)
        } catch {
            throw HostError(.secret, "secret for '\(role)' (store:\(name)) cannot be opened")
        }
    }
}
