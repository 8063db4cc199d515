// MARK: - Where a value is in a JSON document

/// A path from the root to a node: object keys and array indices,
/// written as a literal: `["Postgres", "Security", "Enable"]` or `["Hosts", 0]`.
public struct JSONCPath: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public enum Component: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case key(String)
        case index(Int)

        public init(stringLiteral value: String) { self = .key(value) }
        public init(integerLiteral value: Int) { self = .index(value) }
    }

    public var components: [Component]

    public init(_ components: [Component]) {
        self.components = components
    }

    public init(arrayLiteral elements: Component...) {
        self.components = elements
    }

    /// The root's path.
    public static var root: JSONCPath { JSONCPath([]) }

    /// This path with one more step.
    public func appending(_ component: Component) -> JSONCPath {
        JSONCPath(components + [component])
    }

    /// The path of the container that holds this node; nil for the root.
    var parent: JSONCPath? {
        components.isEmpty ? nil : JSONCPath(Array(components.dropLast()))
    }

    /// `Postgres.Security.Enable`, `Hosts[0]`, `["odd.key"]`; `(root)` for the empty path.
    /// Keys are names, never values, so this is safe in messages.
    public var description: String {
        if components.isEmpty { return "(root)" }
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key):
                let plain = !key.isEmpty && key.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "$"
                }
                if plain {
                    text += text.isEmpty ? key : "." + key
                } else {
                    text += "[\"" + key + "\"]"
                }
            }
        }
        return text
    }
}
