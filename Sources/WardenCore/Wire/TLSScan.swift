// MARK: - The scan procedure

/// The TLS scan of a PostgreSQL endpoint as pure logic: it decides which ClientHello to send
/// next and what the answers mean, and leaves the sending to `exchange` (a socket in
/// WardenPostgres, a fake server in tests).
///
/// 1. One hello per version (TLS 1.0, 1.1, 1.2, 1.3), each offering every candidate suite
///    for that version; accepted when the ServerHello names that version.
/// 2. For every accepted version, `CipherSuiteEnumeration` until the server refuses.
/// 3. Where two or more suites were accepted, one more hello offering them in reverse: if
///    the server still picks its first choice, the order is the server's.
///
/// The certificate chain is asked for on TLS ≤ 1.2 hellos until one arrives (a hello that
/// ends on an anonymous suite has none, so it keeps asking).
public enum TLSScan {
    /// Runs the scan. `candidates` defaults to the whole catalogue; errors thrown by
    /// `exchange` (cannot connect at all) end the scan and propagate.
    public static func run(
        versions: [TLSVersion] = TLSVersion.probed,
        candidates: [CipherSuite] = CipherSuiteCatalogue.all,
        exchange: (TLSHelloOffer) async throws -> TLSHelloAnswer
    ) async throws -> TLSScanResult {
        var result = TLSScanResult(sslAnswer: .willing)

        func send(_ offer: TLSHelloOffer) async throws -> TLSHelloAnswer {
            let answer = try await exchange(offer)
            result.helloCount += 1
            result.totalElapsed += answer.elapsed
            if result.certificateChain.isEmpty, !answer.certificates.isEmpty {
                result.certificateChain = answer.certificates
            }
            return answer
        }

        for version in versions.sorted() {
            let offered = candidateCodes(candidates, for: version)
            var enumeration = CipherSuiteEnumeration(version: version, candidates: offered)
            let first = try await send(offer(enumeration.nextOffer ?? [], version, needsChain: result.certificateChain.isEmpty))
            if case .sslRefused(let answer) = first.reply {
                result.sslAnswer = answer
                return result
            }
            guard let chosen = first.chosenSuite(for: version) else {
                result.versions.append(.init(version: version, refusal: refusal(first.reply), firstAnswerTime: first.elapsed))
                continue
            }
            enumeration.record(chosen: chosen)
            while let suites = enumeration.nextOffer {
                let answer = try await send(offer(suites, version, needsChain: result.certificateChain.isEmpty))
                enumeration.record(chosen: answer.chosenSuite(for: version))
            }
            if let anomaly = enumeration.anomaly { result.anomalies.append(anomaly) }

            var preference = TLSScanResult.Preference.unknown
            let accepted = enumeration.accepted
            if accepted.count >= 2 {
                let reversed = Array(accepted.reversed())
                let answer = try await send(offer(reversed, version, needsChain: result.certificateChain.isEmpty))
                switch answer.chosenSuite(for: version) {
                case accepted.first: preference = .server
                case reversed.first: preference = .client
                default: preference = .unknown
                }
            }
            result.versions.append(.init(
                version: version, refusal: nil, cipherSuites: accepted,
                preference: preference, firstAnswerTime: first.elapsed
            ))
        }
        return result
    }

    // MARK: Pieces

    /// The suites worth offering for `version`: the 1.3 suites for TLS 1.3, the others below.
    static func candidateCodes(_ candidates: [CipherSuite], for version: TLSVersion) -> [UInt16] {
        candidates.filter { $0.isTLS13 == (version == .tls13) }.map(\.code)
    }

    private static func offer(_ suites: [UInt16], _ version: TLSVersion, needsChain: Bool) -> TLSHelloOffer {
        TLSHelloOffer(version: version, cipherSuites: suites, wantsCertificate: version < .tls13 && needsChain)
    }

    private static func refusal(_ reply: TLSHelloAnswer.Reply) -> TLSScanResult.Refusal {
        switch reply {
        case .alert(let alert): .alert(alert)
        case .serverHello(let hello): .otherVersion(hello.versionCode)
        case .closed, .sslRefused: .closed
        }
    }
}
