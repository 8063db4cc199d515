// MARK: - The file share and its replica, compared

/// The reference page notes that a site's file share must be replicated along with the
/// database: a failover to a database whose share is stale loses apps all the same. A
/// manifest (relative path → size and SHA-256) of each side is compared here.
public struct ShareManifest: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var size: Int
        public var sha256: String
        public init(size: Int, sha256: String) {
            self.size = size
            self.sha256 = sha256
        }
    }

    /// Relative path (with `/`) → entry.
    public var entries: [String: Entry]

    public init(entries: [String: Entry]) {
        self.entries = entries
    }

    /// What differs between a share and its replica.
    public struct Drift: Sendable, Hashable, Codable {
        /// On the share, not on the replica.
        public var missing: [String]
        /// On the replica only.
        public var extra: [String]
        /// On both, with other contents.
        public var differing: [String]
        public var inStep: Bool { missing.isEmpty && extra.isEmpty && differing.isEmpty }

        public var summary: String {
            inStep ? "in step" : "\(missing.count) missing on the replica, \(differing.count) differing, \(extra.count) only on the replica"
        }
    }

    public static func drift(share: ShareManifest, replica: ShareManifest) -> Drift {
        let missing = share.entries.keys.filter { replica.entries[$0] == nil }.sorted()
        let extra = replica.entries.keys.filter { share.entries[$0] == nil }.sorted()
        let differing = share.entries.compactMap { path, entry in
            replica.entries[path].flatMap { $0 == entry ? nil : path }
        }.sorted()
        return Drift(missing: missing, extra: extra, differing: differing)
    }
}
