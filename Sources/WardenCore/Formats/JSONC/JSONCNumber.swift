// MARK: - A JSON number, spelled as the file spells it

/// A JSON number that keeps its original spelling.
///
/// Config files say `4432`, `1e10`, `-0` or `100.50`; converting through `Double` and back would
/// rewrite them (`1e10` → `10000000000.0`) and make an untouched value show up in a diff. So a
/// number *is* its spelling, checked against the JSON grammar, and converts on request.
public struct JSONCNumber: Sendable, Hashable, CustomStringConvertible {
    /// The exact text, e.g. `4432`, `-0`, `1E+10`.
    public let spelling: String

    /// A number from its JSON spelling; nil when `spelling` is not a JSON number
    /// (`+1`, `01`, `.5`, `1.`, `NaN`, `0x1F` are not).
    public init?(spelling: String) {
        guard JSONCNumber.grammarLength(Array(spelling.utf8), from: 0) == spelling.utf8.count else {
            return nil
        }
        self.spelling = spelling
    }

    public init(_ value: Int) {
        self.spelling = String(value)
    }

    /// Nil for infinities and NaN, which JSON cannot write.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        // Swift's shortest round-trip spelling ("0.1", "1e-05", "1e+20") is valid JSON,
        // except that whole numbers print as "3.0"; both are fine JSON.
        self.spelling = value.description
    }

    init(validatedSpelling: String) {
        self.spelling = validatedSpelling
    }

    public var description: String { spelling }

    /// The value as an `Int` when it is spelled as an integer that fits (no fraction, no exponent).
    public var intValue: Int? { Int(spelling) }

    /// The value as a `Double`; nil when it overflows to infinity (`1e400`).
    public var doubleValue: Double? {
        guard let value = Double(spelling), value.isFinite else { return nil }
        return value
    }

    // MARK: Grammar

    /// The length of the JSON number that starts at `start`, or nil when none does:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func grammarLength(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        func digits() -> Int {
            let first = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            _ = digits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return nil }
        }
        return index - start
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
