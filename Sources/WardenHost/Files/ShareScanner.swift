import Foundation
import WardenCore

// MARK: - A manifest of a folder tree

/// Walks a folder and records every regular file's size and SHA-256 (links are not followed).
public enum ShareScanner {
    public static func manifest(of root: String) throws(HostError) -> ShareManifest {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HostError(.io, "file share folder \(root) does not exist", hint: "check file_share in the inventory, or mount the share")
        }
        var entries: [String: ShareManifest.Entry] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return ShareManifest(entries: [:]) }
        for case let relative as String in walker {
            let path = root + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let bytes = try AtomicFile.read(path)
            entries[relative] = ShareManifest.Entry(size: bytes.count, sha256: FileDigest.sha256(bytes))
        }
        return ShareManifest(entries: entries)
    }

    /// The drift between the inventory's share and its replica, or nil when none is named.
    public static func drift(_ share: FileShare?) throws(HostError) -> ShareManifest.Drift? {
        guard let share else { return nil }
        return ShareManifest.drift(share: try manifest(of: share.path), replica: try manifest(of: share.replica))
    }
}
