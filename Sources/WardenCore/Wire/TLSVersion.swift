// MARK: - TLS protocol versions

/// A TLS protocol version by its wire code. Named as PostgreSQL's
/// `ssl_min_protocol_version` spells them (`TLSv1`, `TLSv1.1`, …) so findings read like
/// the setting the user will change.
public enum TLSVersion: UInt16, Sendable, Hashable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    case ssl3 = 0x0300
    case tls10 = 0x0301
    case tls11 = 0x0302
    case tls12 = 0x0303
    case tls13 = 0x0304

    /// The versions a scan tries, oldest first (SSLv3 is not probed: no server built with
    /// OpenSSL 1.1 or later can speak it).
    public static let probed: [TLSVersion] = [.tls10, .tls11, .tls12, .tls13]

    /// PostgreSQL's spelling (`ssl_min_protocol_version`).
    public var name: String {
        switch self {
        case .ssl3: "SSLv3"
        case .tls10: "TLSv1"
        case .tls11: "TLSv1.1"
        case .tls12: "TLSv1.2"
        case .tls13: "TLSv1.3"
        }
    }

    public var description: String { name }

    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}
