// MARK: - How a client reaches the server

/// The ways a connection can arrive, as `pg_hba.conf` connection types tell them apart.
///
/// A TCP connection is encrypted by SSL, by GSSAPI, or not at all (never both), so the
/// six connection types are sets of these four (`host` = the three TCP ones,
/// `hostnossl` = plain or GSSAPI-encrypted, and so on).
public enum HBATransport: String, Sendable, Hashable, Comparable, CaseIterable {
    case localSocket = "local"
    case tcpPlain = "tcp"
    case tcpSSL = "tcp+ssl"
    case tcpGSSEncrypted = "tcp+gssenc"

    public static func < (lhs: HBATransport, rhs: HBATransport) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
