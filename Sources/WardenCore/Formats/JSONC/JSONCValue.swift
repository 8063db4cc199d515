// MARK: - A JSON value, without its layout

/// What a JSON node means, with no trace of where or how it was written.
///
/// Reading a path returns one of these (strings decoded from their escapes, numbers with their
/// spelling); edits take one and write it in the file's own style. Objects keep their members in
/// file order, duplicates included, because that is what the file says; `self[key]` answers what
/// .NET would read (the last one).
public enum JSONCValue: Sendable, Hashable {
    case string(String)
    case number(JSONCNumber)
    case bool(Bool)
    case null
    case object([Member])
    case array([JSONCValue])

    /// One `"key": value` pair of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONCValue

        public init(_ key: String, _ value: JSONCValue) {
            self.key = key
            self.value = value
        }
    }

    // MARK: Typed access

    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    public var numberValue: JSONCNumber? {
        if case .number(let number) = self { return number }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The value of the last member named exactly `key` (last wins, as in .NET); nil for non-objects.
    public subscript(key: String) -> JSONCValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { JSONCValue.sameKey($0.key, key) }?.value
    }

    /// What sort of value this is, in words for messages ("a number", "an object").
    var kindDescription: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .object: "an object"
        case .array: "an array"
        }
    }

    /// Keys match scalar for scalar, like .NET's ordinal comparison; Swift's `==` on `String`
    /// would also match canonically equivalent spellings, which JSON readers do not.
    static func sameKey(_ left: String, _ right: String) -> Bool {
        left.unicodeScalars.elementsEqual(right.unicodeScalars)
    }
}

// MARK: - Literals

/// Literals make edits read like the file: `try doc.set("require", at: ["Postgres", "Security", "Mode"])`.
extension JSONCValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONCNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONCValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONCValue)...) {
        self = .object(elements.map { Member($0.0, $0.1) })
    }
}
