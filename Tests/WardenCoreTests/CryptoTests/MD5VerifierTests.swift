import Testing
@testable import WardenCore

@Suite("md5 verifiers and rolpassword classification")
struct MD5VerifierTests {
    // Python: "md5" + hashlib.md5(password + role).hexdigest()
    @Test(arguments: [
        ("secret", "qliksenserepository", "md595296ba50f7b6bc8dc1f90e1df447485"),
        ("postgres", "postgres", "md53175bce1d3201d16594cebf9d7eb3f9d"),
    ])
    func computesPostgresMD5(password: String, role: String, expected: String) throws {
        let verifier = MD5Verifier(password: Secret(password), role: role)
        #expect(verifier.text == expected)
        let recognized = try #require(MD5Verifier(recognizing: expected))
        #expect(recognized == verifier)
        #expect(recognized.matches(password: Secret(password), role: role))
        #expect(!recognized.matches(password: Secret(password), role: role + "x"))
        #expect(!recognized.matches(password: Secret(password.uppercased()), role: role))
    }

    @Test func noSASLprepForMD5() {
        let withSoftHyphen = MD5Verifier(password: Secret("I\u{00AD}X"), role: "r")
        #expect(withSoftHyphen != MD5Verifier(password: Secret("IX"), role: "r"))
        #expect(MD5Verifier(passwordBytes: Array("I\u{00AD}X".utf8), role: "r") == withSoftHyphen)
    }

    @Test(arguments: [
        "md595296BA50F7B6BC8DC1F90E1DF447485",     // uppercase hex
        "md595296ba50f7b6bc8dc1f90e1df44748",      // 34 characters
        "md595296ba50f7b6bc8dc1f90e1df4474855",    // 36 characters
        "md595296ba50f7b6bc8dc1f90e1df44748g",     // not hex
        "MD595296ba50f7b6bc8dc1f90e1df447485",     // prefix case
        " md595296ba50f7b6bc8dc1f90e1df44748",     // leading space
        "",
    ])
    func notMD5(text: String) {
        #expect(MD5Verifier(recognizing: text) == nil)
    }

    @Test func classifiesRolpassword() {
        #expect(RolePasswordKind(rolpassword: nil) == .none)
        #expect(RolePasswordKind(rolpassword: "md595296ba50f7b6bc8dc1f90e1df447485") == .md5)
        #expect(RolePasswordKind(rolpassword: SCRAMVerifierTests.knownAnswer) == .scram(iterations: 4096))
        #expect(RolePasswordKind(rolpassword: "randompass") == .plaintext)
        #expect(RolePasswordKind(rolpassword: "") == .plaintext)
        #expect(RolePasswordKind(rolpassword: "md5isnotahash") == .plaintext)
        // Damaged verifiers are not mistaken for plaintext passwords.
        #expect(RolePasswordKind(rolpassword: "md595296BA50F7B6BC8DC1F90E1DF447485") == .unknown)
        #expect(RolePasswordKind(rolpassword: "md595296ba50f7b6bc8dc1f90e1df44748") == .unknown)
        #expect(RolePasswordKind(rolpassword: "SCRAM-SHA-256$4096:AAEC$broken") == .unknown)
        #expect(RolePasswordKind(rolpassword: "SCRAM-SHA-1$4096:AAEC$a:b") == .unknown)
    }
}
