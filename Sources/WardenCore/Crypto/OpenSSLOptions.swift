/// The OpenSSL option bitmask that node.js services take as `--ssl=<number>` in
/// services.conf (node's `secureOptions`), seen through the protocol-version bits.
///
/// The vendor's page builds the number in node as
/// `SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1` = 369098752,
/// meaning "TLS 1.2 or newer". This type computes that number for any minimum version and
/// reads a number back as "which versions are disabled, and what is left".
///
/// Constants assumed (OpenSSL 1.1.0 and later, checked against OpenSSL 3.0's `ssl.h`, where
/// they are `SSL_OP_BIT(25)`…`SSL_OP_BIT(29)`):
///
/// | constant            | value        |
/// |---------------------|--------------|
/// | `SSL_OP_NO_SSLv2`   | `0x0` (SSLv2 was removed in 1.1.0; OR-ing it is a no-op) |
/// | `SSL_OP_NO_SSLv3`   | `0x02000000` |
/// | `SSL_OP_NO_TLSv1`   | `0x04000000` |
/// | `SSL_OP_NO_TLSv1_2` | `0x08000000` |
/// | `SSL_OP_NO_TLSv1_1` | `0x10000000` |
/// | `SSL_OP_NO_TLSv1_3` | `0x20000000` |
///
/// (Yes, TLS 1.2's bit is below TLS 1.1's; that is OpenSSL's numbering.) Node builds linked
/// against OpenSSL 1.0.x used different values and are not supported. All other bits are
/// kept as they are and reported in `otherBits`.
public struct OpenSSLOptions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    // MARK: - The protocol bits

    /// Zero since OpenSSL 1.1.0: SSLv2 no longer exists, so it is always "disabled".
    public static let noSSLv2 = OpenSSLOptions([])
    public static let noSSLv3 = OpenSSLOptions(rawValue: 0x0200_0000)
    public static let noTLSv1 = OpenSSLOptions(rawValue: 0x0400_0000)
    public static let noTLSv1_2 = OpenSSLOptions(rawValue: 0x0800_0000)
    public static let noTLSv1_1 = OpenSSLOptions(rawValue: 0x1000_0000)
    public static let noTLSv1_3 = OpenSSLOptions(rawValue: 0x2000_0000)

    /// OpenSSL's `SSL_OP_NO_SSL_MASK`: every protocol-version bit.
    public static let protocolMask: OpenSSLOptions = [.noSSLv3, .noTLSv1, .noTLSv1_1, .noTLSv1_2, .noTLSv1_3]

    /// The protocol versions these bits can switch off, oldest first.
    public enum ProtocolVersion: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
        case sslv3, tls1_0, tls1_1, tls1_2, tls1_3

        /// The bit that disables this version.
        public var disablingBit: OpenSSLOptions {
            switch self {
            case .sslv3: .noSSLv3
            case .tls1_0: .noTLSv1
            case .tls1_1: .noTLSv1_1
            case .tls1_2: .noTLSv1_2
            case .tls1_3: .noTLSv1_3
            }
        }

        /// OpenSSL's (and PostgreSQL's `ssl_min_protocol_version`) spelling.
        public var description: String {
            switch self {
            case .sslv3: "SSLv3"
            case .tls1_0: "TLSv1"
            case .tls1_1: "TLSv1.1"
            case .tls1_2: "TLSv1.2"
            case .tls1_3: "TLSv1.3"
            }
        }

        public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool {
            lhs.rawValue < rhs.rawValue
        }
    }

    // MARK: - Computing

    /// The bits that allow `minimum` and everything newer (SSLv2's zero bit included, as the
    /// vendor's page does). `OpenSSLOptions(minimum: .tls1_2).rawValue == 369098752`.
    public init(minimum: ProtocolVersion) {
        self = Self.noSSLv2
        for version in ProtocolVersion.allCases where version < minimum {
            insert(version.disablingBit)
        }
    }

    /// These options with the protocol bits replaced to allow `minimum` and newer; every
    /// other bit is kept, so editing an existing `--ssl=` value loses nothing.
    public func settingMinimum(_ minimum: ProtocolVersion) -> OpenSSLOptions {
        subtracting(Self.protocolMask).union(OpenSSLOptions(minimum: minimum))
    }

    // MARK: - Reading

    /// The versions whose `SSL_OP_NO_*` bit is set, oldest first (SSLv2 is not listed: it
    /// has no bit).
    public var disabledVersions: [ProtocolVersion] {
        ProtocolVersion.allCases.filter { contains($0.disablingBit) }
    }

    /// The versions OpenSSL will actually negotiate, following its rule that a hole closes
    /// the range: it takes the *lowest* contiguous run of enabled versions, so disabling only
    /// TLS 1.1 leaves SSLv3…TLS 1.0, not TLS 1.2 and 1.3. Nil when every version is off.
    /// (Whether SSLv3 is compiled in at all is up to the OpenSSL build; this reads the bits.)
    public var enabledRange: ClosedRange<ProtocolVersion>? {
        let versions = ProtocolVersion.allCases
        guard let low = versions.firstIndex(where: { !contains($0.disablingBit) }) else { return nil }
        var high = low
        while high + 1 < versions.count, !contains(versions[high + 1].disablingBit) {
            high += 1
        }
        return versions[low]...versions[high]
    }

    /// The oldest version OpenSSL will negotiate with these bits, if any.
    public var minimumVersion: ProtocolVersion? { enabledRange?.lowerBound }

    /// Every bit that is not a protocol-version bit.
    public var otherBits: UInt64 { rawValue & ~Self.protocolMask.rawValue }

    // MARK: - Text form

    /// The decimal number as services.conf writes it after `--ssl=`.
    public var description: String { String(rawValue) }

    /// Parses the decimal number from `--ssl=<number>`. Errors are `.parse` at column 1 of
    /// the value (the caller knows where the value sits in its file).
    public init(parsing text: String) throws {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let value = UInt64(text)
        else {
            throw CoreError(.parse, "--ssl value must be a decimal number of OpenSSL option bits",
                            hint: "for TLS 1.2 or newer write --ssl=\(OpenSSLOptions(minimum: .tls1_2).rawValue)",
                            position: TextPosition(line: 1, column: 1))
        }
        self.init(rawValue: value)
    }
}
