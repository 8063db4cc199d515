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
        let path = try realFile(path)
        var existing = stat()
        let exists = stat(path, &existing) == 0
        if exists, existing.st_nlink > 1 {
            throw HostError(.io, "\(path) has \(existing.st_nlink) hard links; replacing it would leave the other names with the old bytes",
                            hint: "make it a single file (or a symlink to one) and run again")
        }
        try requireSpace(for: bytes.count, in: PathResolution.directory(of: path), target: path)
        var madeBackup: String?
        if exists, let backupPath {
            try keepBackup(try read(path), at: backupPath)
            madeBackup = backupPath
        }
        let directory = PathResolution.directory(of: path)
        let temporaryPath = try writeTemporary(bytes, next: path) { fd, temporaryPath throws(HostError) in
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
            if exists { try copyExtendedAttributes(from: path, to: fd, temporaryPath: temporaryPath) }
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporaryPath) }
        }
        if let beforeRename {
            do { try beforeRename(temporaryPath) } catch let error as HostError { throw error } catch {
                throw HostError(.io, "write of \(path) interrupted: \(error)")
            }
        }
        try FaultPoint.reach("file.before-rename")
        guard rename(temporaryPath, path) == 0 else { throw HostError.posix("replace", path, errno: errno) }
        renamed = true
        try FaultPoint.reach("file.renamed")
        try syncDirectory(directory)
        return madeBackup
    }

    /// Creates `path` with `bytes` only if it does not exist yet (owner-only files, keys):
    /// written under a temporary name, flushed, then linked into place (`link(2)` fails when
    /// the name exists, so nothing is ever overwritten), and the folder flushed. A crash
    /// leaves either no file or the whole file under its name, never a truncated one.
    public static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws(HostError) {
        let temporaryPath = try writeTemporary(bytes, next: path, mode: mode)
        defer { unlink(temporaryPath) }
        guard link(temporaryPath, path) == 0 else { throw HostError.posix("create", path, errno: errno) }
        try syncDirectory(PathResolution.directory(of: path))
    }

    /// Puts a file back to the bytes kept in `backupPath`: the one undo of every step that
    /// replaced a file (service configs, pg_hba.conf, TLS files).
    ///
    /// Nothing happens when the file already holds its old bytes. It refuses to write over a
    /// file that is neither what the step wrote (`writtenSHA256`) nor the old one (someone
    /// edited it since), and a backup that is not the file the step replaced; after writing
    /// it reads the file again to prove the old bytes are back.
    /// A `vault` opens a sealed backup (``BackupVault``).
    public static func restore(_ path: String, from backupPath: String, previousSHA256: String, writtenSHA256: String, vault: BackupVault? = nil) throws(HostError) {
        let current = exists(path) ? FileDigest.sha256(try read(path)) : nil
        if current == previousSHA256 { return }
        guard current == writtenSHA256 else {
            throw HostError(.verification, "\(path) changed after pgwarden wrote it; not restoring over someone else's edit",
                            hint: "compare it with the backup \(backupPath) and restore by hand")
        }
        let old: [UInt8]
        if let vault { old = try vault.read(backupPath) } else { old = try read(backupPath) }
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
    public static func undoWrite(_ path: String, backupPath: String?, previousSHA256: String?, writtenSHA256: String, vault: BackupVault? = nil) throws(HostError) {
        if let backupPath, let previousSHA256 {
            try restore(path, from: backupPath, previousSHA256: previousSHA256, writtenSHA256: writtenSHA256, vault: vault)
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
    /// at `backupPath`, owner-only and durable before this returns.
    ///
    /// A backup is trusted by its content, not its name: one already there is read back and
    /// kept only when it holds exactly `bytes`. Otherwise (a crash left a bad one) the new
    /// copy goes in under a temporary name and is renamed over it, so a backup another
    /// journal record needs is never deleted or rewritten in place.
    public static func keepBackup(_ bytes: [UInt8], at backupPath: String) throws(HostError) {
        if exists(backupPath), (try? read(backupPath)) == bytes { return }
        try Directories.create(PathResolution.directory(of: backupPath), mode: 0o700)
        let temporaryPath = try writeTemporary(bytes, next: backupPath, mode: 0o600)
        try FaultPoint.reach("backup.before-rename")
        guard rename(temporaryPath, backupPath) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw HostError.posix("keep the backup", backupPath, errno: code)
        }
        try syncDirectory(PathResolution.directory(of: backupPath))
    }

    /// Flushes a folder, so a rename or a new name in it survives a power loss. A failed
    /// fsync is an error: the change it should have made durable may be lost.
    public static func syncDirectory(_ directory: String) throws(HostError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw HostError.posix("open the folder", directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw HostError.posix("flush the folder", directory, errno: errno) }
    }

    /// The name pattern of pgwarden's temporary files: `.NAME.pgwarden-XXXXXX` next to NAME.
    public static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let range = name.range(of: ".pgwarden-", options: .backwards) else { return false }
        return name[range.upperBound...].count == 6
    }

    /// Removes temporary files a killed run left next to `paths` (only names of pgwarden's
    /// own pattern, in exactly those folders); returns the paths removed.
    public static func removeLeftoverTemporaries(nextTo paths: [String]) -> [String] {
        var removed: [String] = []
        for directory in Set(paths.map(PathResolution.directory(of:))) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names.sorted() where isTemporaryName(name) {
                let base = String(name.dropFirst().dropLast(".pgwarden-XXXXXX".count))
                guard paths.contains(where: { ($0 as NSString).lastPathComponent == base }) else { continue }
                let path = directory + "/" + name
                if unlink(path) == 0 { removed.append(path) }
            }
        }
        return removed
    }

    // MARK: What rename(2) would silently change

    /// The file a write must replace: a symlink is followed to its target (renaming over the
    /// link would fork a file that configuration management keeps elsewhere).
    static func realFile(_ path: String) throws(HostError) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else {
            throw HostError.posix("follow the symlink", path, errno: errno, hint: "the link points nowhere; fix or remove it")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Refuses a write the folder has no room for: the new file and its old copy must fit
    /// side by side until the rename, plus room for the rollback's own writes.
    static func requireSpace(for size: Int, in directory: String, target: String) throws(HostError) {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return }
        let available = Int(info.f_bavail) * Int(info.f_frsize)
        let needed = 2 * size + 64 * 1024
        guard available >= needed else {
            throw HostError.posix("write", target, errno: ENOSPC,
                                  hint: "\(directory) has \(available) bytes free; writing safely needs \(needed) (the new file beside the old, and room to roll back)")
        }
    }

    /// POSIX ACLs, SELinux labels and other extended attributes live on the inode, which a
    /// rename replaces: copied onto the new file first, or the write is refused (a password
    /// file must not become readable by others, or unreadable by its own service).
    static func copyExtendedAttributes(from path: String, to fd: Int32, temporaryPath: String) throws(HostError) {
        guard let xattr = ExtendedAttributes.functions else { return }
        let size = xattr.list(path, nil, 0)
        guard size > 0 else { return }
        var names = [CChar](repeating: 0, count: size)
        let got = xattr.list(path, &names, size)
        guard got > 0 else { return }
        for name in names[0..<got].split(separator: 0).map({ String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }) {
            let length = xattr.get(path, name, nil, 0)
            guard length >= 0 else { continue }
            var value = [UInt8](repeating: 0, count: max(length, 1))
            let read = value.withUnsafeMutableBytes { xattr.get(path, name, $0.baseAddress, length) }
            guard read >= 0 else { continue }
            let set = value.withUnsafeBytes { xattr.fset(fd, name, $0.baseAddress, read, 0) }
            guard set == 0 else {
                throw HostError.posix("copy the extended attribute \(name) of \(path) to", temporaryPath, errno: errno,
                                      hint: "pgwarden keeps ACLs and labels across a write; it refuses rather than drop them")
            }
        }
    }

    // MARK: Internals

    /// `bytes` in a new temporary file next to `path` (same filesystem, so the rename is
    /// atomic), with `mode`, flushed; returns its path.
    private static func writeTemporary(_ bytes: [UInt8], next path: String, mode: mode_t) throws(HostError) -> String {
        try writeTemporary(bytes, next: path) { fd, temporaryPath throws(HostError) in
            guard fchmod(fd, mode) == 0 else { throw HostError.posix("set the mode of", temporaryPath, errno: errno) }
        }
    }

    /// `bytes` in a new temporary file next to `path`; `attributes` sets owner and mode on
    /// the open descriptor before the flush, so no reader ever sees the wrong ones.
    private static func writeTemporary(_ bytes: [UInt8], next path: String,
                                       attributes: (Int32, String) throws(HostError) -> Void) throws(HostError) -> String {
        let directory = PathResolution.directory(of: path)
        var template = Array("\(directory)/.\((path as NSString).lastPathComponent).pgwarden-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard fd >= 0 else { throw HostError.posix("create a temporary file next to", path, errno: errno) }
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(HostError) {
            defer { close(fd) }
            try writeAll(fd, bytes, path: temporaryPath)
            try attributes(fd, temporaryPath)
            guard fsync(fd) == 0 else { throw HostError.posix("flush", temporaryPath, errno: errno) }
        } catch {
            unlink(temporaryPath)
            throw error
        }
        return temporaryPath
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

}

// MARK: - Folders

public enum Directories {
    /// Creates `path` and its parents (like `mkdir -p`); existing folders are left as they
    /// are. The parent of each folder made here is flushed, so the new names survive a crash.
    public static func create(_ path: String, mode: mode_t = 0o755) throws(HostError) {
        var missing: [String] = []
        var probe = path
        while !probe.isEmpty, probe != "/", !AtomicFile.exists(probe) {
            missing.append(probe)
            probe = (probe as NSString).deletingLastPathComponent
        }
        guard !missing.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw HostError(.io, "cannot create folder \(path): \((error as NSError).localizedDescription)", hint: "check that the parent folder exists and is writable")
        }
        for folder in missing.reversed() {
            try AtomicFile.syncDirectory(PathResolution.directory(of: folder))
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

// MARK: - Extended attributes

/// `listxattr`, `getxattr` and `fsetxattr` from the C library. Swift's Glibc module does not
/// import `<sys/xattr.h>`, so they are looked up once by name.
enum ExtendedAttributes {
    typealias List = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>?, Int) -> Int
    typealias Get = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    typealias FSet = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32

    struct Functions {
        var list: List
        var get: Get
        var fset: FSet
    }

    static let functions: Functions? = {
        guard let list = dlsym(nil, "listxattr"), let get = dlsym(nil, "getxattr"), let fset = dlsym(nil, "fsetxattr") else { return nil }
        return Functions(list: unsafeBitCast(list, to: List.self), get: unsafeBitCast(get, to: Get.self), fset: unsafeBitCast(fset, to: FSet.self))
    }()
}
