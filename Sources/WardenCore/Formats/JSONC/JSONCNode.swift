// MARK: - A value as it sits in the file

/// One value of a parsed document together with where it is: the exact byte range of its text
/// (from its first byte to its last, e.g. both quotes of a string or both braces of an object)
/// and the line:column where it starts.
///
/// Edits splice new text into the original at these ranges, which is what keeps every other
/// byte of the file (comments, indentation, line endings) exactly as it was.
public struct JSONCNode: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case string(String)
        case number(JSONCNumber)
        case bool(Bool)
        case null
        case object([JSONCMember])
        case array([JSONCNode])
    }

    public let content: Content
    /// UTF-8 byte offsets of the value's text in the document.
    public let range: Range<Int>
    public let position: TextPosition
    /// For objects and arrays: the offset of the comma after each member or element, if it has
    /// one (a trailing comma after the last one counts). Removing an item needs them.
    let commas: [Int?]

    init(content: Content, range: Range<Int>, position: TextPosition, commas: [Int?] = []) {
        self.content = content
        self.range = range
        self.position = position
        self.commas = commas
    }

    /// The meaning of this node, without positions.
    public var value: JSONCValue {
        switch content {
        case .string(let string): .string(string)
        case .number(let number): .number(number)
        case .bool(let bool): .bool(bool)
        case .null: .null
        case .object(let members): .object(members.map { JSONCValue.Member($0.key, $0.value.value) })
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    /// The members of an object (in file order), nil for anything else.
    public var members: [JSONCMember]? {
        if case .object(let members) = content { return members }
        return nil
    }

    /// The elements of an array, nil for anything else.
    public var elements: [JSONCNode]? {
        if case .array(let elements) = content { return elements }
        return nil
    }

    /// The child a single path step leads to. For duplicate keys it is the last one, as .NET reads it.
    public func child(_ component: JSONCPath.Component) -> JSONCNode? {
        switch (component, content) {
        case (.key(let key), .object(let members)):
            return members.last { JSONCValue.sameKey($0.key, key) }?.value
        case (.index(let index), .array(let elements)):
            return elements.indices.contains(index) ? elements[index] : nil
        default:
            return nil
        }
    }

    /// How many members or elements this object or array has (zero for scalars).
    var itemCount: Int {
        switch content {
        case .object(let members): members.count
        case .array(let elements): elements.count
        default: 0
        }
    }

    /// Where item `index` of this object or array starts: its key for a member.
    func itemStart(_ index: Int) -> Int {
        switch content {
        case .object(let members): members[index].keyRange.lowerBound
        case .array(let elements): elements[index].range.lowerBound
        default: range.lowerBound
        }
    }

    /// Where item `index` ends: the end of its value.
    func itemEnd(_ index: Int) -> Int {
        switch content {
        case .object(let members): members[index].value.range.upperBound
        case .array(let elements): elements[index].range.upperBound
        default: range.upperBound
        }
    }

    var isContainer: Bool {
        switch content {
        case .object, .array: true
        default: false
        }
    }
}

// MARK: - An object member as it sits in the file

/// A `"key": value` pair with the position of its key.
public struct JSONCMember: Sendable, Hashable {
    /// The key, decoded from its escapes.
    public let key: String
    /// Bytes of the key including its quotes.
    public let keyRange: Range<Int>
    public let keyPosition: TextPosition
    public let value: JSONCNode
}
