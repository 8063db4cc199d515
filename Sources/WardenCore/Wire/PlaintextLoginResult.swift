// MARK: - What the plaintext login probe found

/// What the plaintext login probe found, in the user's terms.
public struct PlaintextLoginResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// `AuthenticationOk` with no password asked: an hba `trust` line (or `ident`)
        /// matches plaintext connections. The worst case.
        case loggedInWithoutPassword
        /// The server asked for a password over a plaintext connection: the password (or
        /// its md5 hash, replayable) would cross the network unencrypted.
        case passwordRequested(PlaintextPasswordMethod)
        /// GSSAPI, SSPI or another method that does not send a password itself.
        case otherAuthenticationRequested(PostgresAuthenticationRequest)
        /// Refused before authentication: `no pg_hba.conf entry` (e.g. only `hostssl` lines),
        /// a `reject` line, unknown role, too many connections…
        case rejected(PostgresServerError)
        /// The server closed the connection without a decisive answer.
        case closedWithoutAnswer
    }

    /// The server's reply to `StartupMessage` when it speaks an older protocol minor version.
    public struct ProtocolNegotiation: Sendable, Hashable {
        public var newestMinorVersion: Int32
        public var unrecognizedOptions: [String]
    }

    public var outcome: Outcome
    /// `ParameterStatus` values seen (e.g. `server_version`); only sent after login.
    public var serverParameters: [String: String]
    /// An error after `AuthenticationOk` (e.g. `3D000` database does not exist): the
    /// password check was still passed without a password.
    public var sessionError: PostgresServerError?
    public var notices: [PostgresServerError]
    public var protocolNegotiation: ProtocolNegotiation?

    /// True when a client can get to (or past) authentication without TLS.
    public var acceptsPlaintextLogin: Bool {
        switch outcome {
        case .loggedInWithoutPassword, .passwordRequested, .otherAuthenticationRequested: true
        case .rejected, .closedWithoutAnswer: false
        }
    }
}

/// How the server asked for a password on a plaintext connection.
public enum PlaintextPasswordMethod: Sendable, Hashable {
    /// `password`: the password itself crosses the wire.
    case cleartext
    /// `md5`: a salted hash crosses the wire (md5 auth; also an hba `md5` line with an
    /// md5 verifier).
    case md5
    /// SASL (SCRAM): the password never crosses the wire, but the session is unencrypted.
    case sasl(mechanisms: [String])
}
