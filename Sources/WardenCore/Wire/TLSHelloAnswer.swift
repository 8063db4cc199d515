// MARK: - The answer to one ClientHello

/// How the server answered one offer, as the I/O layer observed it.
public struct TLSHelloAnswer: Sendable, Hashable {
    public enum Reply: Sendable, Hashable {
        /// The server chose a version and suite (possibly a TLS 1.3 HelloRetryRequest).
        case serverHello(TLSServerHello)
        /// The server refused with an alert (`handshake_failure`, `protocol_version`…).
        case alert(TLSAlert)
        /// The server closed, reset or went silent without a TLS answer.
        case closed
        /// The server said `N` (or an error) to `SSLRequest`: no TLS at all.
        case sslRefused(PostgresSSLAnswer)
    }

    public var reply: Reply
    /// DER certificates from the Certificate message, when asked for and sent in clear.
    public var certificates: [[UInt8]]
    /// Time from connecting to the decisive answer (measured by the caller; the core has no clock).
    public var elapsed: Duration

    public init(reply: Reply, certificates: [[UInt8]] = [], elapsed: Duration = .zero) {
        self.reply = reply
        self.certificates = certificates
        self.elapsed = elapsed
    }

    /// Builds the answer from a finished (or cut-off) flight.
    public init(flight: TLSServerFlight, elapsed: Duration) {
        if let alert = flight.alert, alert.isFatal || flight.serverHello == nil {
            self.init(reply: .alert(alert), elapsed: elapsed)
        } else if let hello = flight.serverHello {
            self.init(reply: .serverHello(hello), certificates: flight.certificates, elapsed: elapsed)
        } else {
            self.init(reply: .closed, elapsed: elapsed)
        }
    }

    /// The suite the server chose, if it accepted `version`.
    func chosenSuite(for version: TLSVersion) -> UInt16? {
        guard case .serverHello(let hello) = reply, hello.version == version else { return nil }
        return hello.cipherSuite
    }
}
