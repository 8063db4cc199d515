// MARK: - What PostgreSQL sends back during startup

/// The backend (server → client) messages of the startup phase, decoded.
///
/// The probe only ever gets as far as authentication, so only the startup-phase messages
/// get their own case; anything else is kept as `.other` with its raw body.
public enum PostgresBackendMessage: Sendable, Hashable {
    /// `R`: the server's authentication request (or `AuthenticationOk`).
    case authentication(PostgresAuthenticationRequest)
    /// `E`: the server refuses (hba rejection, unknown role, too many connections, …).
    case errorResponse(PostgresServerError)
    /// `N`: a warning or notice; the startup goes on.
    case noticeResponse(PostgresServerError)
    /// `S`: a run-time parameter such as `server_version`.
    case parameterStatus(name: String, value: String)
    /// `K`: process id and cancel key. The key is kept as bytes because protocol 3.2
    /// made it variable-length; it is never printed.
    case backendKeyData(processID: Int32, cancelKey: [UInt8])
    /// `Z`: startup is complete; the status byte is `I`, `T` or `E`.
    case readyForQuery(status: UInt8)
    /// `v`: the server speaks an older minor version and ignored some `_pq_.` options.
    case negotiateProtocolVersion(newestMinorVersion: Int32, unrecognizedOptions: [String])
    /// Any other message type, undecoded.
    case other(type: UInt8, body: [UInt8])

    /// Startup-phase messages are small; a larger length means we are not talking to
    /// PostgreSQL (or it is hostile) and we refuse to buffer it.
    public static let maximumStartupMessageLength = 1 << 20

    // MARK: Framing

    /// Decodes the first complete message at the start of `buffer`.
    ///
    /// Returns nil when more bytes are needed, else the message and how many bytes it used.
    /// Throws `.parse` for a malformed message.
    public static func decode(from buffer: ArraySlice<UInt8>) throws -> (message: PostgresBackendMessage, byteCount: Int)? {
        var header = WireReader(buffer, what: "backend message")
        guard buffer.count >= 5 else { return nil }
        let type = try header.readUInt8("type")
        let length = Int(try header.readInt32("length"))
        guard length >= 4, length <= maximumStartupMessageLength else {
            throw header.failure("backend message '\(printable(type))' has an impossible length \(length)", at: buffer.startIndex + 1)
        }
        guard buffer.count >= 1 + length else { return nil }
        let bodyStart = buffer.startIndex + 5
        let body = buffer[bodyStart..<(bodyStart + length - 4)]
        return (try decode(type: type, body: body), 1 + length)
    }

    static func decode(type: UInt8, body: ArraySlice<UInt8>) throws -> PostgresBackendMessage {
        switch type {
        case UInt8(ascii: "R"):
            return .authentication(try PostgresAuthenticationRequest.parse(body: body))
        case UInt8(ascii: "E"):
            return .errorResponse(try PostgresServerError.parse(body: body, what: "ErrorResponse"))
        case UInt8(ascii: "N"):
            return .noticeResponse(try PostgresServerError.parse(body: body, what: "NoticeResponse"))
        case UInt8(ascii: "S"):
            var reader = WireReader(body, what: "ParameterStatus")
            let name = try reader.readCString("name")
            let value = try reader.readCString("value")
            return .parameterStatus(name: name, value: value)
        case UInt8(ascii: "K"):
            var reader = WireReader(body, what: "BackendKeyData")
            let processID = try reader.readInt32("process id")
            return .backendKeyData(processID: processID, cancelKey: Array(reader.readRemaining()))
        case UInt8(ascii: "Z"):
            var reader = WireReader(body, what: "ReadyForQuery")
            return .readyForQuery(status: try reader.readUInt8("transaction status"))
        case UInt8(ascii: "v"):
            var reader = WireReader(body, what: "NegotiateProtocolVersion")
            let minor = try reader.readInt32("newest minor version")
            let count = try reader.readInt32("option count")
            guard count >= 0 else { throw reader.failure("NegotiateProtocolVersion has a negative option count") }
            var options: [String] = []
            for _ in 0..<count {
                options.append(try reader.readCString("option name"))
            }
            return .negotiateProtocolVersion(newestMinorVersion: minor, unrecognizedOptions: options)
        default:
            return .other(type: type, body: Array(body))
        }
    }

    static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(Character(Unicode.Scalar(byte))) : "0x" + String(byte, radix: 16)
    }
}
