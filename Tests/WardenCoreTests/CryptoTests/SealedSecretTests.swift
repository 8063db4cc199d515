import Testing
@testable import WardenCore

@Suite("Sealed secrets and sealing keys")
struct SealedSecretTests {
    static let context = "Licenses/appsettings.json#licenses.password"

    static func key(_ seed: UInt64) -> SealingKey {
        var generator = SplitMix64(seed: seed)
        return SealingKey.generate(using: &generator)
    }

    private func expectCoreError(_ kind: CoreError.Kind, containing fragment: String,
                                 _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("no error thrown", sourceLocation: sourceLocation)
        } catch let error as CoreError {
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Keys

    @Test func keyIDIsAPrefixOfSHA256() throws {
        // Python: hashlib.sha256(bytes(range(32))).hexdigest()[:8]
        let key = try SealingKey(bytes: Array(0..<32))
        #expect(key.id == "630dcd29")
        #expect(throws: CoreError.self) { try SealingKey(bytes: Array(0..<31)) }
        #expect(Self.key(1) == Self.key(1))
        #expect(Self.key(1) != Self.key(2))
        #expect(Self.key(1).id != Self.key(2).id)
    }

    @Test func keyFileRoundTrips() throws {
        let key = Self.key(9)
        let text = key.keyFileText
        #expect(text.contains("pgwarden-key v1 \(BinaryText.base64(key.bytes))\n"))
        #expect(text.hasPrefix("# pgwarden sealing key \(key.id)"))
        #expect(try SealingKey(keyFileText: text) == key)
        // Windows line ends, a BOM, indentation and no final newline are all fine.
        let windows = "\u{FEFF}" + text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        #expect(try SealingKey(keyFileText: windows) == key)
        #expect(try SealingKey(keyFileText: "\t pgwarden-key\tv1  \(BinaryText.base64(key.bytes))") == key)
    }

    @Test(arguments: [
        // (file text, kind, line, column)
        ("# only a comment\n", CoreError.Kind.parse, nil, nil),
        ("", .parse, nil, nil),
        ("# c\nsomething else\n", .parse, 2, 1),
        ("pgwarden-key\n", .parse, 1, 13),
        ("pgwarden-key v2 AAAA\n", .unsupported, 1, 14),
        ("pgwarden-key v1\n", .parse, 1, 16),
        ("pgwarden-key v1 not*base64\n", .parse, 1, 17),
        ("pgwarden-key v1 AAECAwQ=\n", .invalid, 1, 17),
        ("pgwarden-key v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= extra\n", .parse, 1, 62),
        ("pgwarden-key v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n\r\n  pgwarden-key v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n", .parse, 3, 3),
    ] as [(String, CoreError.Kind, Int?, Int?)])
    func badKeyFiles(text: String, kind: CoreError.Kind, line: Int?, column: Int?) {
        do {
            _ = try SealingKey(keyFileText: text)
            Issue.record("accepted a bad key file")
        } catch let error as CoreError {
            #expect(error.kind == kind)
            if let line, let column {
                #expect(error.position == TextPosition(line: line, column: column))
            } else {
                #expect(error.position == nil)
            }
            #expect(!error.message.contains("AAECAwQ"))
            #expect(error.hint != nil)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func goodKeyFileWithTheKeyNotOnLineOne() throws {
        let text = "# comment\n\n  # another\npgwarden-key v1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n# trailing\n"
        #expect(try SealingKey(keyFileText: text) == SealingKey(bytes: Array(0..<32)))
    }

    // MARK: Sealing and opening

    @Test func sealThenOpen() throws {
        let key = Self.key(1)
        var generator = SplitMix64(seed: 99)
        let sealed = try SealedSecret.seal(Secret("randompass"), context: Self.context, key: key, using: &generator)
        #expect(sealed.text.hasPrefix("pgwarden:v1:\(key.id):"))
        #expect(!sealed.text.contains("randompass"))
        #expect(try sealed.open(context: Self.context, key: key) == Secret("randompass"))
        #expect(SealedSecret.isSealed(sealed.text))
        #expect(try SealedSecret(parsing: sealed.text) == sealed)
        // Only characters that need no quoting anywhere.
        #expect(sealed.text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_:".unicodeScalars.contains($0)
        })
        // Fresh nonce each time: same input, different text.
        let again = try SealedSecret.seal(Secret("randompass"), context: Self.context, key: key, using: &generator)
        #expect(again.text != sealed.text)
        #expect(try SealedSecret.seal(Secret("x"), context: "c", key: key).open(context: "c", key: key) == Secret("x"))
    }

    @Test func wrongKeyIsNamed() throws {
        let sealed = try SealedSecret.seal(Secret("pw"), context: Self.context, key: Self.key(1))
        expectCoreError(.crypto, containing: "sealed with key \(Self.key(1).id), not with key \(Self.key(2).id)") {
            _ = try sealed.open(context: Self.context, key: Self.key(2))
        }
    }

    @Test func otherContextDoesNotOpen() throws {
        let sealed = try SealedSecret.seal(Secret("pw"), context: Self.context, key: Self.key(1))
        expectCoreError(.crypto, containing: "sealed for another entry or has been altered") {
            _ = try sealed.open(context: "QSR/Repository.exe.config#QSR", key: Self.key(1))
        }
    }

    @Test func everyFlippedBitIsDetected() throws {
        let key = Self.key(3)
        var generator = SplitMix64(seed: 5)
        let sealed = try SealedSecret.seal(Array("qliksense".utf8), context: Self.context, key: key, using: &generator)
        for index in sealed.payload.indices {
            for bit in 0..<8 {
                var payload = sealed.payload
                payload[index] ^= UInt8(1 << bit)
                let tampered = SealedSecret(keyID: sealed.keyID, payload: payload)
                #expect(throws: CoreError.self) { try tampered.openBytes(context: Self.context, key: key) }
            }
        }
    }

    @Test func roundTripsForRandomPlaintextsAndContexts() throws {
        var generator = SplitMix64(seed: 0xC0FFEE)
        let key = SealingKey.generate(using: &generator)
        for _ in 0..<300 {
            let plaintext = BinaryText.randomBytes(Int(generator.next(upperBound: UInt64(80))), using: &generator)
            let context = "file\(generator.next(upperBound: UInt64(1000))).json#entry"
            let sealed = try SealedSecret.seal(plaintext, context: context, key: key, using: &generator)
            let parsed = try SealedSecret(parsing: sealed.text)
            #expect(try parsed.openBytes(context: context, key: key) == plaintext)
            #expect(throws: CoreError.self) { try parsed.openBytes(context: context + "x", key: key) }
        }
    }

    @Test func nonUTF8PlaintextOpensAsBytesOnly() throws {
        let key = Self.key(4)
        let sealed = try SealedSecret.seal([0xFF, 0xFE], context: "c", key: key)
        #expect(try sealed.openBytes(context: "c", key: key) == [0xFF, 0xFE])
        expectCoreError(.crypto, containing: "not UTF-8") { _ = try sealed.open(context: "c", key: key) }
    }

    @Test func malformedSealedValues() throws {
        let valid = try SealedSecret.seal(Secret("pw"), context: "c", key: Self.key(1)).text
        let payload = String(valid.split(separator: ":")[3])
        let cases: [(String, CoreError.Kind, String)] = [
            ("plaintext", .crypto, "not a sealed value"),
            ("pgwarden:v1:\(Self.key(1).id)", .crypto, "malformed"),
            ("pgwarden:v2:\(Self.key(1).id):\(payload)", .unsupported, "format"),
            ("pgwarden:v1:ABCDEF12:\(payload)", .crypto, "key id"),
            ("pgwarden:v1:abc:\(payload)", .crypto, "key id"),
            ("pgwarden:v1:\(Self.key(1).id):\(payload)+", .crypto, "base64url"),
            ("pgwarden:v1:\(Self.key(1).id):\(payload)=", .crypto, "base64url"),
            ("pgwarden:v1:\(Self.key(1).id):AAAA", .crypto, "too short"),
            ("pgwarden:v1:\(Self.key(1).id):", .crypto, "too short"),
        ]
        for (text, kind, fragment) in cases {
            expectCoreError(kind, containing: fragment) { _ = try SealedSecret(parsing: text) }
            #expect(!SealedSecret.isSealed(text))
        }
    }

    // MARK: Classifying config values

    @Test func classifiesConfigPasswords() throws {
        let sealed = try SealedSecret.seal(Secret("pw"), context: "c", key: Self.key(1)).text
        // From the vendor's manual (a full blob, and one that was truncated in the copy).
        let dpapi = "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAABuvYPntQ2k+cR8K7frd+MQQAAAACAAAAAAAQZgAAAAEAACAAAAD8/TGvNzoDOPCleEynZCIfw+q/cpFaHRLcsRuR2cXjSgAAAAAOgAAAAAIAACAAAABSZavuu/lRWW2s92wdDbOeUW2sHSZP8sXI0PfPyAT7ZSAAAAD4GqZdVQacn/SzaN03617zNLfzg1owMethVPGOp2bv2UAAAADsFbcNkIOY4CEBJ/jh2djgfVEWu0L2Q8nipfWxyMg3NO5xLEGxUTpZ0riJ+J9LRX9WyW84tkAToP4pexntagZ+"
        let truncated = "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAAnq+F3zxlakeZ96CexCiJJwQAAAACAAAAAAAQZgAAAAEAACAAAAC7N047wjSCfF7zII62y1DMRh6ijHaj57BNW+asBRisqgAAAAAOgAAAAAIAACAAAAC/FuJ1IavkKFodWnIoeRLO8RpiysHPop4Dyqz8PFyaoSAAAACxdHYmcrnNTYM73q0FccSeQVWW3dZ1y/gz3Q4PRGOEAAAABK5mNZcMFf68nReI7oFhLJXw7oZl3u2PoD8O4hMqNJHicsOvzufdDDzM8YNCcrq/YVYakhiOceReEbiehxm0Jh"
        #expect(ConfigPasswordKind(value: nil) == .absent)
        #expect(ConfigPasswordKind(value: "") == .empty)
        #expect(ConfigPasswordKind(value: sealed) == .sealed(keyID: Self.key(1).id))
        #expect(ConfigPasswordKind(value: dpapi) == .windowsDPAPI)
        #expect(ConfigPasswordKind(value: truncated) == .windowsDPAPI)
        #expect(ConfigPasswordKind(value: "randompass") == .plaintext)
        #expect(ConfigPasswordKind(value: "AQAAANCMnd8BFdERjHoAwE/Cl+s and then words") == .plaintext)
        #expect(ConfigPasswordKind(value: "AQAAANCMnd8BFdERjHoAwE/Cl") == .plaintext)
        #expect(ConfigPasswordKind(value: "pgwarden:v1:zzzz:abc") == .plaintext)
        // The header really is DPAPI's version 1 and provider GUID.
        let header = try #require(BinaryText.bytes(base64: "AQAAANCMnd8BFdERjHoAwE/Cl+s="))
        #expect(BinaryText.hex(header) == "01000000d08c9ddf0115d1118c7a00c04fc297eb")
    }
}
