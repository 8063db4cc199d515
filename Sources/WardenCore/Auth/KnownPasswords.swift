import Crypto

// MARK: - Which copies of a password are the password

/// Decides which copies of a role's password pgwarden may use: a copy (an inventory secret,
/// a service config's password) counts only when it matches the verifier the server holds
/// for that role now. Pure: verifiers and copies come in as values, and only references
/// (``PasswordSource``) come out, so nothing secret leaves the caller's memory.
public enum KnownPasswords {
    /// A copy of what may be `role`'s password, and where it was read.
    public struct Copy: Sendable {
        public var role: String
        public var source: PasswordSource
        public var password: Secret

        public init(role: String, source: PasswordSource, password: Secret) {
            self.role = role
            self.source = source
            self.password = password
        }
    }

    public struct Result: Sendable, Hashable {
        /// Role → the first copy (in the order given) that matches its verifier.
        public var known: [String: PasswordSource] = [:]
        /// Every copy that matches, in the order given (a role's consumers among them).
        public var matching: [PasswordSource] = []
        /// Copies that do not match their role's verifier (stale or wrong), as
        /// (role, source): a service holding one cannot log in today.
        public var stale: [RolePassword] = []
    }

    /// Matches every copy against `verifiers` (role → `rolpassword`, nil for NULL; roles
    /// missing from the map do not exist). Each distinct (role, password) is checked once,
    /// since a SCRAM check costs a full key derivation.
    public static func match(verifiers: [String: String?], copies: [Copy]) -> Result {
        var result = Result()
        var checked: [String: Bool] = [:]
        for copy in copies {
            guard let stored = verifiers[copy.role] else { continue }
            let cacheKey = copy.role + "\u{0}" + BinaryText.hex(SHA256.hash(data: copy.password.utf8Bytes))
            let ok = checked[cacheKey] ?? matches(copy.password, rolpassword: stored, role: copy.role)
            checked[cacheKey] = ok
            if ok {
                result.matching.append(copy.source)
                if result.known[copy.role] == nil { result.known[copy.role] = copy.source }
            } else {
                result.stale.append(RolePassword(role: copy.role, source: copy.source))
            }
        }
        return result
    }

    /// Whether `password` is the password `rolpassword` was made from, as the server would
    /// judge a login: md5 over the raw bytes and the role name, SCRAM after SASLprep, a
    /// clear-text value (stored by a pre-10 server) byte for byte. NULL matches nothing.
    public static func matches(_ password: Secret, rolpassword: String?, role: String) -> Bool {
        guard let rolpassword else { return false }
        switch RolePasswordKind(rolpassword: rolpassword) {
        case .md5:
            return MD5Verifier(recognizing: rolpassword)?.matches(password: password, role: role) ?? false
        case .scram:
            return (try? SCRAMVerifier(parsing: rolpassword))?.verify(password) ?? false
        case .plaintext:
            return BinaryText.constantTimeEqual(password.utf8Bytes, Array(rolpassword.utf8))
        case .none, .unknown:
            return false
        }
    }
}
