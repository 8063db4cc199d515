// MARK: - Does the server let us in without TLS?

/// The decision logic of the plaintext login probe, fed with whatever bytes the server sends.
///
/// No TLS scanner notices that a PostgreSQL server accepts a *plaintext* login, because the
/// question is asked in PostgreSQL's own protocol: connect without `SSLRequest`, send a
/// `StartupMessage`, and see what comes back. The probe stops at the first decisive answer:
/// a password request (reported, never answered), `AuthenticationOk` (no password needed:
/// `trust`), or an `ErrorResponse` (hba rejection and friends).
///
/// The socket lives elsewhere (WardenPostgres): this type only turns bytes into a result.
public struct PlaintextLoginProbe: Sendable {
    public let parameters: PostgresStartupParameters
    private var buffer: [UInt8] = []
    private var isLoggedIn = false
    private var serverParameters: [String: String] = [:]
    private var notices: [PostgresServerError] = []
    private var protocolNegotiation: PlaintextLoginResult.ProtocolNegotiation?
    /// The result, once the server has said enough.
    public private(set) var result: PlaintextLoginResult?

    public init(parameters: PostgresStartupParameters) {
        self.parameters = parameters
    }

    /// What to send first.
    public var startupBytes: [UInt8] { PostgresFrontendMessage.startup(parameters).bytes }

    /// What to send before closing: `Terminate` when a session was opened, else nothing
    /// (a password request is left unanswered; the server just sees the socket close).
    public var goodbyeBytes: [UInt8] {
        isLoggedIn && result?.sessionError == nil ? PostgresFrontendMessage.terminate.bytes : []
    }

    // MARK: Feeding bytes

    /// Takes the next bytes from the server; returns the result as soon as it is decided.
    /// Throws `.parse` when the server's bytes are not valid protocol messages.
    @discardableResult
    public mutating func receive(_ bytes: some Sequence<UInt8>) throws -> PlaintextLoginResult? {
        buffer.append(contentsOf: bytes)
        while result == nil, let (message, count) = try PostgresBackendMessage.decode(from: buffer[...]) {
            buffer.removeFirst(count)
            handle(message)
        }
        return result
    }

    /// The server closed the connection (or the read timed out) before deciding.
    public mutating func connectionClosed() -> PlaintextLoginResult {
        if let result { return result }
        let outcome: PlaintextLoginResult.Outcome = isLoggedIn ? .loggedInWithoutPassword : .closedWithoutAnswer
        let closed = makeResult(outcome)
        result = closed
        return closed
    }

    // MARK: Decisions

    private mutating func handle(_ message: PostgresBackendMessage) {
        switch message {
        case .authentication(let request):
            switch request {
            case .ok:
                // Keep reading: ParameterStatus tells the server version, and an
                // ErrorResponse may still follow (e.g. the database does not exist).
                isLoggedIn = true
            case .cleartextPassword:
                result = makeResult(.passwordRequested(.cleartext))
            case .md5Password:
                result = makeResult(.passwordRequested(.md5))
            case .sasl(let mechanisms):
                result = makeResult(.passwordRequested(.sasl(mechanisms: mechanisms)))
            default:
                result = makeResult(.otherAuthenticationRequested(request))
            }
        case .errorResponse(let error):
            if isLoggedIn {
                var loggedIn = makeResult(.loggedInWithoutPassword)
                loggedIn.sessionError = error
                result = loggedIn
            } else {
                result = makeResult(.rejected(error))
            }
        case .noticeResponse(let notice):
            notices.append(notice)
        case .parameterStatus(let name, let value):
            serverParameters[name] = value
        case .negotiateProtocolVersion(let minor, let options):
            protocolNegotiation = .init(newestMinorVersion: minor, unrecognizedOptions: options)
        case .readyForQuery:
            result = makeResult(isLoggedIn ? .loggedInWithoutPassword : .closedWithoutAnswer)
        case .backendKeyData, .other:
            break
        }
    }

    private func makeResult(_ outcome: PlaintextLoginResult.Outcome) -> PlaintextLoginResult {
        PlaintextLoginResult(
            outcome: outcome,
            serverParameters: serverParameters,
            sessionError: nil,
            notices: notices,
            protocolNegotiation: protocolNegotiation
        )
    }
}
