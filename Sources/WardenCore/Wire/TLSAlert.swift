// MARK: - TLS alerts

/// A TLS alert as the server sent it in clear: how a server says "no" to a ClientHello
/// (`handshake_failure` for no common suite, `protocol_version` for a refused version).
public struct TLSAlert: Sendable, Hashable, CustomStringConvertible {
    /// 1 = warning, 2 = fatal.
    public var level: UInt8
    /// The alert description code (RFC 8446 §6, RFC 5246 §7.2).
    public var code: UInt8

    public init(level: UInt8, code: UInt8) {
        self.level = level
        self.code = code
    }

    public static let handshakeFailure: UInt8 = 40
    public static let protocolVersion: UInt8 = 70
    public static let insufficientSecurity: UInt8 = 71

    public var isFatal: Bool { level == 2 }

    /// The RFC name of the alert, or its number when unknown.
    public var name: String {
        switch code {
        case 0: "close_notify"
        case 10: "unexpected_message"
        case 20: "bad_record_mac"
        case 22: "record_overflow"
        case 40: "handshake_failure"
        case 42: "bad_certificate"
        case 43: "unsupported_certificate"
        case 47: "illegal_parameter"
        case 50: "decode_error"
        case 51: "decrypt_error"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 90: "user_canceled"
        case 100: "no_renegotiation"
        case 109: "missing_extension"
        case 110: "unsupported_extension"
        case 112: "unrecognized_name"
        case 120: "no_application_protocol"
        default: "alert \(code)"
        }
    }

    public var description: String { (isFatal ? "fatal " : "") + name }
}
