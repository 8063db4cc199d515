import Testing
@testable import WardenCore

@Suite("Secret")
struct SecretTests {
    let secret = Secret("hunter2-very-secret")

    @Test func interpolationAndPrintingRedact() {
        #expect("\(secret)" == "<redacted>")
        #expect(String(describing: secret) == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect("\([secret])" == "[<redacted>]")
        #expect(!"\(Optional(secret) as Any)".contains("hunter2"))
    }

    @Test func dumpAndMirrorDoNotLeak() {
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(Mirror(reflecting: secret).children.isEmpty)

        struct Holder { let password: Secret }
        var holderDump = ""
        dump(Holder(password: secret), to: &holderDump)
        #expect(!holderDump.contains("hunter2"))
        #expect(!"\(Holder(password: secret))".contains("hunter2"))
    }

    @Test func revealedGivesTheValueOnPurpose() {
        #expect(secret.revealed == "hunter2-very-secret")
        #expect(secret.utf8Bytes == Array("hunter2-very-secret".utf8))
        #expect(Secret("").isEmpty)
        #expect(!secret.isEmpty)
    }

    @Test func equalityIsByteEquality() {
        #expect(Secret("abc") == Secret("abc"))
        #expect(Secret("abc") != Secret("abd"))
        #expect(Secret("abc") != Secret("abcd"))
        // Canonically equivalent but different bytes: different passwords.
        #expect(Secret("\u{E9}") != Secret("e\u{301}"))
    }

    @Test func otherCryptoValuesRedactToo() throws {
        let verifier = try SCRAMVerifier(parsing: SCRAMVerifierTests.knownAnswer)
        #expect("\(verifier)" == "SCRAM-SHA-256$4096:<redacted>")
        var dumped = ""
        dump(verifier, to: &dumped)
        #expect(!dumped.contains("ONYbSJBXtKl6"))
        #expect(Mirror(reflecting: verifier).children.map(\.label) == ["iterations"])

        var generator = SplitMix64(seed: 7)
        let key = SealingKey.generate(using: &generator)
        #expect("\(key)" == "SealingKey(id: \(key.id))")
        var keyDump = ""
        dump(key, to: &keyDump)
        #expect(!keyDump.contains(BinaryText.base64(key.bytes)))
        #expect(!keyDump.contains("bytes"))

        let md5 = MD5Verifier(password: Secret("secret"), role: "qliksenserepository")
        #expect("\(md5)" == "md5<redacted>")
    }
}
