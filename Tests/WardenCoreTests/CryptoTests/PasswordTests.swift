import Testing
@testable import WardenCore

@Suite("Password generator and policy")
struct PasswordTests {
    // MARK: Generator

    @Test func defaultLengthAndAlphabet() throws {
        var generator = SplitMix64(seed: 1)
        let password = try PasswordGenerator().generate(using: &generator)
        #expect(password.revealed.count == 32)
        #expect(password.revealed.allSatisfy(PasswordGenerator.alphabet.contains))
        #expect(try PasswordGenerator(length: 16).generate(using: &generator).revealed.count == 16)
        #expect(try PasswordGenerator(length: 100).generate().revealed.count == 100)
    }

    @Test func alphabetAvoidsEveryDangerousCharacter() {
        let forbidden = "'\"`;=:\\@/%#$ {}\t&<>!*|?[],^+()"
        #expect(!PasswordGenerator.alphabet.contains { forbidden.contains($0) })
        #expect(Set(PasswordGenerator.alphabet).count == PasswordGenerator.alphabet.count)
        #expect(PasswordGenerator.alphabet.count == 66)
    }

    @Test(arguments: [15, 0, -3])
    func refusesShortLengths(length: Int) {
        do {
            _ = try PasswordGenerator(length: length)
            Issue.record("accepted length \(length)")
        } catch let error as CoreError {
            #expect(error.kind == .invalid)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func deterministicForASeedAndDifferentAcrossDraws() throws {
        let generator32 = try PasswordGenerator()
        var first = SplitMix64(seed: 77)
        var second = SplitMix64(seed: 77)
        let a = generator32.generate(using: &first)
        #expect(a == generator32.generate(using: &second))
        #expect(a != generator32.generate(using: &first))
    }

    @Test func charactersAreUniform() throws {
        // 66 symbols * ~1000 draws each; chi-square with 65 degrees of freedom.
        var generator = SplitMix64(seed: 0xD1CE)
        let passwordGenerator = try PasswordGenerator(length: 66)
        var counts: [Character: Int] = [:]
        for _ in 0..<1000 {
            for character in passwordGenerator.generate(using: &generator).revealed {
                counts[character, default: 0] += 1
            }
        }
        #expect(counts.count == 66)
        let expected = 1000.0
        let chiSquare = counts.values.reduce(0.0) { $0 + pow2(Double($1) - expected) / expected }
        // p = 0.001 critical value for 65 degrees of freedom is about 107.
        #expect(chiSquare < 107, "chi-square \(chiSquare)")
    }

    private func pow2(_ x: Double) -> Double { x * x }

    // MARK: Policy

    @Test func acceptsAGoodPassword() throws {
        let policy = PasswordPolicy()
        #expect(policy.violations(of: Secret("a-long-enough-passphrase"), role: "qliksenserepository").isEmpty)
        try policy.check(Secret("a-long-enough-passphrase"), role: "qliksenserepository")
        var generator = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let generated = try PasswordGenerator(length: 16).generate(using: &generator)
            #expect(policy.violations(of: generated, role: "postgres").isEmpty)
        }
    }

    @Test func refusesBadPasswords() {
        let policy = PasswordPolicy()
        #expect(policy.violations(of: Secret(""), role: "postgres") == [.empty])
        #expect(policy.violations(of: Secret("short"), role: "postgres") == [.tooShort(minimum: 16)])
        #expect(policy.violations(of: Secret("QlikSenseRepository"), role: "qliksenserepository") == [.equalsRoleName])
        #expect(PasswordPolicy(minimumLength: 4).violations(of: Secret("POSTGRES"), role: "postgres") == [.equalsRoleName])
        #expect(policy.violations(of: Secret("line\nbreak-in-the-password"), role: "postgres") == [.controlCharacter])
        #expect(policy.violations(of: Secret("nul\u{0}-in-the-middle-here"), role: "postgres") == [.controlCharacter])
        #expect(policy.violations(of: Secret("postgres"), role: "postgres") == [.tooShort(minimum: 16), .equalsRoleName])
    }

    @Test func checkThrowsWithoutTheValue() {
        let cases: [(String, String)] = [
            ("", "is empty"), ("tiny-pw", "shorter than 16"), ("qliksenserepository", "is the role name"),
            ("tab\there-and-long-enough", "control character"),
        ]
        for (password, fragment) in cases {
            do {
                try PasswordPolicy().check(Secret(password), role: "qliksenserepository")
                Issue.record("accepted a bad password")
            } catch let error as CoreError {
                #expect(error.kind == .invalid)
                #expect(error.message.contains(fragment), "\(error.message)")
                #expect(error.message.contains("qliksenserepository"))
                if password.count > 3, password != "qliksenserepository" {
                    #expect(!error.message.contains(password))
                }
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
