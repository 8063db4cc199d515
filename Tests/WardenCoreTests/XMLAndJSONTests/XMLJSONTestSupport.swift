import Testing

@testable import WardenCore

// MARK: - Text helpers

/// Text helpers for lossless-editing tests: variants every parser must survive unchanged,
/// and comparisons that work on bytes.
enum XMLJSONText {
    // MARK: Variants

    /// Every LF becomes CR LF (working on scalars: "\r\n" is one Character in Swift).
    static func crlf(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" { scalars.append("\r") }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    static func withBOM(_ text: String) -> String {
        "\u{FEFF}" + text
    }

    /// LF / CRLF × with or without BOM × with or without a final newline.
    static func variants(_ text: String) -> [String] {
        var variants: [String] = []
        for base in [text, text + "\n"] {
            for ending in [base, crlf(base)] {
                variants.append(ending)
                variants.append(withBOM(ending))
            }
        }
        return variants
    }

    // MARK: Byte-level comparisons

    /// Compares by UTF-8 bytes: `String ==` uses canonical equivalence and would call
    /// "é" and "e\u{301}" equal, which a lossless editor must not.
    static func sameBytes(_ left: String, _ right: String) -> Bool {
        Array(left.utf8) == Array(right.utf8)
    }

    /// `original` with the bytes in `range` replaced by `replacement`: what an edit of exactly
    /// that range must produce.
    static func splicing(_ original: String, _ range: Range<Int>, with replacement: String) -> String {
        var bytes = Array(original.utf8)
        bytes.replaceSubrange(range, with: Array(replacement.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The shortest byte range of `before` that `after` changed, and what replaced it.
    static func changedRegion(from before: String, to after: String) -> (removed: String, inserted: String) {
        let old = Array(before.utf8)
        let new = Array(after.utf8)
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        return (
            String(decoding: old[prefix..<old.count - suffix], as: UTF8.self),
            String(decoding: new[prefix..<new.count - suffix], as: UTF8.self)
        )
    }

    /// Structural equality that compares strings scalar for scalar.
    static func strictlyEqual(_ left: JSONCValue, _ right: JSONCValue) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.number(let a), .number(let b)):
            return a.spelling == b.spelling
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.null, .null):
            return true
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { XMLJSONText.strictlyEqual($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy {
                    $0.key.unicodeScalars.elementsEqual($1.key.unicodeScalars) && strictlyEqual($0.value, $1.value)
                }
        default:
            return false
        }
    }

    /// The byte offset of the first occurrence of `needle` in `text`.
    static func byteOffset(of needle: String, in text: String) -> Int? {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - pattern.count) where haystack[start..<start + pattern.count].elementsEqual(pattern) {
            return start
        }
        return nil
    }

    /// `text` with the first occurrence of `needle` replaced, compared and spliced as bytes.
    static func replacingFirst(_ needle: String, with replacement: String, in text: String) -> String? {
        guard let start = XMLJSONText.byteOffset(of: needle, in: text) else { return nil }
        return XMLJSONText.splicing(text, start..<start + needle.utf8.count, with: replacement)
    }
}
