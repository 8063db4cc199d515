// MARK: - pg_hba.conf as earlier steps of a plan leave it

/// A pg_hba.conf to plan against: where it is, its contents (possibly as an earlier scope's
/// step leaves it, which is why planners take the file, not a path) and the hash a step
/// checks before editing it.
public struct HBAFileSnapshot: Sendable, Hashable {
    public var path: String
    public var file: HBAFile

    public init(path: String, file: HBAFile) {
        self.path = path
        self.file = file
    }

    public var sha256: String { FileDigest.sha256(file.bytes) }
}

extension HBAFile {
    /// This file (read from `path` on `node`) as the pg_hba.conf edits among `steps` leave
    /// it, in order: what a later scope of the same plan must plan against, or its step's
    /// SHA-256 check would refuse a file an earlier step already changed.
    /// - Throws: when a step expects other bytes than the ones before it leave (the steps
    ///   were not planned from this file).
    public func after(_ steps: [PlannedStep], node: String, path: String) throws -> HBAFile {
        var file = self
        for step in steps {
            guard case .editHBAFile(let stepNode, let stepPath, let expected, let result, let edits) = step.action,
                  stepNode == node, stepPath == path else { continue }
            guard FileDigest.sha256(file.bytes) == expected else {
                throw CoreError(.invalid, "step \(step.id) was planned from another \(path) than the one before it",
                                hint: "plan again; if it persists, something edits pg_hba.conf while pgwarden plans")
            }
            file = try file.applying(edits)
            guard FileDigest.sha256(file.bytes) == result else {
                throw CoreError(.invalid, "step \(step.id) does not give the file it planned", hint: "plan again")
            }
        }
        return file
    }
}
