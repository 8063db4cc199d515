// MARK: - An appsettings.json file, losslessly

/// A JSON-with-comments document (as .NET's appsettings.json allows: `//` and `/* */` comments,
/// trailing commas, a byte-order mark) that renders back byte for byte and edits in place.
///
/// ```swift
/// var settings = try JSONCDocument(parsing: text)
/// settings.value(at: ["Postgres", "Security", "Enable"])      // .bool(true)
/// try settings.set("require", at: ["Postgres", "Security", "Mode"])
/// try settings.remove(at: ["Postgres", "Password"])
/// let newText = settings.render()
/// ```
///
/// The document *is* its original text; the tree of ``JSONCNode``s only says where each value
/// sits. An edit splices new bytes into the text at a node's exact range and parses the result
/// again, so the tree can never drift from the text and untouched bytes stay untouched.
public struct JSONCDocument: Sendable, Hashable {
    /// The document's UTF-8 text, exactly as given (edits included).
    private(set) var bytes: [UInt8]
    /// The root value with byte ranges and positions.
    public private(set) var root: JSONCNode
    /// Keys that occur more than once in one object, in file order. Reading returns the last
    /// occurrence, as .NET's JSON readers do; note that Microsoft.Extensions.Configuration itself
    /// refuses such a file ("A duplicate key was found"), comparing keys case-insensitively.
    public private(set) var duplicateKeys: [JSONCDuplicateKey]

    /// Parses `text`; throws a `.parse` ``CoreError`` with the line:column of the first problem.
    public init(parsing text: String) throws(CoreError) {
        try self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) throws(CoreError) {
        let root = try JSONCParser.parse(bytes)
        self.bytes = bytes
        self.root = root
        self.duplicateKeys = JSONCDuplicateKey.find(in: root)
    }

    /// The document's text: identical to the parsed text until an edit, and after an edit
    /// different only in the bytes that edit changed.
    public func render() -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Reading

    /// The node at `path`, or nil when there is none. Through duplicate keys, the last one.
    public func node(at path: JSONCPath) -> JSONCNode? {
        var node = root
        for component in path.components {
            guard let next = node.child(component) else { return nil }
            node = next
        }
        return node
    }

    /// The value at `path` (strings decoded, numbers as spelled), or nil when there is none.
    public func value(at path: JSONCPath) -> JSONCValue? {
        node(at: path)?.value
    }

    /// The node at `path`, or an error that says which step of the path is missing and why.
    func resolve(_ path: JSONCPath) throws(CoreError) -> JSONCNode {
        var node = root
        var walked = JSONCPath.root
        for component in path.components {
            guard let next = node.child(component) else {
                throw Self.missing(component, in: node, at: walked)
            }
            node = next
            walked = walked.appending(component)
        }
        return node
    }

    static func missing(_ component: JSONCPath.Component, in node: JSONCNode, at path: JSONCPath) -> CoreError {
        let place = path.components.isEmpty ? "the root" : path.description
        switch (component, node.content) {
        case (.key(let key), .object):
            return CoreError(
                .notFound, "no key \"\(key)\" in the object at \(place)",
                hint: "check the spelling and letter case of the key", position: node.position)
        case (.index(let index), .array(let elements)):
            return CoreError(
                .notFound, "index \(index) is out of range: the array at \(place) has \(elements.count) elements",
                position: node.position)
        case (.key, _):
            return CoreError(
                .invalid, "\(place) is \(node.value.kindDescription), not an object",
                hint: "a key can only follow an object in a path", position: node.position)
        case (.index, _):
            return CoreError(
                .invalid, "\(place) is \(node.value.kindDescription), not an array",
                hint: "an index can only follow an array in a path", position: node.position)
        }
    }
}

// MARK: - Duplicate keys

/// A key that occurs more than once in one object.
public struct JSONCDuplicateKey: Sendable, Hashable {
    /// The path of the object that holds the key more than once.
    public let objectPath: JSONCPath
    /// The key as its last (winning) occurrence spells it.
    public let key: String
    /// Where each occurrence's key starts, in file order; the last one wins.
    public let positions: [TextPosition]
    /// True when the spellings differ only in letter case (`"Port"` and `"port"`): plain JSON
    /// readers see two keys, .NET configuration (case-insensitive) sees the same key twice.
    public let differsOnlyInCase: Bool

    /// Walks the tree and groups each object's keys case-insensitively, as .NET configuration does.
    static func find(in root: JSONCNode) -> [JSONCDuplicateKey] {
        var found: [JSONCDuplicateKey] = []
        func visit(_ node: JSONCNode, at path: JSONCPath) {
            switch node.content {
            case .object(let members):
                var groups: [String: [JSONCMember]] = [:]
                var order: [String] = []
                for member in members {
                    let folded = member.key.lowercased()
                    if groups[folded] == nil { order.append(folded) }
                    groups[folded, default: []].append(member)
                }
                for folded in order {
                    guard let group = groups[folded], group.count > 1, let last = group.last else { continue }
                    let exact = group.allSatisfy { JSONCValue.sameKey($0.key, last.key) }
                    found.append(
                        JSONCDuplicateKey(
                            objectPath: path, key: last.key, positions: group.map(\.keyPosition),
                            differsOnlyInCase: !exact))
                }
                for member in members { visit(member.value, at: path.appending(.key(member.key))) }
            case .array(let elements):
                for (index, element) in elements.enumerated() { visit(element, at: path.appending(.index(index))) }
            default:
                break
            }
        }
        visit(root, at: .root)
        return found
    }
}
