/// A password or other secret text that refuses to show itself.
///
/// pgwarden passes passwords through plans, errors and log lines built with string
/// interpolation; wrapping them in `Secret` makes every such path print `<redacted>` instead
/// of the value (`"\(secret)"`, `String(reflecting:)`, `dump`, `print`). Reading the value is
/// one explicit, greppable property: `revealed`.
///
/// `Secret` is deliberately not `Codable` and not `Hashable`: it cannot end up in a journal
/// by accident, and equality is checked in constant time.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    // MARK: - Reading it on purpose

    /// The secret itself. Use it only where the value must leave the process (a key
    /// derivation, a sealed value, a prompt-free connection) and never in messages.
    public var revealed: String { value }

    /// The UTF-8 bytes of the secret, for key derivation and sealing.
    public var utf8Bytes: [UInt8] { Array(value.utf8) }

    public var isEmpty: Bool { value.isEmpty }

    // MARK: - Never printing it

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    // MARK: - Comparing it

    /// Equal when the UTF-8 bytes are equal (not Unicode canonical equivalence: a password
    /// is its bytes), compared in constant time.
    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        BinaryText.constantTimeEqual(lhs.utf8Bytes, rhs.utf8Bytes)
    }
}
