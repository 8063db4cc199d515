/// What a role's stored password (`pg_authid.rolpassword`) is, as an audit needs to know it:
/// no password, md5 (weak, deprecated in PostgreSQL 18), SCRAM (and with how many
/// iterations), or something else.
///
/// PostgreSQL itself sorts every non-md5, non-SCRAM value into "plaintext" (servers before 10
/// could store passwords unencrypted). We split that bucket in two so an audit can tell a
/// genuinely plaintext password from a value that *tries* to be a verifier but is damaged.
public enum RolePasswordKind: Sendable, Hashable {
    /// `rolpassword IS NULL`: password login is impossible for this role (also what
    /// `PASSWORD ''` and `PASSWORD NULL` store), but trust/peer/ident lines still let it in.
    case none
    /// An md5 verifier (`md5` + 32 lowercase hex digits).
    case md5
    /// A well-formed SCRAM-SHA-256 verifier.
    case scram(iterations: Int)
    /// Neither md5 nor SCRAM and not trying to be: a password stored in clear by an old server.
    case plaintext
    /// Starts like an md5 or SCRAM verifier but is malformed (PostgreSQL would compare it as
    /// plaintext, so password logins for this role effectively cannot work).
    case unknown

    /// Classifies a `rolpassword` value as read from the catalog (nil for SQL NULL).
    public init(rolpassword: String?) {
        guard let value = rolpassword else {
            self = .none
            return
        }
        if MD5Verifier(recognizing: value) != nil {
            self = .md5
        } else if let verifier = try? SCRAMVerifier(parsing: value) {
            self = .scram(iterations: verifier.iterations)
        } else if Self.looksLikeVerifier(value) {
            self = .unknown
        } else {
            self = .plaintext
        }
    }

    /// `md5` followed by hex digits only (wrong length or case), or a `SCRAM-SHA-…$` prefix.
    private static func looksLikeVerifier(_ value: String) -> Bool {
        if value.unicodeScalars.starts(with: "SCRAM-".unicodeScalars), value.contains("$") {
            return true
        }
        guard value.unicodeScalars.starts(with: "md5".unicodeScalars), value.utf8.count > 3 else {
            return false
        }
        return value.utf8.dropFirst(3).allSatisfy {
            (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
        }
    }
}
