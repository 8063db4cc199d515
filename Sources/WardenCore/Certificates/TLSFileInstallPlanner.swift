// MARK: - The step that puts issued TLS files where the server reads them

/// One file of an ``StepAction/installTLSFiles(node:files:)`` step.
///
/// Apply refuses when the source no longer hashes to `sourceSHA256` (re-issued since the
/// plan) or the target is neither `expectedSHA256` (what the plan saw; nil = no file) nor
/// already the source; it then writes the target atomically, owned by the data directory's
/// owner with `mode`, keeping the old bytes as a backup.
public struct TLSFileCopy: Sendable, Hashable, Codable {
    public var role: TLSFileRole
    /// The issued file (state directory).
    public var source: String
    public var sourceSHA256: String
    /// Where the server reads it (data directory).
    public var target: String
    /// The target's hash when the plan was made; nil when there was no file.
    public var expectedSHA256: String?
    public var mode: Int

    public init(role: TLSFileRole, source: String, sourceSHA256: String, target: String, expectedSHA256: String?, mode: Int) {
        self.role = role
        self.source = source
        self.sourceSHA256 = sourceSHA256
        self.target = target
        self.expectedSHA256 = expectedSHA256
        self.mode = mode
    }
}

/// What undo needs for one installed file: the old bytes' backup and hash (nil: there was
/// no file, undo removes it), what was written, and the old mode and owner.
public struct TLSFileUndo: Sendable, Hashable, Codable {
    public var target: String
    public var backupPath: String?
    public var previousSHA256: String?
    public var writtenSHA256: String
    public var previousMode: Int?
    public var previousOwner: FileOwner?

    public init(target: String, backupPath: String?, previousSHA256: String?, writtenSHA256: String, previousMode: Int?, previousOwner: FileOwner?) {
        self.target = target
        self.backupPath = backupPath
        self.previousSHA256 = previousSHA256
        self.writtenSHA256 = writtenSHA256
        self.previousMode = previousMode
        self.previousOwner = previousOwner
    }
}

/// Decides whether a node's data directory needs the TLS files pgwarden issued for it.
///
/// This is the hook for the TLS planner (`apply --only tls`) and for `tls issue|import|rotate`:
///
/// ```swift
/// // issued: TLSFileLocations.issued(node:inventory:) read with hashes (WardenHost's TLSFileSurvey)
/// // installed: the data directory's server.crt / server.key / root.crt, same way
/// if let step = TLSFileInstallPlanner.step(node: "db1", issued: issued, installed: installed, owner: dataDirectoryOwner) {
///     steps.append(step)   // before the ssl settings that name these files
/// }
/// ```
///
/// Returns nil when nothing is issued yet (all three files are needed) or when the data
/// directory already holds the issued bytes with the right owner and mode. A key whose
/// owner or mode is wrong (PostgreSQL refuses a key others can read) is rewritten even when
/// its bytes are right. The performer reloads the server after copying when ssl is on.
public enum TLSFileInstallPlanner {
    public static func step(node: String, issued: TLSFileSet, installed: TLSFileSet, owner: FileOwner) -> PlannedStep? {
        guard TLSFileRole.allCases.allSatisfy({ issued[$0].exists }) else { return nil }
        var copies: [TLSFileCopy] = []
        var diff: [String] = []
        for role in TLSFileRole.allCases {
            let source = issued[role]
            let target = installed[role]
            guard let sourceHash = source.sha256 else { continue }
            let contentDiffers = target.sha256 != sourceHash
            let ownerDiffers = target.owner != owner
            guard contentDiffers || ownerDiffers || !role.accepts(mode: target.mode) else { continue }
            copies.append(TLSFileCopy(role: role, source: source.path, sourceSHA256: sourceHash, target: target.path,
                                      expectedSHA256: target.sha256, mode: role.mode))
            diff += describe(role, from: target, to: sourceHash, owner: owner, contentDiffers: contentDiffers)
        }
        guard !copies.isEmpty else { return nil }
        let names = copies.map(\.role.fileName).joined(separator: ", ")
        return PlannedStep(
            id: "\(node)/tls/files",
            title: "\(node): install \(names) in the data directory",
            reason: "the server must read the certificate and key pgwarden issued for it (owner-only key, owned by the data directory's owner)",
            diff: diff,
            action: .installTLSFiles(node: node, files: copies))
    }

    static func describe(_ role: TLSFileRole, from target: TLSFileState, to hash: String, owner: FileOwner, contentDiffers: Bool) -> [String] {
        let mode = "mode " + octal(role.mode) + ", owner " + owner.description
        guard target.exists else { return ["+ \(role.fileName)  sha256 \(hash.prefix(16))…  \(mode)"] }
        let was = "mode " + (target.mode.map(octal) ?? "?") + ", owner " + (target.owner?.description ?? "?")
        if contentDiffers {
            return ["- \(role.fileName)  sha256 \(target.sha256?.prefix(16) ?? "")…  \(was)",
                    "+ \(role.fileName)  sha256 \(hash.prefix(16))…  \(mode)"]
        }
        return ["~ \(role.fileName)  \(was) → \(mode)"]
    }

    static func octal(_ mode: Int) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
