import Foundation

/// SASLprep (RFC 4013, a profile of stringprep, RFC 3454) exactly as PostgreSQL's
/// `pg_saslprep` applies it to a password before SCRAM key derivation.
///
/// Why it matters: a SCRAM verifier we compute must be the one PostgreSQL (and libpq's
/// `\password`) would compute for the same password, or the login fails. PostgreSQL's twist on
/// the RFC is that preparation never rejects a password: when the bytes are not valid UTF-8,
/// or the prepared string would contain a prohibited character or break the bidi rules, the
/// raw bytes are used unchanged. So the input is bytes, not `String`.
///
/// Steps, in PostgreSQL's order:
/// 1. pure ASCII input is returned as is (even control characters: PostgreSQL skips the
///    tables for ASCII);
/// 2. the bytes must be valid UTF-8;
/// 3. map: non-ASCII spaces (C.1.2) become U+0020, "commonly mapped to nothing" (B.1) is
///    removed; an empty result counts as prohibited;
/// 4. normalize to NFKC;
/// 5. prohibit C.1.2, C.2.1, C.2.2, C.3–C.9 and unassigned code points (A.1);
/// 6. bidi (RFC 3454 §6): if any character is R/AL (D.1), none may be L (D.2) and the first
///    and last must both be R/AL.
public enum SASLprep {
    /// What preparation made of a password, for audits that want to say why a password is
    /// used raw. Carries no character of the password.
    public enum Outcome: Sendable, Hashable {
        /// Preparation succeeded; these UTF-8 bytes are what SCRAM hashes.
        case prepared([UInt8])
        /// Not valid UTF-8: PostgreSQL hashes the raw bytes.
        case invalidUTF8
        /// Nothing left after mapping (the password was only "mapped to nothing" characters).
        case emptyAfterMapping
        /// A prohibited or unassigned character in the prepared string.
        case prohibitedCharacter
        /// Right-to-left text that breaks the bidi rules.
        case bidiViolation
    }

    // MARK: - What SCRAM hashes

    /// The bytes PostgreSQL feeds to PBKDF2 for this password: the prepared form when
    /// preparation succeeds, otherwise the input unchanged.
    public static func normalizedPassword(_ password: [UInt8]) -> [UInt8] {
        if case .prepared(let bytes) = prepare(password) { return bytes }
        return password
    }

    /// The bytes PostgreSQL feeds to PBKDF2 for this password (see the byte version).
    public static func normalizedPassword(_ password: Secret) -> [UInt8] {
        normalizedPassword(password.utf8Bytes)
    }

    // MARK: - The algorithm

    /// Runs SASLprep and says how it went, without PostgreSQL's fallback applied.
    public static func prepare(_ input: [UInt8]) -> Outcome {
        if input.allSatisfy({ $0 < 0x80 }) { return .prepared(input) }
        guard let scalars = decodeUTF8(input) else { return .invalidUTF8 }

        let mapped = map(scalars)
        if mapped.isEmpty { return .emptyAfterMapping }

        let normalized = nfkc(mapped)
        if normalized.contains(where: isProhibited) { return .prohibitedCharacter }
        if !satisfiesBidiRules(normalized) { return .bidiViolation }

        var output = String.UnicodeScalarView()
        output.append(contentsOf: normalized)
        return .prepared(Array(String(output).utf8))
    }

    // MARK: - Steps

    /// Strict UTF-8 decoding (no overlongs, surrogates or values above U+10FFFF), as
    /// PostgreSQL's `pg_utf8_islegal` checks it.
    static func decodeUTF8(_ bytes: [UInt8]) -> [Unicode.Scalar]? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var scalars: [Unicode.Scalar] = []
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return scalars
            case .error: return nil
            }
        }
    }

    /// RFC 4013 §2.1. C.1.2 is checked first because U+200B is in both tables and PostgreSQL
    /// maps it to a space.
    static func map(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for scalar in scalars {
            if StringprepTable.nonASCIISpace.contains(scalar.value) {
                out.append(" ")
            } else if !StringprepTable.mappedToNothing.contains(scalar.value) {
                out.append(scalar)
            }
        }
        return out
    }

    /// Unicode normalization form KC (RFC 4013 §2.2), via Foundation's compatibility mapping.
    static func nfkc(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return Array(String(view).precomposedStringWithCompatibilityMapping.unicodeScalars)
    }

    /// RFC 4013 §2.3 prohibited output plus A.1 unassigned code points (§2.5, stored strings).
    static func isProhibited(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        let tables: [StringprepTable] = [
            .nonASCIISpace, .asciiControl, .nonASCIIControl, .privateUse, .nonCharacter,
            .surrogate, .inappropriateForPlainText, .inappropriateForCanonical,
            .displayChanging, .tagging, .unassigned,
        ]
        return tables.contains { $0.contains(value) }
    }

    /// RFC 3454 §6 requirements 2 and 3 (requirement 1 is covered by C.8 above).
    static func satisfiesBidiRules(_ scalars: [Unicode.Scalar]) -> Bool {
        let isRandAL = { (scalar: Unicode.Scalar) in StringprepTable.randALCat.contains(scalar.value) }
        guard scalars.contains(where: isRandAL) else { return true }
        if scalars.contains(where: { StringprepTable.lCat.contains($0.value) }) { return false }
        guard let first = scalars.first, let last = scalars.last else { return true }
        return isRandAL(first) && isRandAL(last)
    }
}
