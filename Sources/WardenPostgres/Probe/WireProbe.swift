import Dispatch
import WardenCore

// MARK: - Talking to a PostgreSQL port byte by byte

/// The thin I/O shell around WardenCore's wire logic: one TCP connection per question,
/// bounded by a timeout, closed afterwards.
///
/// - `sslAnswer()`: does the server accept `SSLRequest`?
/// - `plaintextLogin(_:)`: does it let a client authenticate without TLS (and how)?
/// - `hello(_:)`: how does it answer one hand-built ClientHello?
/// - `scanTLS()`: versions, cipher suites and certificate chain (`TLSScan` + `hello`).
///
/// The probe never sends a password and never completes a TLS handshake. Each refused
/// ClientHello leaves a "could not accept SSL connection" line in the server log; a full
/// scan of a permissive server makes a few hundred connections.
public struct WireProbe: Sendable {
    public var host: String
    public var port: Int
    /// Per connection: connect, ask, and read the answer.
    public var timeout: Duration
    /// SNI name for ClientHellos (default: `host`; never sent for IP literals).
    public var serverName: String?

    public init(host: String, port: Int, timeout: Duration = .seconds(5), serverName: String? = nil) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.serverName = serverName ?? host
    }

    // MARK: SSLRequest

    /// Sends `SSLRequest` and returns the server's answer.
    public func sslAnswer() async throws -> PostgresSSLAnswer {
        try await offload { () throws -> PostgresSSLAnswer in
            let deadline = ContinuousClock.now + timeout
            let socket = try ProbeSocket(host: host, port: port, deadline: deadline)
            return try Self.requestSSL(on: socket, deadline: deadline)
        }
    }

    private static func requestSSL(on socket: borrowing ProbeSocket, deadline: ContinuousClock.Instant) throws -> PostgresSSLAnswer {
        try socket.send(PostgresFrontendMessage.sslRequest.bytes, deadline: deadline)
        var buffer: [UInt8] = []
        while true {
            if let (answer, _) = try PostgresSSLAnswer.decode(from: buffer[...]) { return answer }
            switch try socket.receive(deadline: deadline) {
            case .bytes(let bytes): buffer += bytes
            case .closed: throw WireProbeError(.closed, "the server closed the connection without answering SSLRequest")
            case .timedOut: throw WireProbeError(.timedOut, "the server did not answer SSLRequest in time")
            }
        }
    }

    // MARK: Plaintext login

    /// Connects without TLS and starts a session as `parameters.user`; reports how far it
    /// got (password requested, let in, rejected) without ever answering a password request.
    public func plaintextLogin(_ parameters: PostgresStartupParameters) async throws -> PlaintextLoginResult {
        try await offload { () throws -> PlaintextLoginResult in
            let deadline = ContinuousClock.now + timeout
            let socket = try ProbeSocket(host: host, port: port, deadline: deadline)
            var probe = PlaintextLoginProbe(parameters: parameters)
            try socket.send(probe.startupBytes, deadline: deadline)
            var result: PlaintextLoginResult?
            while result == nil {
                switch try socket.receive(deadline: deadline) {
                case .bytes(let bytes): result = try probe.receive(bytes)
                case .closed, .timedOut: result = probe.connectionClosed()
                }
            }
            let goodbye = probe.goodbyeBytes
            if !goodbye.isEmpty { try? socket.send(goodbye, deadline: ContinuousClock.now + .seconds(1)) }
            return result ?? probe.connectionClosed()
        }
    }

    // MARK: One ClientHello

    /// `SSLRequest`, then one ClientHello built from `offer`; returns the server's answer.
    /// A server that hangs up or goes silent yields `.closed`, not an error.
    public func hello(_ offer: TLSHelloOffer) async throws -> TLSHelloAnswer {
        let serverName = serverName
        return try await offload { () throws -> TLSHelloAnswer in
            let clock = ContinuousClock()
            let start = clock.now
            let deadline = start + timeout
            let socket = try ProbeSocket(host: host, port: port, deadline: deadline)
            let ssl = try Self.requestSSL(on: socket, deadline: deadline)
            guard ssl == .willing else { return TLSHelloAnswer(reply: .sslRefused(ssl), elapsed: clock.now - start) }

            let hello = try TLSClientHello(version: offer.version, cipherSuites: offer.cipherSuites, serverName: serverName)
            try socket.send(hello.record, deadline: deadline)
            var flight = TLSServerFlight(wantsCertificate: offer.wantsCertificate)
            reading: while !flight.isComplete {
                switch try socket.receive(deadline: deadline) {
                case .bytes(let bytes): try flight.receive(bytes)
                case .closed, .timedOut: break reading
                }
            }
            return TLSHelloAnswer(flight: flight, elapsed: clock.now - start)
        }
    }

    // MARK: Whole scan

    /// Versions, suites per version, server preference and certificate chain. When only
    /// TLS 1.3 is accepted, the chain comes from decrypting one TLS 1.3 flight.
    public func scanTLS(candidates: [CipherSuite] = CipherSuiteCatalogue.all) async throws -> TLSScanResult {
        var result = try await TLSScan.run(candidates: candidates) { offer in
            try Task.checkCancellation()
            return try await hello(offer)
        }
        if result.certificateChain.isEmpty, let tls13 = result.result(for: .tls13), tls13.isAccepted {
            do {
                result.certificateChain = try await tls13CertificateChain(cipherSuites: tls13.cipherSuites)
            } catch {
                result.anomalies.append("TLSv1.3 certificate could not be read: \(error)")
            }
        }
        return result
    }

    // MARK: TLS 1.3 certificate

    /// One TLS 1.3 ClientHello, then reads the server's encrypted flight until its
    /// Certificate message decrypts (see `TLS13CertificateDecryption`).
    public func tls13CertificateChain(cipherSuites: [UInt16] = [0x1301, 0x1302, 0x1303]) async throws -> [[UInt8]] {
        let serverName = serverName
        return try await offload { () throws -> [[UInt8]] in
            let deadline = ContinuousClock.now + timeout
            let socket = try ProbeSocket(host: host, port: port, deadline: deadline)
            let ssl = try Self.requestSSL(on: socket, deadline: deadline)
            guard ssl == .willing else { throw WireProbeError(.closed, "the server refused SSLRequest") }
            let hello = try TLSClientHello(version: .tls13, cipherSuites: cipherSuites, serverName: serverName)
            try socket.send(hello.record, deadline: deadline)
            var flight = TLSServerFlight(wantsCertificate: true)
            while true {
                switch try socket.receive(deadline: deadline) {
                case .bytes(let bytes):
                    try flight.receive(bytes)
                    if flight.alert?.isFatal == true {
                        throw WireProbeError(.closed, "the server refused TLS 1.3 with \(flight.alert?.description ?? "an alert")")
                    }
                    if flight.serverHello != nil, !flight.encryptedRecords.isEmpty,
                       let chain = try TLS13CertificateDecryption.certificates(hello: hello, flight: flight) {
                        return chain
                    }
                case .closed: throw WireProbeError(.closed, "the server closed the connection before its TLS 1.3 certificate")
                case .timedOut: throw WireProbeError(.timedOut, "the server's TLS 1.3 certificate did not arrive in time")
                }
            }
        }
    }

    // MARK: Threads

    /// Runs blocking socket work off the cooperative thread pool (each piece is bounded by
    /// `timeout`, so the waiting thread is always released).
    private func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
