import Testing
@testable import WardenCore

// MARK: - Reading a TLS 1.3 certificate with our own key share

@Suite("TLS 1.3 certificate decryption")
struct TLS13CertificateDecryptionTests {
    /// The generator the scratch capture tool used (a counter, not SplitMix), so the test can
    /// rebuild the exact ClientHello — and key shares — that produced `tls13Flight`.
    struct CaptureToolGenerator: RandomNumberGenerator {
        var state: UInt64 = 42
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return state
        }
    }

    static func capturedHello(_ suites: [UInt16] = [0x1301, 0x1302, 0x1303]) throws -> TLSClientHello {
        var generator = CaptureToolGenerator()
        return try TLSClientHello(version: .tls13, cipherSuites: suites, serverName: "localhost", using: &generator)
    }

    /// One capture per decryptable suite: AES-256-GCM/SHA-384, AES-128-GCM/SHA-256,
    /// ChaCha20-Poly1305/SHA-256. An AEAD tag only verifies with the right key schedule.
    static let captures: [(stream: [UInt8], offered: [UInt16], chosen: UInt16)] = [
        (WireFixtures.tls13Flight, [0x1301, 0x1302, 0x1303], 0x1302),
        (WireFixtures.tls13FlightAES128, [0x1301], 0x1301),
        (WireFixtures.tls13FlightChaCha, [0x1303], 0x1303),
    ]

    @Test(arguments: 0..<3)
    func decryptsTheCapturedCertificate(capture: Int) throws {
        let (stream, offered, chosen) = Self.captures[capture]
        var flight = TLSServerFlight(wantsCertificate: true)
        try flight.receive(stream)
        #expect(flight.serverHello?.cipherSuite == chosen)
        let chain = try #require(try TLS13CertificateDecryption.certificates(hello: try Self.capturedHello(offered), flight: flight))
        #expect(chain.count == 1)
        let facts = try CertificateFacts(der: chain[0])
        #expect(facts.subjectCommonName == "localhost")
        #expect(facts.keyType == .rsa)
        #expect(facts.keyBits == 2048)
    }

    @Test func incompleteFlightIsNotAnError() throws {
        // Only the ServerHello record and ChangeCipherSpec: nothing to decrypt yet.
        let serverHelloRecord = 5 + (Int(WireFixtures.tls13Flight[3]) << 8 | Int(WireFixtures.tls13Flight[4]))
        var flight = TLSServerFlight(wantsCertificate: true)
        try flight.receive(WireFixtures.tls13Flight.prefix(serverHelloRecord + 6))
        #expect(try TLS13CertificateDecryption.certificates(hello: try Self.capturedHello(), flight: flight) == nil)
    }

    @Test func wrongKeyShareIsACryptoError() throws {
        var flight = TLSServerFlight(wantsCertificate: true)
        try flight.receive(WireFixtures.tls13Flight)
        var other = SplitMix64(seed: 5)
        let stranger = try TLSClientHello(version: .tls13, cipherSuites: [0x1302], serverName: "localhost", using: &other)
        do {
            _ = try TLS13CertificateDecryption.certificates(hello: stranger, flight: flight)
            Issue.record("a foreign key share must not decrypt")
        } catch let error as CoreError {
            #expect(error.kind == .crypto)
            #expect(error.message == "encrypted TLS record 1 does not decrypt with our handshake key")
        }
    }

    @Test func tls12FlightIsRefused() throws {
        var flight = TLSServerFlight(wantsCertificate: true)
        try flight.receive(WireFixtures.tls12Flight)
        #expect(throws: CoreError.self) {
            try TLS13CertificateDecryption.certificates(hello: try Self.capturedHello(), flight: flight)
        }
    }
}
