import Testing
@testable import WardenCore

/// A driver's one or two attempts, and the record each reaches.
@Suite("pg_hba.conf: a driver's TLS order and its second attempt")
struct HBALoginTests {
    static let file = try! HBAFile(parsing: """
        hostssl all   rejected  10.0.0.0/8  reject
        hostssl all   all       10.0.0.0/8  scram-sha-256
        hostnossl all all       10.0.0.0/8  md5

        """)
    static let attempt = HBAConnectionAttempt(transport: .tcpPlain, clientAddress: IPAddress("10.0.0.5")!, target: .database("d"), role: "u")

    static func lines(_ login: HBALogin) -> [String] {
        login.attempts.map { attempt in
            let line: String
            switch attempt.decision {
            case .matched(let numbered): line = "\(numbered.line)"
            case .noEntry: line = "none"
            case .undecidable(let at, _): line = "?\(at)"
            }
            return "\(attempt.transport.rawValue):\(line)"
        }
    }

    @Test("libpq: prefer (and no sslmode) tries TLS first when the server has ssl on; allow plaintext first")
    func libpqOrder() {
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: nil, serverSSL: true).transports == [.tcpSSL, .tcpPlain])
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: .prefer, serverSSL: false).transports == [.tcpPlain])
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: .allow, serverSSL: true).transports == [.tcpPlain, .tcpSSL])
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: .require, serverSSL: true).transports == [.tcpSSL])
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: .verifyFull, serverSSL: false).transports.isEmpty)
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: .disable, serverSSL: true).transports == [.tcpPlain])
        #expect(ClientTLSNegotiation.of(driver: .libpq, sslMode: nil, serverSSL: true).modelledFrom == nil, "libpq is proven")
    }

    @Test("Npgsql, Devart and node-postgres are modelled from their documentation and say so")
    func otherDrivers() {
        #expect(ClientTLSNegotiation.of(driver: .npgsql, sslMode: nil, serverSSL: true).transports == [.tcpSSL, .tcpPlain])
        #expect(ClientTLSNegotiation.of(driver: .devart, sslMode: nil, serverSSL: true).transports == [.tcpPlain], "Devart defaults to Disable")
        #expect(ClientTLSNegotiation.of(driver: .devart, sslMode: .prefer, serverSSL: true).transports == [.tcpSSL, .tcpPlain])
        #expect(ClientTLSNegotiation.of(driver: .nodePostgres, sslMode: nil, serverSSL: true).transports == [.tcpPlain])
        #expect(ClientTLSNegotiation.of(driver: .nodePostgres, sslMode: .prefer, serverSSL: true).transports == [.tcpSSL], "no fallback")
        #expect(ClientTLSNegotiation.of(driver: .nodePostgres, sslMode: .require, serverSSL: false).transports.isEmpty)
        for driver in [ServiceDriver.npgsql, .devart, .nodePostgres] {
            #expect(ClientTLSNegotiation.of(driver: driver, sslMode: .prefer, serverSSL: true).modelledFrom != nil)
        }
    }

    @Test("the second attempt is made only when the first fails")
    func secondAttempt() {
        let evaluator = HBAEvaluator(file: Self.file)
        let prefer: [HBATransport] = [.tcpSSL, .tcpPlain]
        #expect(Self.lines(evaluator.login(Self.attempt, over: prefer)) == ["tcp+ssl:2"], "a right password ends the login")
        #expect(Self.lines(evaluator.login(Self.attempt, over: prefer, credentialsAccepted: false)) == ["tcp+ssl:2", "tcp:3"],
                "a refused password makes libpq retry without TLS")
        var rejected = Self.attempt
        rejected.role = "rejected"
        #expect(Self.lines(evaluator.login(rejected, over: prefer)) == ["tcp+ssl:1", "tcp:3"], "a reject line makes libpq retry")
        #expect(Self.lines(evaluator.login(rejected, over: [.tcpPlain, .tcpSSL])) == ["tcp:3"])
        var nobody = Self.attempt
        nobody.clientAddress = IPAddress("192.168.1.1")
        #expect(Self.lines(evaluator.login(nobody, over: [.tcpPlain, .tcpSSL])) == ["tcp:none", "tcp+ssl:none"])
        let trust = HBAEvaluator(file: try! HBAFile(parsing: "host all all all trust\n"))
        #expect(Self.lines(trust.login(Self.attempt, over: prefer, credentialsAccepted: false)) == ["tcp+ssl:1"], "trust asks for nothing")
    }
}
