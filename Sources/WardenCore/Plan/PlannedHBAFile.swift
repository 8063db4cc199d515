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

// MARK: - A pg_hba.conf that must parse before anything is planned

extension HBAFileSnapshot {
    /// `bytes` (the pg_hba.conf at `path` of database node `node`) as a snapshot, or the
    /// error that stops a plan before anything is collected or changed.
    ///
    /// PostgreSQL refuses a pg_hba.conf with one bad record as a whole: a reload keeps the
    /// rules it had, a restart does not start at all. A plan that went on around such a file
    /// would apply its other steps and report success while the next restart locks everyone
    /// out, so every scope refuses, pointing at the bad token (`FILE:LINE:COL`).
    public static func requireParsable(_ bytes: [UInt8], path: String, node: String) throws(CoreError) -> HBAFileSnapshot {
        do {
            return HBAFileSnapshot(path: path, file: try HBAFile(bytes: bytes))
        } catch {
            var refusal = error.inFile(path)
            refusal.message = "\(node)'s pg_hba.conf does not parse: \(error.message); nothing was planned or changed"
            let fix = "Correct this line and run the command again: PostgreSQL refuses the whole file too (a reload keeps the old rules, a restart does not start)."
            refusal.hint = error.hint.map { "\($0) \(fix)" } ?? fix
            throw refusal
        }
    }
}
