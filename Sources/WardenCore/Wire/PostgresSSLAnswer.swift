// MARK: - The server's answer to SSLRequest

/// What a PostgreSQL server says to `SSLRequest`: one byte, `S` (go ahead with TLS) or
/// `N` (no TLS here), or—from very old servers or on a startup failure—an `ErrorResponse`.
public enum PostgresSSLAnswer: Sendable, Hashable {
    /// `S`: the next bytes we send are a TLS ClientHello.
    case willing
    /// `N`: the server has `ssl = off` (or no certificate); the connection stays plaintext.
    case unwilling
    /// `E…`: an ErrorResponse instead of a single byte.
    case error(PostgresServerError)

    /// Decodes the answer at the start of `buffer`; nil when more bytes are needed.
    ///
    /// Anything but `S`, `N` or `E` means the port is not speaking the PostgreSQL protocol
    /// (a bare TLS port, an HTTP server, pgbouncer misconfigured…) and throws `.parse`.
    public static func decode(from buffer: ArraySlice<UInt8>) throws -> (answer: PostgresSSLAnswer, byteCount: Int)? {
        guard let first = buffer.first else { return nil }
        switch first {
        case UInt8(ascii: "S"):
            return (.willing, 1)
        case UInt8(ascii: "N"):
            return (.unwilling, 1)
        case UInt8(ascii: "E"):
            guard let (message, count) = try PostgresBackendMessage.decode(from: buffer) else { return nil }
            guard case .errorResponse(let error) = message else {
                throw CoreError(.parse, "the answer to SSLRequest is not an ErrorResponse (at byte 0)")
            }
            return (.error(error), count)
        default:
            throw CoreError(
                .parse,
                "the answer to SSLRequest starts with byte \(PostgresBackendMessage.printable(first)), not S, N or E (at byte 0)",
                hint: first == 0x16
                    ? "the port answered with TLS directly; it is not a PostgreSQL port (or sslnegotiation=direct only)"
                    : "the port does not speak the PostgreSQL protocol; check host and port"
            )
        }
    }
}
