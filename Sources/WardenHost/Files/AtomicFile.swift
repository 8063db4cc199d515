import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Reading and replacing files safely

/// Whole-file reads and atomic replacement.
///
/// A write never leaves a half-written file: the new bytes go to a temporary file in the
/// same folder, are flushed to disk, get the old file's owner and mode, and then replace
/// the old file with one `rename(2)`; the folder is flushed too, so the rename survives a
/// crash. Before that, the old bytes are copied to a backup, so every write can be undone.
public enum AtomicFile {
    /// Called between "temporary file complete" and "rename"; tests use it to prove that a
    /// failure at that point leaves the original intact. Production code passes nothing.
    public typealias BeforeRename = @Sendable (_ temporaryPath: String) throws -> Void

    public static func read(_ path: String) throws(HostError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HostError.posix("read", path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HostError.posix("read", path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// Reads a file that must be UTF-8 text (configs we parse and edit).
    public static func readText(_ path: String) throws(HostError) -> String {
        let bytes = try read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HostError(.io, "\(path) is not UTF-8 text", hint: "pgwarden edits UTF-8 files only; re-save the file as UTF-8 (a BOM is fine)")
        }
        return text
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Replaces `path` with `bytes` atomically. If `path` exists, its bytes are first copied
    /// to `backupPath` (when given), and the new file keeps its owner and mode; a new file
    /// gets `mode`. With `owner`, the file gets that owner and `mode` whatever the old one
    /// had (for files whose owner and mode are part of the change, like a server's TLS key);
    /// both are set before the rename, so no reader ever sees the new bytes with the wrong
    /// owner. Returns the backup's path, if one was made.
    @discardableResult
    public static func write(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, backupPath: String? = nil,
        owner: FileOwner? = nil, beforeRename: BeforeRename? = nil
    ) throws(HostError) -> String? {
        var existing = stat()
        let exists = stat(path, &existing) == 0
        var madeBackup: String?
        if exists, let backupPath {
            try copyForBackup(from: path, to: backupPath)
            madeBackup = backupPath
        }
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        var template = Array("\(directory.isEmpty ? "." : directory)/.\(base).pgwarden-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard fd >= 0 else { throw HostError.posix("create a temporary file next to", path, errno: errno) }
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            if !renamed { unlink(temporaryPath) }
        }
        do {
            defer { close(fd) }
            try writeAll(fd, bytes, path: temporaryPath)
            if let owner {
                guard fchown(fd, owner.uid, owner.gid) == 0 else { throw HostError.posix("set the owner of", temporaryPath, errno: errno) }
                guard fchmod(fd, mode) == 0 else { throw HostError.posix("set the mode of", temporaryPath, errno: errno) }
            } else if exists {
                guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw HostError.posix("set the mode of", temporaryPath, errno: errno) }
                if fchown(fd, existing.st_uid, existing.st_gid) != 0 && geteuid() == 0 {
                    throw HostError.posix("set the owner of", temporaryPath, errno: errno)
                }
            } else {
                guard fchmod(fd, mode) == 0 else { throw HostError.posix("set the mode of", temporaryPath, errno: errno) }
            }
            guard fsync(fd) == 0 else { throw HostError.posix("flush", temporaryPath, errno: errno) }
        }
        if let beforeRename {
            do { try beforeRename(temporaryPath) } catch let error as HostError { throw error } catch {
                throw HostError(.io, "write of \(path) interrupted: \(error)")
            }
        }
        guard rename(temporaryPath, path) == 0 else { throw HostError.posix("replace", path, errno: errno) }
        renamed = true
        syncDirectory(directory.isEmpty ? "." : directory)
        return madeBackup
    }

    /// Creates `path` with `bytes` only if it does not exist yet (owner-only files, keys).
    public static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws(HostError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw HostError.posix("create", path, errno: errno) }
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw HostError.posix("set the mode of", path, errno: errno) }
        try writeAll(fd, bytes, path: path)
        guard fsync(fd) == 0 else { throw HostError.posix("flush", path, errno: errno) }
    }

    /// Puts a file back to the bytes kept in `backupPath`: the one undo of every step that
    /// replaced a file (service configs, pg_hba.conf, TLS files).
    ///
    /// Nothing happens when the file already holds its old bytes. It refuses to write over a
    /// file that is neither what the step wrote (`writtenSHA256`) nor the old one (someone
    /// edited it since), and a backup that is not the file the step replaced; after writing
    /// it reads the file again to prove the old bytes are back.
    public static func restore(_ path: String, from backupPath: String, previousSHA256: String, writtenSHA256: String) throws(HostError) {
        let current = exists(path) ? FileDigest.sha256(try read(path)) : nil
        if current == previousSHA256 { return }
        guard current == writtenSHA256 else {
            throw HostError(.verification, "\(path) changed after pgwarden wrote it; not restoring over someone else's edit",
                            hint: "compare it with the backup \(backupPath) and restore by hand")
        }
        let old = try read(backupPath)
        guard FileDigest.sha256(old) == previousSHA256 else {
            throw HostError(.verification, "backup \(backupPath) is not the file pgwarden replaced (hash differs)",
                            hint: "restore \(path) by hand from your own backups")
        }
        try write(old, to: path)
        guard FileDigest.sha256(try read(path)) == previousSHA256 else {
            throw HostError(.verification, "\(path) does not hold its old bytes after undo")
        }
    }

    /// Undoes a step that wrote `path`: restores the old bytes from `backupPath` (see
    /// ``restore(_:from:previousSHA256:writtenSHA256:)``), or, when the step created the file
    /// (no backup, no previous hash), removes it again, but only if it still holds what the
    /// step wrote.
    public static func undoWrite(_ path: String, backupPath: String?, previousSHA256: String?, writtenSHA256: String) throws(HostError) {
        if let backupPath, let previousSHA256 {
            try restore(path, from: backupPath, previousSHA256: previousSHA256, writtenSHA256: writtenSHA256)
            return
        }
        guard exists(path) else { return }
        guard FileDigest.sha256(try read(path)) == writtenSHA256 else {
            throw HostError(.verification, "\(path) changed after pgwarden created it; not removing someone else's edit",
                            hint: "remove it by hand if it should not be there")
        }
        guard unlink(path) == 0 else { throw HostError.posix("remove", path, errno: errno) }
    }

    /// Where a step keeps the old bytes of a file it replaces: content-addressed under
    /// `STATE_DIR/backups/KIND/`, owner-only, so the same old file is kept once.
    public static func backupPath(stateDirectory: String, kind: String, sha256: String) -> String {
        stateDirectory + "/backups/" + kind + "/" + sha256
    }

    /// Keeps `bytes` (the current content of a file about to be replaced, or left as it is)
    /// at `backupPath`, unless a backup with that content-addressed name is already there.
    public static func keepBackup(_ bytes: [UInt8], at backupPath: String) throws(HostError) {
        guard !exists(backupPath) else { return }
        try Directories.create((backupPath as NSString).deletingLastPathComponent, mode: 0o700)
        try create(bytes, at: backupPath, mode: 0o600)
    }

    // MARK: Internals

    private static func copyForBackup(from path: String, to backupPath: String) throws(HostError) {
        let bytes = try read(path)
        let backupDirectory = (backupPath as NSString).deletingLastPathComponent
        try Directories.create(backupDirectory, mode: 0o700)
        unlink(backupPath)
        try create(bytes, at: backupPath, mode: 0o600)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(HostError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw HostError.posix("write", path, errno: errno)
            }
            offset += written
        }
    }

    public static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

// MARK: - Folders

public enum Directories {
    /// Creates `path` and its parents (like `mkdir -p`); existing folders are left as they are.
    public static func create(_ path: String, mode: mode_t = 0o755) throws(HostError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw HostError(.io, "cannot create folder \(path): \((error as NSError).localizedDescription)", hint: "check that the parent folder exists and is writable")
        }
    }

    public static func remove(_ path: String) throws(HostError) {
        guard AtomicFile.exists(path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw HostError(.io, "cannot remove \(path): \((error as NSError).localizedDescription)")
        }
    }
}
