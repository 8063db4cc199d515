// MARK: - libpq's sslmode, the common language for TLS requirements

/// The six `sslmode` values with libpq's meanings; every driver's own spelling
/// (Devart `Ssl Mode=Require`, node-postgres `ssl: true`, …) is mapped onto these.
public enum SSLMode: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Never TLS.
    case disable
    /// Plaintext first, TLS only if the server insists.
    case allow
    /// TLS if the server offers it, otherwise plaintext (libpq's default).
    case prefer
    /// TLS always, certificate not checked.
    case require
    /// TLS, certificate chain checked against the CA.
    case verifyCA = "verify-ca"
    /// TLS, chain checked and the server name must match the certificate.
    case verifyFull = "verify-full"

    /// Whether a connection in this mode can never travel in plaintext.
    public var requiresTLS: Bool { self >= .require }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: SSLMode, rhs: SSLMode) -> Bool { lhs.rank < rhs.rank }
}
