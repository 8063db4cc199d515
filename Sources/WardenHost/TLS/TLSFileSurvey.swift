import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - What TLS files a node has, issued and installed

/// Reads hashes, modes and owners of a node's TLS files — the ones issued in the state
/// directory and the ones in its data directory — for ``TLSFileInstallPlanner``.
///
/// The TLS planner (`apply --only tls`) and the `tls` commands call ``installStep(for:inventory:)``.
public enum TLSFileSurvey {
    /// The install step `node` needs, or nil when its data directory already holds what was
    /// issued for it (or nothing is issued yet).
    public static func installStep(for node: DatabaseNode, inventory: Inventory) throws(HostError) -> PlannedStep? {
        TLSFileInstallPlanner.step(
            node: node.name, issued: try issued(node: node, inventory: inventory),
            installed: try installed(node: node), owner: try dataDirectoryOwner(node))
    }

    /// The node's issued certificate and key, and the site CA certificate.
    public static func issued(node: DatabaseNode, inventory: Inventory) throws(HostError) -> TLSFileSet {
        try set(TLSFileLocations.issued(node: node.name, inventory: inventory))
    }

    /// server.crt, server.key and root.crt in the node's data directory.
    public static func installed(node: DatabaseNode) throws(HostError) -> TLSFileSet {
        try set(TLSFileLocations.installed(dataDirectory: node.dataDirectory))
    }

    /// Who owns the data directory: the user the server runs as, whom its key must belong to.
    public static func dataDirectoryOwner(_ node: DatabaseNode) throws(HostError) -> FileOwner {
        var info = stat()
        guard stat(node.dataDirectory, &info) == 0 else {
            throw HostError.posix("examine the data directory", node.dataDirectory, errno: errno,
                                  hint: "check data_dir of node \(node.name) in warden.yaml")
        }
        return FileOwner(uid: info.st_uid, gid: info.st_gid)
    }

    /// Hash, mode and owner of `path` (nil hash when there is no file).
    public static func state(_ path: String) throws(HostError) -> TLSFileState {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return TLSFileState(path: path, sha256: nil) }
            throw HostError.posix("examine", path, errno: errno)
        }
        return TLSFileState(path: path, sha256: FileDigest.sha256(try AtomicFile.read(path)),
                            mode: Int(info.st_mode & 0o7777), owner: FileOwner(uid: info.st_uid, gid: info.st_gid))
    }

    private static func set(_ paths: [TLSFileRole: String]) throws(HostError) -> TLSFileSet {
        func read(_ role: TLSFileRole) throws(HostError) -> TLSFileState { try state(paths[role] ?? "") }
        return TLSFileSet(certificate: try read(.certificate), key: try read(.key), rootCertificate: try read(.rootCertificate))
    }
}
