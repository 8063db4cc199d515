import Yams

// MARK: - Changing a node's role in warden.yaml, touching nothing else

/// Rewrites the `role:` value of one database node in the inventory's own text, so a
/// failover can record the new primary and the fenced node while every comment, key order
/// and quoting of the user's file stays as it was.
public enum InventoryRoleEdit {
    public static func setRole(_ role: DatabaseNode.Role, ofNode name: String, in text: String, path: String) throws(CoreError) -> String {
        let root = try YAMLMapping.root(text, file: path)
        var match: YAMLMapping?
        for item in try root.sequence("database_nodes") ?? [] where try item.string("name") == name {
            match = item
        }
        guard let node = match else {
            throw CoreError(.notFound, "no database node named \(name) in \(path)", hint: "check the inventory", file: path)
        }
        guard let value = node.value("role"), let mark = value.node.mark else {
            throw node.error("database node \(name) has no role: key to change", hint: "add `role: \(role.rawValue)` to it by hand")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = mark.line - 1
        guard lines.indices.contains(index) else {
            throw node.error("cannot locate the role of \(name)")
        }
        let scalars = Array(lines[index].unicodeScalars)
        let start = mark.column - 1
        guard start < scalars.count else { throw node.error("cannot locate the role of \(name)") }
        var end = start
        if scalars[start] == "\"" || scalars[start] == "'" {
            let quote = scalars[start]
            end = start + 1
            while end < scalars.count, scalars[end] != quote { end += 1 }
            end = min(end + 1, scalars.count)
        } else {
            while end < scalars.count, !" \t,}#\r".unicodeScalars.contains(scalars[end]) { end += 1 }
        }
        var edited = String.UnicodeScalarView()
        edited.append(contentsOf: scalars[..<start])
        edited.append(contentsOf: role.rawValue.unicodeScalars)
        edited.append(contentsOf: scalars[end...])
        lines[index] = String(edited)
        return lines.joined(separator: "\n")
    }
}
