// MARK: - pg_hba.conf as earlier steps of a plan leave it

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
