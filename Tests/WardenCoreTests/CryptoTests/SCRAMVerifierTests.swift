import Testing
@testable import WardenCore

@Suite("SCRAM-SHA-256 verifier")
struct SCRAMVerifierTests {
    /// Built independently with Python's hashlib.pbkdf2_hmac + hmac for password
    /// "correct horse battery staple", salt 00 01 ... 0f, 4096 iterations.
    static let knownAnswer =
        "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$ONYbSJBXtKl6bP6PVqw8pm9e7EiacprLnoUQPFS80Hw=:IPOtHuGJ2HifEQg74W2XXqqCrCyQG55GbPRHa6g6n9w="
    static let countingSalt: [UInt8] = Array(0..<16)

    // MARK: RFC 7677 §3 worked example (user "user", password "pencil")

    @Test func rfc7677Example() throws {
        let salt = try #require(BinaryText.bytes(base64: "W22ZaJ0SNY7soEsUEjb6gQ=="))
        let keys = try SCRAMVerifier.Keys(passwordBytes: Array("pencil".utf8), salt: salt, iterations: 4096)
        // SaltedPassword and ClientKey are not printed in the RFC; these come from Python's hashlib.
        #expect(BinaryText.hex(keys.saltedPassword) == "c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d")
        #expect(BinaryText.hex(keys.clientKey) == "a60fc923d67e8644a92d16b96eda5ef4656b0c725c484374be25535576996e8b")

        let clientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO"
        let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        let clientFinalWithoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        let authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof

        // p= and v= exactly as the RFC prints them.
        #expect(BinaryText.base64(keys.clientProof(authMessage: authMessage)) == "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        #expect(BinaryText.base64(keys.serverSignature(authMessage: authMessage)) == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")

        let verifier = try SCRAMVerifier(password: Secret("pencil"), salt: salt, iterations: 4096)
        #expect(verifier.storedKey == keys.storedKey)
        #expect(verifier.serverKey == keys.serverKey)
        #expect(verifier.text == "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")
    }

    // MARK: Known answers (computed with Python's hashlib)

    @Test(arguments: [
        ("correct horse battery staple", Array<UInt8>(0..<16), 4096, knownAnswer),
        ("Qlik-Sense.2024", Array<UInt8>(0xF0...0xFF), 10000,
         "SCRAM-SHA-256$10000:8PHy8/T19vf4+fr7/P3+/w==$kk22zKRVZVkRc5mlbElPXr2lF7NuRO1LnSf5LrRyRKU=:Zc/BIbzyHAaQzugTq44m96OZA4QlpuZIx8wQOD8R++s="),
        ("pässwörd", Array<UInt8>(0..<16), 4096,
         "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$HV4TtNKIt8oOQWZCIedFYDVMOGn3/uurWVfN15VjjP4=:bGoGbn5l5XEF6vc5q836UvsaNZ/n1s4zNZ+A5nNQQv8="),
    ])
    func knownAnswers(password: String, salt: [UInt8], iterations: Int, expected: String) throws {
        let verifier = try SCRAMVerifier(password: Secret(password), salt: salt, iterations: iterations)
        #expect(verifier.text == expected)
        #expect(verifier.verify(Secret(password)))
        #expect(!verifier.verify(Secret(password + "x")))
    }

    @Test func saslprepIsAppliedBeforeHashing() throws {
        // "I<soft hyphen>X" prepares to "IX"; Python: verifier for "IX".
        let expected = "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$Hvybl93RfCHqfqLiTzsBHz9FA2JH0lY8NzX3ES+JAB0=:36RFvraaEsq6EdU8f0zs6/hpb0vgxhjNZecZXSUZKgs="
        let verifier = try SCRAMVerifier(password: Secret("I\u{00AD}X"), salt: Self.countingSalt)
        #expect(verifier.text == expected)
        #expect(verifier.verify(Secret("IX")))
        #expect(verifier.verify(Secret("\u{2168}"))) // ROMAN NUMERAL NINE, NFKC "IX"
        // Decomposed ä/ö hash like the composed ones.
        let composed = try SCRAMVerifier(password: Secret("p\u{E4}ssw\u{F6}rd"), salt: Self.countingSalt)
        #expect(composed.verify(Secret("pa\u{308}sswo\u{308}rd")))
    }

    @Test func fallbackToRawBytesMatchesPython() throws {
        // Latin-1 "päss" (not UTF-8) and "a<soft hyphen><BEL>" (prohibited) hash raw.
        let latin1 = try SCRAMVerifier(passwordBytes: [0x70, 0xE4, 0x73, 0x73], salt: Self.countingSalt)
        #expect(latin1.text == "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$pvjiAirTbPfyXP48yCm5FzKAt6MhJfiR5QdR1mgyuxI=:jj3ibvjqYZ0joehufyaNPBJv0Ds473bKZQmOBgdeB2c=")
        let prohibited = try SCRAMVerifier(password: Secret("a\u{00AD}\u{0007}"), salt: Self.countingSalt)
        #expect(prohibited.text == "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$BIuhu68zo3s76OZ5yM+rfHPG8J/IZj+0gu3pUYLxtKs=:EQd2SLiLYzw3D6NKzsiit7mF1XGQX+/TWRvVBloK7Ic=")
        #expect(!prohibited.verify(Secret("a\u{0007}")))
    }

    // MARK: Making and verifying

    @Test func makeUsesAFreshSaltFromTheGenerator() throws {
        var generator = SplitMix64(seed: 42)
        let first = try SCRAMVerifier.make(password: Secret("pw-one-two-three"), iterations: 64, using: &generator)
        let second = try SCRAMVerifier.make(password: Secret("pw-one-two-three"), iterations: 64, using: &generator)
        #expect(first.salt.count == 16)
        #expect(first.salt != second.salt)
        #expect(first.storedKey != second.storedKey)
        #expect(first.verify(Secret("pw-one-two-three")) && second.verify(Secret("pw-one-two-three")))

        var replay = SplitMix64(seed: 42)
        let again = try SCRAMVerifier.make(password: Secret("pw-one-two-three"), iterations: 64, using: &replay)
        #expect(again == first)
        #expect(try SCRAMVerifier.make(password: Secret("x")).iterations == SCRAMVerifier.defaultIterations)
    }

    @Test func rejectsBadParameters() {
        for iterations in [0, -1, Int(Int32.max) + 1] {
            #expect(throws: CoreError.self) {
                try SCRAMVerifier(password: Secret("pw"), salt: [1], iterations: iterations)
            }
        }
        do {
            _ = try SCRAMVerifier(password: Secret("pw"), salt: [], iterations: 4096)
            Issue.record("empty salt accepted")
        } catch let error as CoreError {
            #expect(error.kind == .invalid)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func verifyNeedsBothKeys() throws {
        let good = try SCRAMVerifier(parsing: Self.knownAnswer)
        var otherServerKey = good.serverKey
        otherServerKey[0] ^= 1
        let tampered = SCRAMVerifier(iterations: good.iterations, salt: good.salt,
                                     storedKey: good.storedKey, serverKey: otherServerKey)
        #expect(good.verify(Secret("correct horse battery staple")))
        #expect(!tampered.verify(Secret("correct horse battery staple")))
    }

    // MARK: Parsing

    @Test func parsesAndRendersTheStoredForm() throws {
        let verifier = try SCRAMVerifier(parsing: Self.knownAnswer)
        #expect(verifier.iterations == 4096)
        #expect(verifier.salt == Self.countingSalt)
        #expect(verifier.storedKey.count == 32 && verifier.serverKey.count == 32)
        #expect(verifier.text == Self.knownAnswer)
        #expect(verifier.verify(Secret("correct horse battery staple")))
    }

    @Test func textRoundTripsForRandomVerifiers() throws {
        var generator = SplitMix64(seed: 0x5C7A_4D)
        for _ in 0..<300 {
            let saltCount = Int(generator.next(upperBound: UInt64(40))) + 1
            let verifier = SCRAMVerifier(
                iterations: Int(generator.next(upperBound: UInt64(Int32.max))) + 1,
                salt: BinaryText.randomBytes(saltCount, using: &generator),
                storedKey: BinaryText.randomBytes(32, using: &generator),
                serverKey: BinaryText.randomBytes(32, using: &generator))
            let parsed = try SCRAMVerifier(parsing: verifier.text)
            #expect(parsed == verifier)
            #expect(parsed.text == verifier.text)
        }
    }

    static let validStoredKey = "ONYbSJBXtKl6bP6PVqw8pm9e7EiacprLnoUQPFS80Hw="
    static let validServerKey = "IPOtHuGJ2HifEQg74W2XXqqCrCyQG55GbPRHa6g6n9w="

    @Test(arguments: [
        // (text, column of the error)
        ("md5a3556571e93b0d20722ba62be61e8c2d", 1),
        ("SCRAM-SHA-1$4096:AAEC$x:y", 1),
        ("scram-sha-256$4096:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)", 1),
        ("SCRAM-SHA-256$", 15),
        ("SCRAM-SHA-256$4096", 19),
        ("SCRAM-SHA-256$:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)", 15),
        ("SCRAM-SHA-256$0:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)", 15),
        ("SCRAM-SHA-256$-5:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)", 15),
        ("SCRAM-SHA-256$+5:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)", 15),
        ("SCRAM-SHA-256$2147483648:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)", 15),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw=$\(validStoredKey):\(validServerKey)", 20),
        ("SCRAM-SHA-256$4096:$\(validStoredKey):\(validServerKey)", 20),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==", 44),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey)", 89),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$AAEC:\(validServerKey)", 45),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):AAEC", 90),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey)\n", 90),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):\(validServerKey):x", 90),
        ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$\(validStoredKey):ü\(validServerKey)", 90),
    ])
    func malformedVerifiersReportTheColumn(text: String, column: Int) {
        do {
            _ = try SCRAMVerifier(parsing: text)
            Issue.record("accepted malformed verifier")
        } catch let error as CoreError {
            #expect(error.kind == .parse)
            #expect(error.position == TextPosition(line: 1, column: column))
            #expect(error.hint != nil)
            #expect(!error.message.contains(Self.validStoredKey))
            #expect(!error.message.contains(Self.validServerKey))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
