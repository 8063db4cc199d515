import Testing
@testable import WardenCore

// MARK: - Frontend messages, byte for byte

@Suite("PostgreSQL wire messages")
struct PostgresMessageTests {
    @Test func sslRequestIsEightBytes() {
        let expected: [UInt8] = [
            0x00, 0x00, 0x00, 0x08,  // length 8, including itself
            0x04, 0xD2, 0x16, 0x2F,  // 80877103 = 1234 << 16 | 5679
        ]
        #expect(PostgresFrontendMessage.sslRequest.bytes == expected)
    }

    @Test func startupMessageLayout() throws {
        let parameters = try PostgresStartupParameters(user: "qs", database: "QSR", applicationName: "p")
        var expected: [UInt8] = []
        expected += [0x00, 0x00, 0x00, 0x31]  // length 49 = 4 + 4 + "user\0qs\0"(8) + "database\0QSR\0"(13) + "application_name\0p\0"(19) + 1
        expected += [0x00, 0x03, 0x00, 0x00]  // protocol 3.0
        expected += Array("user".utf8) + [0] + Array("qs".utf8) + [0]
        expected += Array("database".utf8) + [0] + Array("QSR".utf8) + [0]
        expected += Array("application_name".utf8) + [0] + Array("p".utf8) + [0]
        expected += [0]  // end of parameters
        #expect(expected.count == 49)
        #expect(PostgresFrontendMessage.startup(parameters).bytes == expected)
    }

    @Test func startupWithoutOptionalParameters() throws {
        let parameters = try PostgresStartupParameters(user: "u", database: nil, applicationName: nil)
        let expected: [UInt8] = [0, 0, 0, 16, 0, 3, 0, 0] + Array("user".utf8) + [0, UInt8(ascii: "u"), 0, 0]
        #expect(PostgresFrontendMessage.startup(parameters).bytes == expected)
    }

    @Test func terminate() {
        #expect(PostgresFrontendMessage.terminate.bytes == [UInt8(ascii: "X"), 0, 0, 0, 4])
    }

    @Test func startupParametersRejectEmptyUserAndNUL() {
        #expect(throws: CoreError.self) { try PostgresStartupParameters(user: "") }
        do {
            _ = try PostgresStartupParameters(user: "a", database: "x\u{0}y")
            Issue.record("a NUL in the database name must be refused")
        } catch let error as CoreError {
            #expect(error.kind == .invalid)
            #expect(error.message.contains("database"))
        } catch { Issue.record("unexpected \(error)") }
    }

    // MARK: SSLRequest answers

    @Test func sslAnswers() throws {
        #expect(try PostgresSSLAnswer.decode(from: [UInt8(ascii: "S")][...])?.answer == .willing)
        #expect(try PostgresSSLAnswer.decode(from: [UInt8(ascii: "N"), 0x99][...])?.byteCount == 1)
        #expect(try PostgresSSLAnswer.decode(from: [][...]) == nil)
        // An ErrorResponse instead of a byte: decoded whole, nil until complete.
        let error = WireFixtures.noHBAEntry
        #expect(try PostgresSSLAnswer.decode(from: error[0..<20]) == nil)
        let decoded = try #require(try PostgresSSLAnswer.decode(from: error[...]))
        guard case .error(let fields) = decoded.answer else { Issue.record("expected .error"); return }
        #expect(fields.sqlState == "28000")
        #expect(decoded.byteCount == error.count)
    }

    @Test func sslAnswerFromANonPostgresPort() {
        for first in [UInt8(0x16), UInt8(ascii: "H")] {
            do {
                _ = try PostgresSSLAnswer.decode(from: [first, 3, 1][...])
                Issue.record("byte \(first) must be refused")
            } catch let error as CoreError {
                #expect(error.kind == .parse)
                #expect(error.message.contains("at byte 0"))
                #expect(error.hint?.contains(first == 0x16 ? "TLS directly" : "does not speak") == true)
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    // MARK: Backend messages

    @Test func authenticationRequests() throws {
        let md5 = try #require(try PostgresBackendMessage.decode(from: WireFixtures.md5Request[...]))
        #expect(md5.message == .authentication(.md5Password(salt: [0x25, 0xB6, 0x55, 0xD4])))
        #expect(md5.byteCount == 13)
        let clear = try #require(try PostgresBackendMessage.decode(from: WireFixtures.cleartextRequest[...]))
        #expect(clear.message == .authentication(.cleartextPassword))
        let sasl = try #require(try PostgresBackendMessage.decode(from: WireFixtures.saslRequest[...]))
        #expect(sasl.message == .authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))
        #expect(PostgresAuthenticationRequest.sasl(mechanisms: []).code == 10)
    }

    @Test func errorResponseFields() throws {
        let decoded = try #require(try PostgresBackendMessage.decode(from: WireFixtures.rejectLine[...]))
        guard case .errorResponse(let error) = decoded.message else { Issue.record("expected ErrorResponse"); return }
        #expect(error.severity == "FATAL")
        #expect(error.sqlState == "28000")
        #expect(error.message == #"pg_hba.conf rejects connection for host "127.0.0.1", user "u_reject", database "postgres", no encryption"#)
        #expect(error.field("F") == "auth.c")
        #expect(error.field("R") == "ClientAuthentication")
        #expect(error.isHBARejection)
        #expect(error.detail == nil)
    }

    @Test func startupSequenceOfTrustLogin() throws {
        var buffer = WireFixtures.trustLogin[...]
        var messages: [PostgresBackendMessage] = []
        while let (message, count) = try PostgresBackendMessage.decode(from: buffer) {
            messages.append(message)
            buffer = buffer.dropFirst(count)
        }
        #expect(buffer.isEmpty)
        #expect(messages.first == .authentication(.ok))
        #expect(messages.last == .readyForQuery(status: UInt8(ascii: "I")))
        #expect(messages.contains(.parameterStatus(name: "server_version", value: "15.18 (Debian 15.18-0+deb12u1)")))
        #expect(messages.contains { if case .backendKeyData(_, let key) = $0 { key.count == 4 } else { false } })
        #expect(messages.count == 16)  // R, 13 × S, K, Z
    }

    @Test func negotiateProtocolVersionHandBuilt() throws {
        var body: [UInt8] = [0, 0, 0, 0]  // newest minor version 0
        body += [0, 0, 0, 1]  // one unrecognized option
        body += Array("_pq_.x".utf8) + [0]
        let message: [UInt8] = [UInt8(ascii: "v"), 0, 0, 0, UInt8(body.count + 4)] + body
        let decoded = try #require(try PostgresBackendMessage.decode(from: message[...]))
        #expect(decoded.message == .negotiateProtocolVersion(newestMinorVersion: 0, unrecognizedOptions: ["_pq_.x"]))
    }

    @Test func incompleteMessagesWaitForMoreBytes() throws {
        let message = WireFixtures.saslRequest
        for cut in 0..<message.count {
            #expect(try PostgresBackendMessage.decode(from: message[0..<cut]) == nil)
        }
    }

    @Test func impossibleLengthIsAParseErrorAtByteOne() {
        for length: [UInt8] in [[0, 0, 0, 3], [0x7F, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF]] {
            do {
                _ = try PostgresBackendMessage.decode(from: ([UInt8(ascii: "R")] + length + [0, 0, 0, 0])[...])
                Issue.record("length \(length) must be refused")
            } catch let error as CoreError {
                #expect(error.kind == .parse)
                #expect(error.message.hasSuffix("(at byte 1)"))
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    @Test func malformedBodiesNameTheField() {
        // MD5 request with a 2-byte salt; SASL list without its terminator; ErrorResponse
        // field without NUL; trailing garbage after AuthenticationOk.
        let cases: [([UInt8], String)] = [
            ([0x52, 0, 0, 0, 10, 0, 0, 0, 5, 1, 2], "MD5 salt needs 4 byte(s), 2 left (at byte 4)"),
            ([0x52, 0, 0, 0, 12, 0, 0, 0, 10] + Array("SCRA".utf8), "SASL mechanism is not NUL-terminated (at byte 4)"),
            ([0x45, 0, 0, 0, 7, 0x53, 0x46, 0x41], "field S is not NUL-terminated (at byte 1)"),
            ([0x52, 0, 0, 0, 9, 0, 0, 0, 0, 7], "Authentication request 0 has 1 unexpected trailing byte(s) (at byte 4)"),
        ]
        for (bytes, message) in cases {
            do {
                _ = try PostgresBackendMessage.decode(from: bytes[...])
                Issue.record("\(bytes) must be refused")
            } catch let error as CoreError {
                #expect(error.kind == .parse)
                #expect(error.message.hasSuffix(message), "\(error.message)")
            } catch { Issue.record("unexpected \(error)") }
        }
    }
}
