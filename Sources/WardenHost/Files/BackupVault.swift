import Foundation
import WardenCore

// MARK: - Backups of files that hold passwords

/// Where steps keep the old bytes of files that hold passwords — service configs, secret
/// files, pgpass files, a server's TLS key — sealed with the site's key when it has one.
///
/// Why: a backup outlives the change it belongs to. Once `services apply --seal` or
/// `password rotate` has sealed every password in the live files, a plaintext copy of the
/// old file in `STATE_DIR/backups/` would be the one place the password is still readable.
/// Sealed backups (AES-256-GCM, the same key as the sealed values) open again with the
/// current key or a retired one (`keys/`), so undo works across a key rotation.
///
/// On disk a sealed backup is a header line and the sealed text; a backup without the header
/// (no site key, or written by an older pgwarden) is the plain old bytes.
public struct BackupVault: Sendable {
    public let stateDirectory: String
    /// The key that seals new backups; nil, or a file that does not exist, seals nothing.
    public let keyFile: SealingKeyFile?

    static let header = Array("pgwarden sealed backup v1\n".utf8)
    static let context = "pgwarden backup"

    public init(stateDirectory: String, keyFile: SealingKeyFile? = nil) {
        self.stateDirectory = stateDirectory
        self.keyFile = keyFile ?? .default(stateDirectory: stateDirectory)
    }

    /// `STATE_DIR/backups/KIND/SHA256` (content-addressed by the plain bytes).
    public func path(kind: String, sha256: String) -> String {
        AtomicFile.backupPath(stateDirectory: stateDirectory, kind: kind, sha256: sha256)
    }

    /// Keeps `bytes` at `path`, sealed when the site has a key; durable before it returns.
    /// A backup already there is kept when it opens to exactly `bytes`.
    public func keep(_ bytes: [UInt8], at path: String) throws(HostError) {
        if AtomicFile.exists(path), (try? read(path)) == bytes { return }
        try AtomicFile.keepBackup(try stored(bytes), at: path)
    }

    /// The plain old bytes of a backup, opened with the current or a retired key if sealed.
    public func read(_ path: String) throws(HostError) -> [UInt8] {
        let raw = try AtomicFile.read(path)
        guard raw.starts(with: Self.header) else { return raw }
        guard let keyFile, keyFile.exists else {
            throw HostError(.secret, "backup \(path) is sealed and the site's key \(keyFile?.path ?? "") is not there",
                            hint: "put the sealing key back (or pass --key) and run again")
        }
        let text = String(decoding: raw.dropFirst(Self.header.count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let sealed = try SealedSecret(parsing: text)
            for key in [try keyFile.load()] + (try keyFile.retiredKeys()) where key.id == sealed.keyID {
                return try sealed.openBytes(context: Self.context, key: key)
            }
            throw HostError(.secret, "backup \(path) is sealed with key \(sealed.keyID), which is neither the current key nor a retired one",
                            hint: "restore the key file that sealed it into \(keyFile.retiredDirectory)")
        } catch let error as HostError {
            throw error
        } catch {
            throw HostError(.secret, "backup \(path) is sealed but cannot be opened: \(error)", hint: "it may be damaged; restore the file by hand")
        }
    }

    private func stored(_ bytes: [UInt8]) throws(HostError) -> [UInt8] {
        guard let keyFile, keyFile.exists else { return bytes }
        do {
            return Self.header + Array(try SealedSecret.seal(bytes, context: Self.context, key: try keyFile.load()).text.utf8) + [0x0A]
        } catch let error as HostError {
            throw error
        } catch {
            throw HostError(.secret, "could not seal a backup: \(error)")
        }
    }
}
