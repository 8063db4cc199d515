import Testing
@testable import WardenCore

// MARK: - A pretend server, as a pure function

/// Answers offers the way an OpenSSL-backed PostgreSQL would, from a plain policy.
struct FakeTLSServer {
    var versions: Set<TLSVersion>
    /// Accepted suites per version, in the server's preference order.
    var suites: [TLSVersion: [UInt16]]
    var prefersOwnOrder = true
    var certificates: [[UInt8]] = [[0x30, 0x03, 0x02, 0x01, 0x01]]
    var refusesSSL = false
    /// A broken server that always picks this suite, offered or not.
    var alwaysChooses: UInt16?

    func answer(_ offer: TLSHelloOffer) -> TLSHelloAnswer {
        if refusesSSL { return TLSHelloAnswer(reply: .sslRefused(.unwilling), elapsed: .milliseconds(2)) }
        var version = offer.version
        if !versions.contains(version) {
            // Below 1.3 a server negotiates down to its best version; otherwise it refuses.
            guard version < .tls13, let lower = versions.filter({ $0 < version }).max() else {
                return TLSHelloAnswer(reply: .alert(TLSAlert(level: 2, code: TLSAlert.protocolVersion)), elapsed: .milliseconds(2))
            }
            version = lower
        }
        let mine = suites[version] ?? []
        let common = prefersOwnOrder
            ? mine.filter(offer.cipherSuites.contains)
            : offer.cipherSuites.filter(mine.contains)
        guard let chosen = alwaysChooses ?? common.first else {
            return TLSHelloAnswer(reply: .alert(TLSAlert(level: 2, code: TLSAlert.handshakeFailure)), elapsed: .milliseconds(2))
        }
        let hello = TLSServerHello(
            legacyVersion: min(version, .tls12).rawValue, random: [UInt8](repeating: 7, count: 32), sessionID: [],
            cipherSuite: chosen, compressionMethod: 0,
            extensions: version == .tls13 ? [.init(type: 0x002B, data: [3, 4])] : []
        )
        let anonymous = CipherSuiteCatalogue.suite(chosen)?.isAnonymous ?? false
        let sendsChain = offer.wantsCertificate && version < .tls13 && !anonymous
        return TLSHelloAnswer(reply: .serverHello(hello), certificates: sendsChain ? certificates : [],
                              elapsed: .milliseconds(2))
    }
}

@Suite("TLS scan logic")
struct TLSScanTests {
    static func code(_ name: String) -> UInt16 { CipherSuiteCatalogue.suite(named: name)?.code ?? 0 }

    @Test func enumerationStateMachine() {
        var run = CipherSuiteEnumeration(version: .tls12, candidates: [1, 2, 3, 2])
        #expect(run.nextOffer == [1, 2, 3])  // duplicates dropped
        run.record(chosen: 3)
        #expect(run.nextOffer == [1, 2])
        run.record(chosen: 1)
        run.record(chosen: nil)
        #expect(run.isFinished)
        #expect(run.nextOffer == nil)
        #expect(run.accepted == [3, 1])
        run.record(chosen: 2)  // ignored once finished
        #expect(run.accepted == [3, 1])

        var rogue = CipherSuiteEnumeration(version: .tls10, candidates: [1, 2])
        rogue.record(chosen: 9)
        #expect(rogue.isFinished)
        #expect(rogue.anomaly == "TLSv1: the server chose suite 0x0009, which was not offered")

        var all = CipherSuiteEnumeration(version: .tls13, candidates: [0x1301])
        all.record(chosen: 0x1301)
        #expect(all.isFinished)  // nothing left to offer: no extra hello needed
    }

    @Test func hardenedServer() async throws {
        let server = FakeTLSServer(
            versions: [.tls12, .tls13],
            suites: [.tls12: [Self.code("ECDHE-RSA-AES256-GCM-SHA384"), Self.code("AES128-SHA")],
                     .tls13: [0x1302, 0x1301]]
        )
        let result = try await TLSScan.run { server.answer($0) }
        #expect(result.sslAnswer == .willing)
        #expect(result.acceptedVersions == [.tls12, .tls13])
        #expect(result.result(for: .tls10)?.refusal == .alert(TLSAlert(level: 2, code: TLSAlert.protocolVersion)))
        #expect(result.result(for: .tls12)?.cipherSuites == server.suites[.tls12])
        #expect(result.result(for: .tls12)?.preference == .server)
        #expect(result.result(for: .tls13)?.cipherSuites == [0x1302, 0x1301])
        #expect(result.certificateChain == server.certificates)
        #expect(result.weakSuites.isEmpty)
        #expect(result.totalElapsed == .milliseconds(2 * result.helloCount))
    }

    @Test func olderVersionsAreRefusedByAlertOrDowngrade() async throws {
        // Only TLS 1.2: a TLS 1.0 offer gets an alert; a TLS 1.3 offer gets an alert too.
        let server = FakeTLSServer(versions: [.tls12], suites: [.tls12: [0x002F]])
        let result = try await TLSScan.run { server.answer($0) }
        #expect(result.result(for: .tls10)?.refusal == .alert(TLSAlert(level: 2, code: 70)))
        #expect(result.result(for: .tls13)?.refusal == .alert(TLSAlert(level: 2, code: 70)))
        #expect(result.result(for: .tls12)?.preference == .unknown)  // one suite: nothing to compare

        // Up to TLS 1.1: the TLS 1.2 offer is answered with 1.1, so 1.2 is refused.
        let old = FakeTLSServer(versions: [.tls10, .tls11], suites: [.tls10: [0x002F], .tls11: [0x002F]])
        let oldResult = try await TLSScan.run { old.answer($0) }
        #expect(oldResult.result(for: .tls12)?.refusal == .otherVersion(0x0302))
        #expect(oldResult.acceptedVersions == [.tls10, .tls11])
    }

    @Test func clientPreferenceIsDetected() async throws {
        let server = FakeTLSServer(versions: [.tls12], suites: [.tls12: [0xC030, 0xC02F, 0x009D]], prefersOwnOrder: false)
        let result = try await TLSScan.run { server.answer($0) }
        let tls12 = try #require(result.result(for: .tls12))
        #expect(tls12.preference == .client)
        #expect(Set(tls12.cipherSuites) == [0xC030, 0xC02F, 0x009D])
    }

    @Test func refusedSSLStopsAfterOneHello() async throws {
        let server = FakeTLSServer(versions: [.tls12], suites: [:], refusesSSL: true)
        let result = try await TLSScan.run { server.answer($0) }
        #expect(result.sslAnswer == .unwilling)
        #expect(result.helloCount == 1)
        #expect(result.versions.isEmpty)
    }

    @Test func anonymousFirstChoiceStillYieldsTheChain() async throws {
        let anon = Self.code("ADH-AES256-GCM-SHA384")
        let server = FakeTLSServer(versions: [.tls12], suites: [.tls12: [anon, 0xC030]])
        var offers: [TLSHelloOffer] = []
        let result = try await TLSScan.run { offer in
            offers.append(offer)
            return server.answer(offer)
        }
        #expect(result.certificateChain == server.certificates)
        #expect(result.weakSuites.map(\.code) == [anon])
        #expect(offers[0].wantsCertificate && offers[1].wantsCertificate)  // asked again after the anon answer
        #expect(offers.last?.wantsCertificate == false)  // chain known: stop asking
    }

    @Test func rogueServerIsAnAnomalyNotAHang() async throws {
        let server = FakeTLSServer(versions: [.tls12], suites: [.tls12: [0x002F]], alwaysChooses: 0xABCD)
        let result = try await TLSScan.run(versions: [.tls12]) { server.answer($0) }
        #expect(result.anomalies == ["TLSv1.2: the server chose suite 0xABCD, which was not offered"])
        #expect(result.helloCount == 1)  // the very first answer is already a violation
        #expect(result.result(for: .tls12)?.cipherSuites == [])
    }

    @Test func exchangeErrorsPropagate() async {
        struct Unreachable: Error {}
        await #expect(throws: Unreachable.self) {
            try await TLSScan.run { _ in throw Unreachable() }
        }
    }

    /// Random servers: the scan must find exactly their versions and suites, in their
    /// order when they enforce it, within the hello budget.
    @Test func scanFindsWhatRandomServersAccept() async throws {
        var rng = SplitMix64(seed: 2024)
        let legacy = CipherSuiteCatalogue.legacy.map(\.code)
        let modern = CipherSuiteCatalogue.tls13.map(\.code)
        for _ in 0..<200 {
            var server = FakeTLSServer(versions: [], suites: [:], prefersOwnOrder: Bool.random(using: &rng))
            for version in TLSVersion.probed where Bool.random(using: &rng) {
                server.versions.insert(version)
                let pool = version == .tls13 ? modern : legacy
                let count = Int.random(in: 0...min(12, pool.count), using: &rng)
                server.suites[version] = Array(pool.shuffled(using: &rng).prefix(count))
            }
            let result = try await TLSScan.run { server.answer($0) }
            var budget = 0
            for entry in result.versions {
                let expected = server.versions.contains(entry.version) ? (server.suites[entry.version] ?? []) : []
                #expect(entry.isAccepted == !expected.isEmpty)
                #expect(Set(entry.cipherSuites) == Set(expected))
                if server.prefersOwnOrder { #expect(entry.cipherSuites == expected) }
                if expected.count >= 2 { #expect(entry.preference == (server.prefersOwnOrder ? .server : .client)) }
                budget += 1 + (entry.isAccepted ? entry.cipherSuites.count + 1 : 0)
            }
            #expect(result.versions.map(\.version) == TLSVersion.probed)
            #expect(result.helloCount <= budget)
            #expect(result.anomalies.isEmpty)
            let hasAuthenticatedLegacy = result.versions.contains { $0.version < .tls13 && $0.suites.contains { !$0.isAnonymous } }
            #expect(result.certificateChain.isEmpty == !hasAuthenticatedLegacy)
        }
    }
}
