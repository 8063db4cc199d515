import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The site's sealing key on disk

/// Where the sealing key lives and how it is loaded: `STATE_DIR/sealing.key` by default
/// (`--key PATH` elsewhere), readable by its owner only, refused otherwise; retired keys
/// (after `pgwarden key rotate`) in `keys/KEYID.key` next to it, so values sealed with an
/// older key still open until they are re-sealed.
public struct SealingKeyFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The default key file of an inventory's site.
    public static func `default`(stateDirectory: String) -> SealingKeyFile {
        SealingKeyFile(path: stateDirectory + "/sealing.key")
    }

    /// The folder retired keys are kept in.
    public var retiredDirectory: String {
        (path as NSString).deletingLastPathComponent + "/keys"
    }

    public var exists: Bool { AtomicFile.exists(path) }

    // MARK: Creating

    /// Writes a new random key; refuses to overwrite an existing key file.
    @discardableResult
    public func create() throws(HostError) -> SealingKey {
        guard !exists else {
            throw HostError(.secret, "a key file already exists at \(path)", hint: "use `pgwarden key rotate` to replace it; never overwrite a key by hand")
        }
        let key = SealingKey.generate()
        try Directories.create((path as NSString).deletingLastPathComponent, mode: 0o700)
        try AtomicFile.create(Array(key.keyFileText.utf8), at: path, mode: 0o600)
        return key
    }

    /// Replaces the key with a new one; the old one moves to `keys/OLDID.key`. Returns both.
    public func rotate() throws(HostError) -> (old: SealingKey, new: SealingKey) {
        let old = try load()
        let retired = retiredDirectory + "/\(old.id).key"
        try Directories.create(retiredDirectory, mode: 0o700)
        // The old key is durable in keys/ (written, linked into place, folder flushed) before
        // the new one replaces it, and one already there is trusted only when it is this key:
        // losing it would make every value sealed under it unreadable.
        let oldText = Array(old.keyFileText.utf8)
        if !AtomicFile.exists(retired) {
            try AtomicFile.create(oldText, at: retired, mode: 0o600)
        } else if try AtomicFile.read(retired) != oldText {
            throw HostError(.secret, "\(retired) exists but does not hold the current key \(old.id); not rotating",
                            hint: "move that file aside (it may hold a key values are still sealed with) and rotate again")
        }
        let new = SealingKey.generate()
        try AtomicFile.write(Array(new.keyFileText.utf8), to: path, mode: 0o600)
        return (old, new)
    }

    // MARK: Loading

    /// The current key. Refused when the file is readable or writable by anyone but its owner.
    public func load() throws(HostError) -> SealingKey {
        try Self.loadKey(at: path)
    }

    /// Retired keys (from `keys/*.key`), for opening values sealed before a rotation.
    public func retiredKeys() throws(HostError) -> [SealingKey] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: retiredDirectory) else { return [] }
        var keys: [SealingKey] = []
        for name in names.sorted() where name.hasSuffix(".key") {
            keys.append(try Self.loadKey(at: retiredDirectory + "/" + name))
        }
        return keys
    }

    static func loadKey(at path: String) throws(HostError) -> SealingKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw HostError.posix("read the sealing key", path, errno: errno, hint: "create one with `pgwarden key init`, or pass --key PATH")
        }
        guard info.st_mode & 0o077 == 0 else {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw HostError(.secret, "sealing key \(path) is accessible to others (mode \(mode)); refused", hint: "run: chmod 600 \(path)")
        }
        guard info.st_uid == geteuid() else {
            throw HostError(.secret, "sealing key \(path) belongs to another user (uid \(info.st_uid)); refused", hint: "run pgwarden as the key's owner, or chown it")
        }
        let text = try AtomicFile.readText(path)
        do {
            return try SealingKey(keyFileText: text)
        } catch let error as CoreError {
            throw HostError(.secret, "sealing key \(path): \(error.description)", hint: error.hint)
        } catch {
            throw HostError(.secret, "sealing key \(path) cannot be read")
        }
    }
}
