/// What pgwarden accepts as a password someone chose (for `password rotate --password-stdin`
/// and the like). Generated passwords always pass.
///
/// Deliberately short list: refuse what is certainly wrong, not what is merely unfashionable.
public struct PasswordPolicy: Sendable, Hashable {
    /// Why a password is refused. Carries no part of the password.
    public enum Violation: Sendable, Hashable {
        /// Empty: PostgreSQL stores `PASSWORD ''` as NULL, which disables password login.
        case empty
        /// Fewer characters than `minimumLength`.
        case tooShort(minimum: Int)
        /// Equal to the role name, ignoring case: the first guess of any attacker.
        case equalsRoleName
        /// A control character (NUL, newline, tab, ...): PostgreSQL cuts a password at NUL,
        /// and most config formats cannot hold line breaks in a value.
        case controlCharacter
    }

    /// Minimum length in characters (grapheme clusters, as a user counts them).
    public var minimumLength: Int

    public init(minimumLength: Int = 16) {
        self.minimumLength = minimumLength
    }

    /// Everything wrong with `password` for `role`, in a stable order; empty when acceptable.
    public func violations(of password: Secret, role: String) -> [Violation] {
        let text = password.revealed
        if text.isEmpty { return [.empty] }
        var found: [Violation] = []
        if text.count < minimumLength { found.append(.tooShort(minimum: minimumLength)) }
        if text.lowercased() == role.lowercased() { found.append(.equalsRoleName) }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            found.append(.controlCharacter)
        }
        return found
    }

    /// Throws `.invalid` for the first violation, with a message that names the role but
    /// never the password.
    public func check(_ password: Secret, role: String) throws {
        guard let violation = violations(of: password, role: role).first else { return }
        let hint = "choose another password, or let pgwarden generate one"
        switch violation {
        case .empty:
            throw CoreError(.invalid, "the new password for role \(role) is empty", hint: hint)
        case .tooShort(let minimum):
            throw CoreError(.invalid, "the new password for role \(role) is shorter than \(minimum) characters", hint: hint)
        case .equalsRoleName:
            throw CoreError(.invalid, "the new password for role \(role) is the role name", hint: hint)
        case .controlCharacter:
            throw CoreError(.invalid, "the new password for role \(role) contains a control character", hint: hint)
        }
    }
}
