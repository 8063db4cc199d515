// MARK: - What the wire must show after a TLS change

/// The wire state a node must show once a TLS plan is applied, carried by
/// ``StepAction/proveTLS(_:)`` and checked from the outside: hand-built ClientHellos for
/// versions and suites, plaintext StartupMessages for every consumer role, verify-full
/// sessions for every host name services use, and a login as every consumer.
///
/// It is a value in the plan, so `pgwarden plan` shows exactly what will be proven.
public struct TLSProof: Sendable, Hashable, Codable {
    /// A role and the database it logs in to.
    public struct RoleLogin: Sendable, Hashable, Codable {
        public var user: String
        public var database: String

        public init(user: String, database: String) {
            self.user = user
            self.database = database
        }
    }

    /// One consumer entry and how it speaks TLS.
    public struct Consumer: Sendable, Hashable, Codable {
        public var service: String
        public var entry: String
        public var profile: ClientTLSProfile

        public init(service: String, entry: String, profile: ClientTLSProfile) {
            self.service = service
            self.entry = entry
            self.profile = profile
        }
    }

    public var node: String
    /// Exactly these versions complete a ServerHello (e.g. TLSv1.2 and TLSv1.3).
    public var acceptedVersions: [TLSVersion]
    /// Every suite the server may accept (code points); anything else is a failure.
    public var allowedSuites: [UInt16]
    /// Names a verify-full session must succeed for (chain to `rootCertificate`, name checked).
    public var hostNames: [String]
    /// The CA file verify-full trusts (absolute path).
    public var rootCertificate: String?
    /// Plaintext StartupMessages that must be refused before authentication.
    public var plaintextRefused: [RoleLogin]
    /// Consumers that must log in with their own settings, and whose drivers must keep a
    /// version and suite in common with the server.
    public var consumers: [Consumer]
    /// Standbys whose replication connection must be (or become, by reconnecting) TLS.
    public var standbysOverTLS: [String]

    public init(node: String, acceptedVersions: [TLSVersion], allowedSuites: [UInt16], hostNames: [String] = [],
                rootCertificate: String? = nil, plaintextRefused: [RoleLogin] = [], consumers: [Consumer] = [],
                standbysOverTLS: [String] = []) {
        self.node = node
        self.acceptedVersions = acceptedVersions
        self.allowedSuites = allowedSuites
        self.hostNames = hostNames
        self.rootCertificate = rootCertificate
        self.plaintextRefused = plaintextRefused
        self.consumers = consumers
        self.standbysOverTLS = standbysOverTLS
    }

    /// The probed versions that must be refused.
    public var refusedVersions: [TLSVersion] {
        TLSVersion.probed.filter { !acceptedVersions.contains($0) }
    }

    /// Diff lines for the plan: what will be proven.
    public var summary: [String] {
        var lines = [
            "  versions: exactly \(acceptedVersions.map(\.name).joined(separator: ", ")); refused: \(refusedVersions.map(\.name).joined(separator: ", "))",
            "  suites: only \(allowedSuites.map { CipherSuiteCatalogue.suite($0)?.openSSLName ?? "0x" + CipherSuite.hex($0) }.joined(separator: ", "))",
        ]
        if !hostNames.isEmpty { lines.append("  verify-full for: \(hostNames.joined(separator: ", "))") }
        if !plaintextRefused.isEmpty {
            lines.append("  plaintext login refused for: \(plaintextRefused.map { "\($0.user)/\($0.database)" }.joined(separator: ", "))")
        }
        if !consumers.isEmpty { lines.append("  \(consumers.count) consumer entr\(consumers.count == 1 ? "y logs" : "ies log") in with their own settings") }
        if !standbysOverTLS.isEmpty { lines.append("  replication over TLS: \(standbysOverTLS.joined(separator: ", "))") }
        return lines
    }
}

// MARK: - What the wire showed

/// What the proof step observed, as plain values, so the judgement is pure.
public struct TLSProofObservation: Sendable, Hashable {
    public var sslAnswer: SSLAnswerFact
    /// Accepted suites per accepted version (versions not listed were refused).
    public var accepted: [TLSVersion: [UInt16]]
    /// The leaf certificate the server sent, if one was read.
    public var leafCertificate: CertificateFacts?
    /// Host name → nil when a verify-full session succeeded, else why it failed.
    public var verifyFull: [String: String?]
    public var plaintextLogins: [PlaintextLoginFact]
    public var consumerLogins: [ConsumerLogin]
    /// Standby → whether its replication connection is now TLS (nil: not connected).
    public var standbys: [String: Bool?]
    /// What the probe could not find out (a timeout, an anomaly).
    public var problems: [String]

    public init(sslAnswer: SSLAnswerFact, accepted: [TLSVersion: [UInt16]] = [:], leafCertificate: CertificateFacts? = nil,
                verifyFull: [String: String?] = [:], plaintextLogins: [PlaintextLoginFact] = [], consumerLogins: [ConsumerLogin] = [],
                standbys: [String: Bool?] = [:], problems: [String] = []) {
        self.sslAnswer = sslAnswer
        self.accepted = accepted
        self.leafCertificate = leafCertificate
        self.verifyFull = verifyFull
        self.plaintextLogins = plaintextLogins
        self.consumerLogins = consumerLogins
        self.standbys = standbys
        self.problems = problems
    }
}

extension TLSProof {
    /// Every way `observation` falls short of the proof, in words; empty when it holds.
    public func failures(_ observation: TLSProofObservation) -> [String] {
        var failures = observation.problems
        guard observation.sslAnswer == .willing else {
            return failures + ["\(node) does not accept SSLRequest (\(observation.sslAnswer)): TLS is not on"]
        }
        let versions = observation.accepted.keys.sorted()
        if versions != acceptedVersions.sorted() {
            failures.append("\(node) accepts \(Self.names(versions)), expected exactly \(Self.names(acceptedVersions))")
        }
        let allowed = Set(allowedSuites)
        for version in versions {
            let suites = observation.accepted[version] ?? []
            let unexpected = suites.filter { !allowed.contains($0) }
            if !unexpected.isEmpty {
                failures.append("\(node) accepts unintended \(version.name) suites: \(Self.suiteNames(unexpected))")
            }
            let weak = suites.compactMap(CipherSuiteCatalogue.suite).filter { !TLSCipherPolicy.isAcceptable($0) }
            if !weak.isEmpty {
                failures.append("\(node) accepts weak or non-forward-secret \(version.name) suites: \(weak.map(\.openSSLName).joined(separator: ", "))")
            }
            if suites.isEmpty { failures.append("\(node) accepts \(version.name) with no suite we could name") }
        }
        let acceptedSuites = observation.accepted.values.flatMap { $0 }.compactMap(CipherSuiteCatalogue.suite)
        for consumer in consumers where consumer.profile.sslMode >= .prefer {
            if !consumer.profile.hasSuite(serverVersions: versions, suites: acceptedSuites) {
                failures.append("\(consumer.service) \(consumer.entry) (\(consumer.profile.driver.rawValue), up to \(consumer.profile.maximumVersion.name)) has no version and suite in common with \(node)")
            }
        }
        for name in hostNames {
            if let leaf = observation.leafCertificate, !leaf.matches(hostName: name).matches {
                failures.append("the certificate \(node) serves does not name \(name)")
            }
            switch observation.verifyFull[name] {
            case .none: failures.append("verify-full for \(name) was not tried")
            case .some(.some(let problem)): failures.append("verify-full for \(name) failed: \(problem)")
            case .some(.none): break
            }
        }
        if !hostNames.isEmpty, observation.leafCertificate == nil {
            failures.append("\(node) sent no certificate the probe could read")
        }
        for login in plaintextRefused {
            guard let seen = observation.plaintextLogins.first(where: { $0.user == login.user && $0.database == login.database }) else {
                failures.append("plaintext login as \(login.user) to \(login.database) was not tried")
                continue
            }
            if seen.outcome != .rejected {
                failures.append("plaintext login as \(login.user) to \(login.database): \(seen.outcome.rawValue)\(seen.detail.map { " (\($0))" } ?? "")")
            }
        }
        for login in observation.consumerLogins where !login.ok {
            failures.append("\(login.service) \(login.entry) cannot log in (\(login.target)): \(login.problem ?? "unknown")")
        }
        for consumer in consumers where !observation.consumerLogins.contains(where: { $0.service == consumer.service && $0.entry == consumer.entry }) {
            failures.append("\(consumer.service) \(consumer.entry) was not logged in as")
        }
        for standby in standbysOverTLS {
            switch observation.standbys[standby] {
            case .some(.some(true)): break
            case .some(.some(false)): failures.append("standby \(standby) still replicates without TLS")
            default: failures.append("standby \(standby) is not connected to \(node)")
            }
        }
        return failures
    }

    static func names(_ versions: [TLSVersion]) -> String {
        versions.isEmpty ? "no version" : versions.map(\.name).joined(separator: ", ")
    }

    static func suiteNames(_ codes: [UInt16]) -> String {
        codes.map { CipherSuiteCatalogue.suite($0)?.openSSLName ?? "0x" + CipherSuite.hex($0) }.joined(separator: ", ")
    }
}
