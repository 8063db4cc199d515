// MARK: - data_dir of nodes on this machine must exist

/// What is at a path on this machine, as the caller found it.
public enum PathKind: Sendable, Hashable {
    case directory
    case otherFile
    case missing
}

/// `inventory check`'s refusal of an `access: local` database node whose `data_dir` is not a
/// directory on this machine.
///
/// Everything pgwarden does to a local node's files and processes starts from its data
/// directory: a wrong one is not harmless. A failover judged the old primary "unreachable
/// and not on this machine" from a data_dir that did not exist, and promoted a second
/// primary. Existence is checked here; whether the directory is the cluster the node serves
/// is a separate check.
public enum LocalDataDirectories {
    /// Throws for the first local node whose `data_dir` is missing or not a directory;
    /// `kind` looks at the path (the one piece of I/O, done by the caller). `text` and
    /// `path` are the inventory's, to point at the `data_dir:` value.
    ///
    /// A standby whose data_dir does not exist yet is not refused: `pgwarden replica add`
    /// makes it. It comes back as a note. Every other role must have its directory.
    @discardableResult
    public static func check(_ inventory: Inventory, text: String, path: String, kind: (String) -> PathKind) throws(CoreError) -> [String] {
        var notes: [String] = []
        for node in inventory.databaseNodes where node.access == .local {
            let found = kind(node.dataDirectory)
            guard found != .directory else { continue }
            if found == .missing, node.role == .standby {
                notes.append("standby '\(node.name)' is not provisioned yet (no \(node.dataDirectory)); create it with `pgwarden replica add \(node.name)`")
                continue
            }
            let what = found == .missing ? "does not exist" : "is not a directory"
            throw CoreError(
                .notFound, "database node '\(node.name)' (access: local): data_dir \(node.dataDirectory) \(what) on this machine",
                hint: "give the directory that holds the node's PG_VERSION (on the server: SHOW data_directory), as an absolute path or relative to \(PathResolution.directory(of: path)); run pgwarden on the machine that holds it",
                file: path, position: InventoryParser.position(of: "data_dir", inDatabaseNode: node.name, text: text))
        }
        return notes
    }
}

extension InventoryParser {
    /// Where `key`'s value of database node `name` is written in `text`, for problems found
    /// after parsing (on disk, on the network); nil when the text does not say.
    public static func position(of key: String, inDatabaseNode name: String, text: String) -> TextPosition? {
        guard let root = try? YAMLMapping.root(text, file: ""),
              let nodes = try? root.sequence("database_nodes"),
              let node = nodes.first(where: { (try? $0.string("name")) == name }) else { return nil }
        return node.value(key)?.position
    }
}
