import WardenCore
import WardenHost

// MARK: - Proving a node's TLS state from the wire

/// Carries out ``StepAction/proveTLS(_:)``: observes the node from the outside and fails
/// (so the executor rolls back every step before it) unless ``TLSProof/failures(_:)`` is
/// empty. Observations, in parallel:
///
/// - the TLS scan with hand-built ClientHellos (``WireProbe/scanTLS(candidates:)``):
///   versions and the suites accepted for each;
/// - a verify-full session per host name, to the node's address with that name checked
///   (trusting only the CA file the proof names), and the served leaf checked by name;
/// - a plaintext StartupMessage per consumer role (it must be refused before authentication);
/// - a login as every consumer with its own settings (``ConsumerLoginCheck``);
/// - each standby's replication connection: when it is still plaintext, its walsender is
///   ended so the standby reconnects, and the new connection must be TLS.
///
/// It changes no setting or file, so undo has nothing to do.
struct TLSProofStep: Sendable {
    let access: SiteAccess
    let keyFile: SealingKeyFile
    var probeTimeout: Duration = .seconds(3)
    /// How long a standby may take to reconnect (its `wal_retrieve_retry_interval` is 5 s by default).
    var standbyWaitSeconds: Double = 20

    func check(_ step: PlannedStep) async throws {
        guard case .proveTLS(let proof) = step.action else {
            throw HostError(.verification, "step \(step.id) is not a TLS proof")
        }
        let observation = try await observe(proof)
        let failures = proof.failures(observation)
        guard failures.isEmpty else {
            throw HostError(.verification, "\(proof.node): the wire does not show the planned TLS state: \(failures.joined(separator: "; "))",
                            hint: "every step of this apply is rolled back; see the server log of \(proof.node)")
        }
    }

    // MARK: Observing

    func observe(_ proof: TLSProof) async throws -> TLSProofObservation {
        let node = try access.node(proof.node)
        let probe = WireProbe(host: node.host, port: node.port, timeout: probeTimeout)
        let answer: PostgresSSLAnswer
        do { answer = try await probe.sslAnswer() } catch {
            return TLSProofObservation(sslAnswer: .notAsked("\(error)"))
        }
        guard answer == .willing else { return TLSProofObservation(sslAnswer: SSLAnswerFact(answer)) }

        let services = try ConsumerLoginStep.services(named: Self.unique(proof.consumers.map(\.service)), in: access.inventory)
        async let scan = Self.scan(probe)
        async let verifyFull = verifyFull(proof, node: node)
        async let plaintext = Self.plaintextLogins(proof.plaintextRefused, probe: probe)
        async let consumers = ConsumerLoginCheck.run(services: services, keyFile: keyFile.exists ? keyFile : nil)
        var observation = TLSProofObservation(sslAnswer: .willing)
        let scanned = await scan
        switch scanned {
        case .success(let result):
            for version in result.versions where version.isAccepted { observation.accepted[version.version] = version.cipherSuites }
            observation.problems += result.anomalies
            if let der = result.certificateChain.first {
                do { observation.leafCertificate = try CertificateFacts(der: der) } catch {
                    observation.problems.append("the served certificate cannot be read: \(error)")
                }
            }
        case .failure(let error):
            observation.problems.append("TLS scan: \(error)")
        }
        observation.verifyFull = await verifyFull
        observation.plaintextLogins = await plaintext
        observation.consumerLogins = await consumers
        observation.standbys = await standbysOverTLS(proof.standbysOverTLS, primary: node)
        return observation
    }

    private static func scan(_ probe: WireProbe) async -> Swift.Result<TLSScanResult, any Error> {
        do { return .success(try await probe.scanTLS()) } catch { return .failure(error) }
    }

    /// A verify-full session to the node's address for every name, trusting only the CA file.
    private func verifyFull(_ proof: TLSProof, node: DatabaseNode) async -> [String: String?] {
        var results: [String: String?] = [:]
        for name in proof.hostNames {
            do {
                // Dial the node's address; check the certificate against the name services use.
                var target = try access.target(node: node, sslMode: .verifyFull)
                target.rootCertificatePath = proof.rootCertificate
                target.hostAddress = node.host
                target.host = name
                try await PostgresSession.with(target) { session in _ = try await session.value("SELECT 1::text") }
                results[name] = .some(nil)
            } catch {
                results[name] = .some(String(describing: error))
            }
        }
        return results
    }

    private static func plaintextLogins(_ logins: [TLSProof.RoleLogin], probe: WireProbe) async -> [PlaintextLoginFact] {
        var facts: [PlaintextLoginFact] = []
        for login in logins {
            do {
                let parameters = try PostgresStartupParameters(user: login.user, database: login.database)
                facts.append(PlaintextLoginFact(user: login.user, database: login.database, result: try await probe.plaintextLogin(parameters)))
            } catch {
                facts.append(PlaintextLoginFact(user: login.user, database: login.database, outcome: .inconclusive, detail: "\(error)"))
            }
        }
        return facts
    }

    // MARK: Standbys

    /// Whether each standby now replicates over TLS. A plaintext walsender is ended; the
    /// standby reconnects under the new pg_hba.conf, and that connection counts.
    private func standbysOverTLS(_ standbys: [String], primary: DatabaseNode) async -> [String: Bool?] {
        var results: [String: Bool?] = [:]
        for standby in standbys {
            do {
                results[standby] = .some(try await replicationOverTLS(standby, primary: primary))
            } catch {
                results[standby] = .some(nil)
            }
        }
        return results
    }

    private func replicationOverTLS(_ standby: String, primary: DatabaseNode) async throws -> Bool? {
        let query = """
            SELECT r.pid::text, s.ssl::text FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid
            WHERE r.application_name = $1 ORDER BY r.backend_start DESC LIMIT 1
            """
        let first = try await access.withSuperuser(on: primary) { session in try await session.rows(query, [standby]).first }
        guard let first, let pid = first[0] else { return nil }
        if first[1] == "true" { return true }
        try await access.withSuperuser(on: primary) { session in _ = try await session.value("SELECT pg_terminate_backend($1::int)::text", [pid]) }
        let deadline = ContinuousClock.now + .milliseconds(Int(standbyWaitSeconds * 1000))
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let row = try await access.withSuperuser(on: primary) { session in try await session.rows(query, [standby]).first }
            if let row, row[0] != pid { return row[1] == "true" }
        }
        return nil
    }

    static func unique(_ names: [String]) -> [String] {
        names.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}
