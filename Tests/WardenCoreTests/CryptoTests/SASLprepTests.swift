import Testing
@testable import WardenCore

@Suite("SASLprep")
struct SASLprepTests {
    private func prepared(_ text: String) -> String {
        String(decoding: SASLprep.normalizedPassword(Array(text.utf8)), as: UTF8.self)
    }

    // MARK: RFC 4013 §3 examples and the brief's cases

    @Test func asciiIsUnchanged() {
        let ascii = "Qlik-Sense.2024 pass~word_01"
        #expect(SASLprep.prepare(Array(ascii.utf8)) == .prepared(Array(ascii.utf8)))
        // PostgreSQL skips the tables for pure ASCII: even a control character stays.
        #expect(SASLprep.prepare(Array("a\u{7}b".utf8)) == .prepared(Array("a\u{7}b".utf8)))
        #expect(SASLprep.prepare([]) == .prepared([]))
    }

    @Test func softHyphenIsMappedToNothing() {
        #expect(prepared("I\u{00AD}X") == "IX")
        #expect(prepared("user") == "user")
        #expect(prepared("USER") == "USER")
    }

    @Test(arguments: ["\u{00A0}", "\u{1680}", "\u{2002}", "\u{200B}", "\u{202F}", "\u{205F}", "\u{3000}"])
    func nonASCIISpacesBecomeSpace(space: String) {
        #expect(prepared("a\(space)b") == "a b")
    }

    @Test func nfkcNormalization() {
        #expect(prepared("\u{00AA}") == "a")      // FEMININE ORDINAL INDICATOR
        #expect(prepared("\u{2168}") == "IX")     // ROMAN NUMERAL NINE
        #expect(prepared("\u{FB01}x") == "fix")   // LATIN SMALL LIGATURE FI
        #expect(prepared("e\u{0301}") == "\u{00E9}")
        #expect(prepared("\u{FF21}\u{FF22}") == "AB") // fullwidth
    }

    @Test func prohibitedOutputFallsBackToRawBytes() {
        let raw = Array("a\u{00AD}\u{0007}".utf8) // non-ASCII, so the tables apply
        #expect(SASLprep.prepare(raw) == .prohibitedCharacter)
        #expect(SASLprep.normalizedPassword(raw) == raw)
        for scalar in ["\u{E000}", "\u{FFFE}", "\u{200E}", "\u{E0001}", "\u{0221}", "\u{2FF0}", "\u{FFFD}", "\u{0085}"] {
            let bytes = Array("pass\(scalar)word".utf8)
            #expect(SASLprep.prepare(bytes) == .prohibitedCharacter, "U+\(String(scalar.unicodeScalars.first?.value ?? 0, radix: 16))")
            #expect(SASLprep.normalizedPassword(bytes) == bytes)
        }
    }

    @Test func bidiViolationsFallBackToRawBytes() {
        // RandAL plus L (Hebrew alef then Latin a).
        let mixed = Array("\u{05D0}a".utf8)
        #expect(SASLprep.prepare(mixed) == .bidiViolation)
        #expect(SASLprep.normalizedPassword(mixed) == mixed)
        // RFC 4013 §3 example 7: RandAL first but not last (digit 1 at the end).
        let notLast = Array("\u{0627}1".utf8)
        #expect(SASLprep.prepare(notLast) == .bidiViolation)
        // All right-to-left, or RandAL at both ends with neutrals between: fine.
        #expect(SASLprep.prepare(Array("\u{05D0}\u{05D1}".utf8)) == .prepared(Array("\u{05D0}\u{05D1}".utf8)))
        #expect(SASLprep.prepare(Array("\u{0627}1\u{0628}".utf8)) == .prepared(Array("\u{0627}1\u{0628}".utf8)))
    }

    @Test(arguments: [
        [0xC3, 0x28] as [UInt8],           // bad continuation
        [0xE4, 0x73, 0x73],                // Latin-1 "äss"
        [0xC0, 0xAF],                      // overlong "/"
        [0xED, 0xA0, 0x80],                // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],          // above U+10FFFF
        [0x61, 0xE2, 0x82],                // truncated
    ])
    func invalidUTF8FallsBackToRawBytes(bytes: [UInt8]) {
        #expect(SASLprep.prepare(bytes) == .invalidUTF8)
        #expect(SASLprep.normalizedPassword(bytes) == bytes)
    }

    @Test func onlyMappedToNothingIsEmpty() {
        let bytes = Array("\u{00AD}\u{200D}".utf8)
        #expect(SASLprep.prepare(bytes) == .emptyAfterMapping)
        #expect(SASLprep.normalizedPassword(bytes) == bytes)
    }

    @Test func secretConvenienceMatchesBytes() {
        #expect(SASLprep.normalizedPassword(Secret("I\u{00AD}X")) == Array("IX".utf8))
    }

    // MARK: Properties over generated passwords

    /// Scalars that exercise every step: ASCII, mapped, spaces, compatibility forms,
    /// combining marks, RTL, prohibited and unassigned.
    static let pool: [Unicode.Scalar] = [
        "a", "Z", "0", "-", " ", "~", "\u{00AD}", "\u{200B}", "\u{00A0}", "\u{3000}", "\u{00AA}",
        "\u{2168}", "\u{FB01}", "\u{0301}", "\u{00E9}", "\u{00E4}", "\u{05D0}", "\u{0627}",
        "\u{0661}", "\u{0007}", "\u{E000}", "\u{0221}", "\u{4E2D}", "\u{1F600}", "\u{FEFF}",
    ]

    @Test func preparedOutputIsStableAndValid() {
        var generator = SplitMix64(seed: 4013)
        var outcomes: Set<String> = []
        for _ in 0..<400 {
            let count = Int(generator.next(upperBound: UInt64(8))) + 1
            var view = String.UnicodeScalarView()
            for _ in 0..<count {
                view.append(Self.pool[Int(generator.next(upperBound: UInt64(Self.pool.count)))])
            }
            let input = Array(String(view).utf8)
            let outcome = SASLprep.prepare(input)
            switch outcome {
            case .prepared(let output):
                outcomes.insert("prepared")
                // Idempotent, valid UTF-8, and free of anything the mapping removes.
                #expect(SASLprep.prepare(output) == .prepared(output))
                let scalars = SASLprep.decodeUTF8(output) ?? []
                #expect(!scalars.contains { StringprepTable.mappedToNothing.contains($0.value) })
                #expect(SASLprep.normalizedPassword(input) == output)
            case .prohibitedCharacter, .bidiViolation, .emptyAfterMapping, .invalidUTF8:
                outcomes.insert("\(outcome)")
                #expect(SASLprep.normalizedPassword(input) == input)
            }
        }
        // The pool really reaches success, prohibition and bidi failures.
        #expect(outcomes.count >= 3)
    }

    @Test func randomASCIIIsAlwaysUnchanged() {
        var generator = SplitMix64(seed: 20)
        for _ in 0..<300 {
            let bytes = (0..<Int(generator.next(upperBound: UInt64(40)))).map { _ in
                UInt8(generator.next(upperBound: UInt64(128)))
            }
            #expect(SASLprep.normalizedPassword(bytes) == bytes)
        }
    }
}

@Suite("Stringprep tables")
struct StringprepTableTests {
    static let all: [(String, StringprepTable)] = [
        ("A.1", .unassigned), ("B.1", .mappedToNothing), ("C.1.2", .nonASCIISpace),
        ("C.2.1", .asciiControl), ("C.2.2", .nonASCIIControl), ("C.3", .privateUse),
        ("C.4", .nonCharacter), ("C.5", .surrogate), ("C.6", .inappropriateForPlainText),
        ("C.7", .inappropriateForCanonical), ("C.8", .displayChanging), ("C.9", .tagging),
        ("D.1", .randALCat), ("D.2", .lCat),
    ]

    @Test func tablesAreSortedDisjointRanges() {
        for (name, table) in Self.all {
            #expect(table.bounds.count % 2 == 0, "\(name)")
            var previousLast: Int64 = -2
            for pair in stride(from: 0, to: table.bounds.count, by: 2) {
                let first = table.bounds[pair], last = table.bounds[pair + 1]
                #expect(first <= last, "\(name) at \(pair)")
                // Adjacent ranges would have been merged: a gap of at least one.
                #expect(Int64(first) > previousLast + 1, "\(name) at \(pair)")
                previousLast = Int64(last)
                #expect(last <= 0x10FFFF)
            }
        }
    }

    @Test func rangeCounts() {
        // Merged range counts of the RFC 3454 appendices.
        let counts = Self.all.map { $0.1.bounds.count / 2 }
        #expect(counts == [396, 8, 6, 2, 11, 3, 18, 1, 1, 1, 4, 2, 34, 360])
    }

    @Test func membershipSpotChecks() {
        // Endpoints and neighbours, from the RFC's text.
        #expect(StringprepTable.unassigned.contains(0x0221))
        #expect(!StringprepTable.unassigned.contains(0x0220))
        #expect(StringprepTable.unassigned.contains(0xE0080) && StringprepTable.unassigned.contains(0xEFFFD))
        #expect(!StringprepTable.unassigned.contains(0xEFFFE))
        #expect(!StringprepTable.unassigned.contains(0xFDD0)) // non-character, C.4 not A.1
        #expect(StringprepTable.mappedToNothing.contains(0xFE0F) && !StringprepTable.mappedToNothing.contains(0xFE10))
        #expect(StringprepTable.nonASCIISpace.contains(0x200B) && !StringprepTable.nonASCIISpace.contains(0x200C))
        #expect(StringprepTable.asciiControl.contains(0x7F) && !StringprepTable.asciiControl.contains(0x20))
        #expect(StringprepTable.nonASCIIControl.contains(0x1D17A) && !StringprepTable.nonASCIIControl.contains(0x1D17B))
        #expect(StringprepTable.privateUse.contains(0x10FFFD) && !StringprepTable.privateUse.contains(0x10FFFE))
        #expect(StringprepTable.nonCharacter.contains(0x10FFFF))
        #expect(StringprepTable.tagging.contains(0xE0001) && !StringprepTable.tagging.contains(0xE0002))
        #expect(StringprepTable.randALCat.contains(0x05BE) && StringprepTable.randALCat.contains(0xFEFC))
        #expect(!StringprepTable.randALCat.contains(0x05BF))
        #expect(StringprepTable.lCat.contains(0x0041) && StringprepTable.lCat.contains(0x10FFFD))
        #expect(!StringprepTable.lCat.contains(0x0040))
    }

    @Test func binarySearchAgreesWithLinearScan() {
        var generator = SplitMix64(seed: 3454)
        for _ in 0..<500 {
            let scalar = UInt32(generator.next(upperBound: UInt64(0x110000)))
            for (name, table) in Self.all {
                let linear = stride(from: 0, to: table.bounds.count, by: 2).contains {
                    (table.bounds[$0]...table.bounds[$0 + 1]).contains(scalar)
                }
                #expect(table.contains(scalar) == linear, "\(name) U+\(String(scalar, radix: 16))")
            }
        }
    }
}
