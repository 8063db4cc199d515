import Testing
@testable import WardenCore

// MARK: - The plaintext login decision, on captured server answers

@Suite("Plaintext login probe")
struct PlaintextLoginProbeTests {
    static func probe() throws -> PlaintextLoginProbe {
        PlaintextLoginProbe(parameters: try PostgresStartupParameters(user: "postgres", database: "postgres"))
    }

    @Test func trustLetsUsInAndWeSayGoodbye() throws {
        var probe = try Self.probe()
        let result = try #require(try probe.receive(WireFixtures.trustLogin))
        #expect(result.outcome == .loggedInWithoutPassword)
        #expect(result.serverParameters["server_version"] == "15.18 (Debian 15.18-0+deb12u1)")
        #expect(result.serverParameters["is_superuser"] == "on")
        #expect(result.acceptsPlaintextLogin)
        #expect(probe.goodbyeBytes == [UInt8(ascii: "X"), 0, 0, 0, 4])
    }

    @Test func passwordRequestsAreReportedNotAnswered() throws {
        let cases: [([UInt8], PlaintextPasswordMethod)] = [
            (WireFixtures.md5Request, .md5),
            (WireFixtures.cleartextRequest, .cleartext),
            (WireFixtures.saslRequest, .sasl(mechanisms: ["SCRAM-SHA-256"])),
        ]
        for (bytes, method) in cases {
            var probe = try Self.probe()
            let result = try #require(try probe.receive(bytes))
            #expect(result.outcome == .passwordRequested(method))
            #expect(result.acceptsPlaintextLogin)
            #expect(probe.goodbyeBytes.isEmpty)
        }
    }

    @Test func rejectionsCarryTheServerError() throws {
        for bytes in [WireFixtures.noHBAEntry, WireFixtures.rejectLine] {
            var probe = try Self.probe()
            let result = try #require(try probe.receive(bytes))
            guard case .rejected(let error) = result.outcome else { Issue.record("expected rejection"); continue }
            #expect(error.sqlState == "28000")
            #expect(error.isHBARejection)
            #expect(!result.acceptsPlaintextLogin)
            #expect(probe.goodbyeBytes.isEmpty)
        }
    }

    @Test func errorAfterAuthenticationOkIsStillALoginWithoutPassword() throws {
        var probe = try Self.probe()
        let result = try #require(try probe.receive(WireFixtures.unknownDatabase))
        #expect(result.outcome == .loggedInWithoutPassword)
        #expect(result.sessionError?.sqlState == "3D000")
        #expect(probe.goodbyeBytes.isEmpty)  // the server already ended the session
    }

    @Test func gssRequestIsOtherAuthentication() throws {
        var probe = try Self.probe()
        let result = try #require(try probe.receive([0x52, 0, 0, 0, 8, 0, 0, 0, 7]))
        #expect(result.outcome == .otherAuthenticationRequested(.gss))
    }

    @Test func closingEarlyIsNoAnswerUnlessLoggedIn() throws {
        var silent = try Self.probe()
        #expect(try silent.receive(WireFixtures.trustLogin.prefix(3)) == nil)
        #expect(silent.connectionClosed().outcome == .closedWithoutAnswer)

        var cut = try Self.probe()
        #expect(try cut.receive([0x52, 0, 0, 0, 8, 0, 0, 0, 0]) == nil)  // AuthenticationOk only
        #expect(cut.connectionClosed().outcome == .loggedInWithoutPassword)
    }

    @Test func noticesAreKept() throws {
        var notice: [UInt8] = [UInt8(ascii: "N"), 0, 0, 0, 0]
        let body: [UInt8] = [UInt8(ascii: "S")] + Array("WARNING".utf8) + [0, UInt8(ascii: "M")] + Array("hi".utf8) + [0, 0]
        notice[4] = UInt8(body.count + 4)
        notice += body
        var probe = try Self.probe()
        let result = try #require(try probe.receive(notice + WireFixtures.saslRequest))
        #expect(result.notices.map(\.message) == ["hi"])
    }

    @Test func garbageIsAParseError() throws {
        var probe = try Self.probe()
        #expect(throws: CoreError.self) { try probe.receive([0x52, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    /// However the network slices the server's bytes, the verdict is the same.
    @Test func fragmentationDoesNotChangeTheResult() throws {
        var rng = SplitMix64(seed: 7)
        let streams = [WireFixtures.trustLogin, WireFixtures.md5Request, WireFixtures.saslRequest,
                       WireFixtures.noHBAEntry, WireFixtures.unknownDatabase]
        for _ in 0..<300 {
            let stream = streams[Int.random(in: 0..<streams.count, using: &rng)]
            var whole = try Self.probe()
            let expected = try whole.receive(stream)
            var sliced = try Self.probe()
            var got: PlaintextLoginResult?
            for piece in wireChunks(stream, maxPiece: 17, using: &rng) where got == nil {
                got = try sliced.receive(piece)
            }
            #expect(got != nil)
            #expect(got == expected)
        }
    }
}
