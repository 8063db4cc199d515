import Testing
@testable import WardenCore

/// Helpers shared by the connection-string, pgpass and INI tests.
enum ConnectionStringTestSupport {
    /// Byte-exact equality (String `==` uses canonical equivalence, which would hide changes).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        Array(a.utf8) == Array(b.utf8)
    }

    /// Checks that `edited` is `original` with the single occurrence of `old` replaced by `new`,
    /// and not one other byte changed.
    static func expectSplice(
        _ original: String, _ edited: String, replacing old: String, with new: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let bytes = Array(original.utf8)
        let oldBytes = Array(old.utf8)
        let starts = occurrences(of: oldBytes, in: bytes)
        #expect(starts.count == 1, "expected exactly one occurrence of the edited text", sourceLocation: sourceLocation)
        guard let start = starts.first else { return }
        let expected = Array(bytes[..<start]) + Array(new.utf8) + Array(bytes[(start + oldBytes.count)...])
        let wanted = String(decoding: expected, as: UTF8.self)
        #expect(Array(edited.utf8) == expected,
                "edit changed more than the value:\n got  \(edited.debugDescription)\n want \(wanted.debugDescription)",
                sourceLocation: sourceLocation)
    }

    /// Replaces every occurrence of `target` (byte-wise), for the test generators.
    static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let bytes = Array(text.utf8)
        let needle = Array(target.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if index + needle.count <= bytes.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                result += Array(replacement.utf8)
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        return (0...(haystack.count - needle.count)).filter { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }

    /// Runs `body` and returns the `CoreError` it throws (recording an issue if it throws none).
    static func coreError(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) -> CoreError? {
        do {
            try body()
            Issue.record("expected a CoreError, nothing was thrown", sourceLocation: sourceLocation)
            return nil
        } catch let error as CoreError {
            return error
        } catch {
            Issue.record("expected a CoreError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    // MARK: Random pieces for property tests

    /// Characters values are drawn from: plain, delimiters of every format, blanks, unicode.
    static let valueAlphabet: [String] = [
        "a", "b", "Z", "0", "7", "-", ".", "_", "/", "\\", ":", ";", "=", "'", "\"", " ", "\t",
        "@", "?", "&", "%", ",", "*", "#", "[", "]", "é", "ß", "中", "😀", "e\u{301}",
    ]

    static func randomValue(
        _ rng: inout SplitMix64, alphabet: [String] = valueAlphabet, maxLength: Int = 12
    ) -> String {
        let length = Int.random(in: 0...maxLength, using: &rng)
        return (0..<length).map { _ in alphabet.randomElement(using: &rng) ?? "a" }.joined()
    }

    static func randomBlanks(_ rng: inout SplitMix64, max: Int = 2) -> String {
        let count = Int.random(in: 0...max, using: &rng)
        return (0..<count).map { _ in Bool.random(using: &rng) ? " " : "\t" }.joined()
    }
}
