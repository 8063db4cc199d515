/// Makes new database passwords that survive every place pgwarden has to write them.
///
/// The alphabet is RFC 3986's *unreserved* set: `A-Z a-z 0-9 - . _ ~` (66 characters, about
/// 6.04 bits each, so the default 32 characters carry ~193 bits). None of them needs quoting
/// or escaping anywhere a password lands: libpq keyword/value strings and URIs, ADO.NET /
/// Npgsql / Devart connection strings (`;` `=` `'` `"`), .pgpass (`:` `\`), JSON (`"` `\`),
/// XML (`&` `<` `'`), INI and services.conf (`;` `#` `$` `{` `}` `%`), YAML flow and
/// indicator characters (`! & * | > ? [ ] , @` and backtick), shells and cmd.exe (`^` `%` spaces).
///
/// Characters are drawn uniformly with the standard library's `next(upperBound:)`, which
/// rejects out-of-range draws instead of reducing modulo the alphabet size, so there is no
/// modulo bias.
public struct PasswordGenerator: Sendable, Hashable {
    /// Every character a generated password can contain.
    public static let alphabet: [Character] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    public static let defaultLength = 32
    /// Shorter passwords are refused: 16 characters of this alphabet are ~96 bits.
    public static let minimumLength = 16

    public let length: Int

    /// Throws `.invalid` for lengths below `minimumLength`.
    public init(length: Int = defaultLength) throws {
        guard length >= Self.minimumLength else {
            throw CoreError(.invalid, "generated passwords must be at least \(Self.minimumLength) characters long",
                            hint: "leave the length at its default of \(Self.defaultLength)")
        }
        self.length = length
    }

    /// A new password drawn from `generator`.
    public func generate(using generator: inout some RandomNumberGenerator) -> Secret {
        let alphabet = Self.alphabet
        var password = ""
        password.reserveCapacity(length)
        for _ in 0..<length {
            let index = generator.next(upperBound: UInt64(alphabet.count))
            password.append(alphabet[Int(index)])
        }
        return Secret(password)
    }

    /// A new password from the system's secure generator.
    public func generate() -> Secret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }
}
