// MARK: - Comparing names as the server does

/// How the server compares the names in `pg_hba.conf` with a connection's: database and
/// role names byte for byte (`strcmp`, so `é` composed and decomposed differ, unlike
/// Swift's `==`), host names ASCII case-insensitively, and `/regex` entries with its own
/// regular expression engine.
enum HBANameMatching {
    /// Byte-for-byte equality, as `strcmp`.
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// The server's `hostname_match`: a pattern starting with `.` matches that suffix,
    /// anything else the whole name; ASCII letters compare without case.
    static func hostName(_ name: String, matches pattern: String) -> Bool {
        let name = Array(name.utf8).map(lowercased)
        let pattern = Array(pattern.utf8).map(lowercased)
        if pattern.first == UInt8(ascii: ".") {
            return name.count >= pattern.count && Array(name.suffix(pattern.count)) == pattern
        }
        return name == pattern
    }

    /// Whether every name the host name pattern `inner` matches is matched by `outer`.
    static func hostPattern(_ outer: String, covers inner: String) -> Bool {
        if outer.utf8.first == UInt8(ascii: ".") { return hostName(inner, matches: outer) }
        return inner.utf8.first != UInt8(ascii: ".") && hostName(inner, matches: outer)
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    // MARK: Regular expressions

    /// Whether `name` matches the `/regex` entry `pattern` (searched anywhere in the name,
    /// as `regexec` does), or nil when pgwarden cannot be sure.
    ///
    /// The server uses PostgreSQL's own (Tcl "advanced") regex engine. Whether a match
    /// exists does not depend on the engine for a plain regular expression, only the syntax
    /// does; so patterns are decided only when written in a small syntax both engines read
    /// the same way: literals (letters, digits, `_`, `-`), `.`, simple bracket classes,
    /// groups, `|`, one quantifier (`*`, `+`, `?`) after an atom, `^` at a start and `$` at
    /// an end. Anything else (escapes, bounds, classes like `[[:alpha:]]`) is undecided.
    static func regex(_ pattern: String, matches name: String) -> Bool? {
        guard isPortable(pattern), let regex = try? Regex(pattern) else { return nil }
        let scalarRegex = regex.matchingSemantics(.unicodeScalar)
        do {
            return try scalarRegex.firstMatch(in: name) != nil
        } catch {
            return nil
        }
    }

    static func isPortable(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var previous: Unicode.Scalar?
        func isLiteral(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case _ where isLiteral(scalar), ".", ")":
                break
            case "(":
                if index + 1 < scalars.count, scalars[index + 1] == "?" { return false }
            case "|":
                break
            case "*", "+", "?":
                guard let previous, isLiteral(previous) || previous == "." || previous == ")" || previous == "]" else {
                    return false
                }
            case "^":
                guard previous == nil || previous == "(" || previous == "|" else { return false }
            case "$":
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                guard next == nil || next == ")" || next == "|" else { return false }
            case "[":
                var inner = index + 1
                if inner < scalars.count, scalars[inner] == "^" { inner += 1 }
                let first = inner
                while inner < scalars.count, scalars[inner] != "]" {
                    guard isLiteral(scalars[inner]) || scalars[inner] == "." else { return false }
                    inner += 1
                }
                guard inner < scalars.count, inner > first, scalars[first] != "-", scalars[inner - 1] != "-" else {
                    return false
                }
                index = inner
                previous = "]"
                index += 1
                continue
            default:
                return false
            }
            previous = scalar
            index += 1
        }
        return true
    }
}
