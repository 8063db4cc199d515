import Testing
@testable import WardenCore

// MARK: - Reading the server's answer to a ClientHello

@Suite("TLS server flight")
struct TLSServerFlightTests {
    /// The handshake bytes of a captured flight, without record headers.
    static func handshakeBytes(_ stream: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index + 5 <= stream.count {
            let length = Int(stream[index + 3]) << 8 | Int(stream[index + 4])
            if stream[index] == 22 { out += stream[(index + 5)..<(index + 5 + length)] }
            index += 5 + length
        }
        return out
    }

    /// Re-frames handshake bytes into records of the given sizes (TLS 1.2 record headers).
    static func records(_ handshake: [UInt8], sizes: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        var sizeIndex = 0
        while index < handshake.count {
            let size = min(sizes[sizeIndex % sizes.count], handshake.count - index)
            out += [22, 3, 3, UInt8(size >> 8), UInt8(size & 0xFF)] + handshake[index..<(index + size)]
            index += size
            sizeIndex += 1
        }
        return out
    }

    static func read(_ bytes: [UInt8], wantsCertificate: Bool = true) throws -> TLSServerFlight {
        var flight = TLSServerFlight(wantsCertificate: wantsCertificate)
        try flight.receive(bytes)
        return flight
    }

    @Test func capturedTLS12Flight() throws {
        let flight = try Self.read(WireFixtures.tls12Flight)
        let hello = try #require(flight.serverHello)
        #expect(hello.version == .tls12)
        #expect(hello.cipherSuite == 0xC030)
        #expect(hello.compressionMethod == 0)
        #expect(hello.hasDowngradeSentinel)  // the server also speaks TLS 1.3
        #expect(!hello.isHelloRetryRequest)
        #expect(flight.sawServerHelloDone)
        #expect(flight.isComplete)
        #expect(flight.certificates.count == 1)
        #expect(flight.handshakeMessages.map { $0[0] } == [2, 11, 12, 14])  // SH, Certificate, SKE, SHD
        let facts = try CertificateFacts(der: try #require(flight.certificates.first))
        #expect(facts.subjectCommonName == "localhost")
    }

    @Test func capturedTLS13ServerHello() throws {
        let flight = try Self.read(WireFixtures.tls13Flight)
        let hello = try #require(flight.serverHello)
        #expect(hello.legacyVersion == 0x0303)
        #expect(hello.version == .tls13)  // from supported_versions
        #expect(hello.cipherSuite == 0x1302)
        #expect(hello.keyShare?.group == 0x0017)  // PostgreSQL's ssl_ecdh_curve prime256v1
        #expect(hello.keyShare?.key.count == 65)
        #expect(flight.isComplete)
        #expect(flight.certificates.isEmpty)  // encrypted in TLS 1.3
        #expect(!flight.encryptedRecords.isEmpty)
        #expect(flight.encryptedRecords.allSatisfy { $0[0] == 23 })
    }

    @Test func helloRetryRequestStillMeansAccepted() throws {
        let flight = try Self.read(WireFixtures.helloRetryRequest)
        let hello = try #require(flight.serverHello)
        #expect(hello.isHelloRetryRequest)
        #expect(hello.version == .tls13)
        #expect(hello.cipherSuite == 0x1302)
        #expect(flight.isComplete)
        let answer = TLSHelloAnswer(flight: flight, elapsed: .milliseconds(3))
        #expect(answer.chosenSuite(for: .tls13) == 0x1302)
    }

    @Test func capturedAlerts() throws {
        let refused = try Self.read(WireFixtures.protocolVersionAlert)
        #expect(refused.alert == TLSAlert(level: 2, code: TLSAlert.protocolVersion))
        #expect(refused.alert?.name == "protocol_version")
        #expect(refused.isComplete)
        #expect(TLSHelloAnswer(flight: refused, elapsed: .zero).reply == .alert(TLSAlert(level: 2, code: 70)))

        let noCipher = try Self.read(WireFixtures.handshakeFailureAlert)
        #expect(noCipher.alert?.description == "fatal handshake_failure")
    }

    @Test func warningAlertDoesNotEndTheFlight() throws {
        let warning: [UInt8] = [21, 3, 3, 0, 2, 1, 112]  // warning unrecognized_name
        let flight = try Self.read(warning)
        #expect(!flight.isComplete)
        #expect(TLSHelloAnswer(flight: flight, elapsed: .zero).reply == .alert(TLSAlert(level: 1, code: 112)))
    }

    @Test func stopsAtServerHelloWhenNoCertificateIsWanted() throws {
        let firstRecord = Array(WireFixtures.tls12Flight.prefix(5 + 0x3D))
        #expect(try Self.read(firstRecord, wantsCertificate: false).isComplete)
        #expect(try !Self.read(firstRecord, wantsCertificate: true).isComplete)
    }

    @Test func allMessagesInOneRecord() throws {
        let handshake = Self.handshakeBytes(WireFixtures.tls12Flight)
        let expected = try Self.read(WireFixtures.tls12Flight)
        let merged = try Self.read(Self.records(handshake, sizes: [handshake.count]))
        #expect(merged.certificates == expected.certificates)
        #expect(merged.handshakeMessages == expected.handshakeMessages)
    }

    /// Any record boundaries and any read boundaries give the same flight.
    @Test func fragmentationProperty() throws {
        let handshake = Self.handshakeBytes(WireFixtures.tls12Flight)
        let expected = try Self.read(WireFixtures.tls12Flight)
        var rng = SplitMix64(seed: 12)
        for _ in 0..<300 {
            let sizes = (0..<5).map { _ in Int.random(in: 1...400, using: &rng) }
            let stream = Self.records(handshake, sizes: sizes)
            var flight = TLSServerFlight(wantsCertificate: true)
            for piece in wireChunks(stream, maxPiece: 300, using: &rng) { try flight.receive(piece) }
            #expect(flight.certificates == expected.certificates)
            #expect(flight.serverHello == expected.serverHello)
            #expect(flight.sawServerHelloDone)
        }
    }

    @Test func notTLSIsAParseErrorWithPosition() {
        let stream = Array(WireFixtures.tls12Flight.prefix(5 + 0x3D)) + Array("HTTP/1.1 400".utf8)
        do {
            _ = try Self.read(stream)
            Issue.record("HTTP after a record must be refused")
        } catch let error as CoreError {
            #expect(error.kind == .parse)
            #expect(error.message.contains("not a TLS record"))
            #expect(error.message.hasSuffix("(at byte 66)"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func oversizedRecordAndTruncatedServerHello() {
        #expect(throws: CoreError.self) { try Self.read([22, 3, 3, 0xFF, 0xFF]) }
        // A ServerHello cut after its version: 2 bytes of body where 38+ are needed.
        do {
            _ = try Self.read([22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3])
            Issue.record("a truncated ServerHello must be refused")
        } catch let error as CoreError {
            #expect(error.message == "ServerHello is truncated: random needs 32 byte(s), 0 left (at byte 2)")
        } catch { Issue.record("unexpected \(error)") }
    }
}
