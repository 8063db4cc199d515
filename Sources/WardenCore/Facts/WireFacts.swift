import Foundation

// MARK: - What the server said on the wire

/// What our own probe saw at a node's port: the answer to `SSLRequest`, a plaintext login
/// attempt as each role the site uses, and (when TLS is offered) the versions, suites and
/// certificate chain the server really accepts.
///
/// This is the half of the audit that no config checker can give: a server whose
/// `ssl_min_protocol_version` says TLSv1.2 but that still answers a TLS 1.0 hello (a
/// restart pending, another server on the port), or whose pg_hba lets a plaintext login
/// in without a password.
public struct WireFacts: Sendable, Hashable, Codable {
    public var sslAnswer: SSLAnswerFact
    public var plaintextLogins: [PlaintextLoginFact]
    /// Nil when the server does not speak TLS or the scan could not run (see `problems`).
    public var tls: TLSFacts?
    /// What went wrong while probing (a timeout, a protocol violation).
    public var problems: [String]

    public init(sslAnswer: SSLAnswerFact, plaintextLogins: [PlaintextLoginFact] = [], tls: TLSFacts? = nil, problems: [String] = []) {
        self.sslAnswer = sslAnswer
        self.plaintextLogins = plaintextLogins
        self.tls = tls
        self.problems = problems
    }
}

/// The server's one-byte answer to `SSLRequest`.
public enum SSLAnswerFact: Sendable, Hashable, Codable {
    case willing
    case unwilling
    case error(String)
    /// The probe could not ask (nothing listening, timeout).
    case notAsked(String)

    public init(_ answer: PostgresSSLAnswer) {
        switch answer {
        case .willing: self = .willing
        case .unwilling: self = .unwilling
        case .error(let error): self = .error(error.message)
        }
    }
}

/// A plaintext `StartupMessage` as `user`: how far it got.
public struct PlaintextLoginFact: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Logged in with no password at all (trust).
        case noPasswordAsked = "no-password-asked"
        /// The server asked for the password in clear (`password` method).
        case cleartextPasswordAsked = "cleartext-password-asked"
        /// The server asked for an md5 response (replayable hash on the wire).
        case md5PasswordAsked = "md5-password-asked"
        /// The server started SCRAM: no password crosses the wire, but the session would be plaintext.
        case scramAsked = "scram-asked"
        /// GSSAPI/SSPI or another method.
        case otherAuthenticationAsked = "other-authentication-asked"
        /// Refused before authentication (no pg_hba entry for a non-TLS connection, reject…).
        case rejected
        /// The connection ended without a decisive answer, or the probe failed.
        case inconclusive
    }

    public var user: String
    public var database: String
    public var outcome: Outcome
    /// The server's words (a rejection message) or the probe's problem.
    public var detail: String?

    public init(user: String, database: String, outcome: Outcome, detail: String? = nil) {
        self.user = user
        self.database = database
        self.outcome = outcome
        self.detail = detail
    }

    public init(user: String, database: String, result: PlaintextLoginResult) {
        self.user = user
        self.database = database
        switch result.outcome {
        case .loggedInWithoutPassword: outcome = .noPasswordAsked
        case .passwordRequested(.cleartext): outcome = .cleartextPasswordAsked
        case .passwordRequested(.md5): outcome = .md5PasswordAsked
        case .passwordRequested(.sasl): outcome = .scramAsked
        case .otherAuthenticationRequested: outcome = .otherAuthenticationAsked
        case .rejected(let error):
            outcome = .rejected
            detail = error.message
        case .closedWithoutAnswer: outcome = .inconclusive
        }
    }

    /// Whether a client gets to (or past) authentication without TLS.
    public var reachesAuthentication: Bool {
        switch outcome {
        case .noPasswordAsked, .cleartextPasswordAsked, .md5PasswordAsked, .scramAsked, .otherAuthenticationAsked: true
        case .rejected, .inconclusive: false
        }
    }
}

/// The effective TLS configuration of a server, as measured with hand-built ClientHellos.
public struct TLSFacts: Sendable, Hashable, Codable {
    /// Versions the server accepted (`TLSv1`, … as PostgreSQL spells them), oldest first.
    public var acceptedVersions: [TLSVersion]
    /// Versions probed and refused.
    public var refusedVersions: [TLSVersion]
    /// Accepted suites per version.
    public var suites: [SuiteFact]
    /// Whether the server imposes its own suite order, per version that accepted two or more.
    public var serverOrder: [String: String]
    /// Leaf first.
    public var certificates: [CertificateFact]
    /// Why the chain could not be read, if it could not.
    public var certificateProblem: String?
    /// Every host name a service config uses to reach the node, checked against the leaf.
    public var hostChecks: [HostCheckFact]
    public var helloCount: Int
    public var anomalies: [String]

    public init(
        acceptedVersions: [TLSVersion], refusedVersions: [TLSVersion] = [], suites: [SuiteFact] = [],
        serverOrder: [String: String] = [:], certificates: [CertificateFact] = [], certificateProblem: String? = nil,
        hostChecks: [HostCheckFact] = [], helloCount: Int = 0, anomalies: [String] = []
    ) {
        self.acceptedVersions = acceptedVersions
        self.refusedVersions = refusedVersions
        self.suites = suites
        self.serverOrder = serverOrder
        self.certificates = certificates
        self.certificateProblem = certificateProblem
        self.hostChecks = hostChecks
        self.helloCount = helloCount
        self.anomalies = anomalies
    }

    /// Facts from a scan result; `hostNames` are checked against the leaf certificate.
    public init(scan: TLSScanResult, hostNames: [String]) {
        acceptedVersions = scan.acceptedVersions
        refusedVersions = scan.versions.filter { !$0.isAccepted }.map(\.version)
        suites = scan.versions.flatMap { version in
            version.cipherSuites.map { SuiteFact(code: $0, version: version.version) }
        }
        serverOrder = Dictionary(uniqueKeysWithValues: scan.versions.filter(\.isAccepted).map { ($0.version.name, $0.preference.rawValue) })
        helloCount = scan.helloCount
        anomalies = scan.anomalies
        certificates = []
        certificateProblem = nil
        hostChecks = []
        do {
            let chain = try CertificateFacts.chain(scan.certificateChain)
            certificates = chain.map(CertificateFact.init)
            if let leaf = chain.first {
                hostChecks = hostNames.map { HostCheckFact(host: $0, match: leaf.matches(hostName: $0)) }
            } else if !acceptedVersions.isEmpty {
                certificateProblem = "the server sent no certificate the probe could read"
            }
        } catch {
            certificateProblem = "\(error)"
        }
    }

    /// Distinct accepted suites with their properties.
    public var distinctSuites: [SuiteFact] {
        var seen = Set<UInt16>()
        return suites.filter { seen.insert($0.code).inserted }
    }
}

/// One accepted cipher suite on one version.
public struct SuiteFact: Sendable, Hashable, Codable {
    public var code: UInt16
    public var version: TLSVersion
    /// OpenSSL's name (or `0xXXXX` when the catalogue does not know it).
    public var name: String
    public var isAnonymous: Bool
    public var isForwardSecret: Bool
    public var isWeak: Bool

    public init(code: UInt16, version: TLSVersion) {
        self.code = code
        self.version = version
        if let suite = CipherSuiteCatalogue.suite(code) {
            name = suite.openSSLName
            isAnonymous = suite.isAnonymous
            isForwardSecret = suite.isForwardSecret
            isWeak = suite.isWeak
        } else {
            name = "0x" + String(code, radix: 16, uppercase: true)
            isAnonymous = false
            isForwardSecret = true
            isWeak = false
        }
    }

    public init(code: UInt16, version: TLSVersion, name: String, isAnonymous: Bool, isForwardSecret: Bool, isWeak: Bool) {
        self.code = code
        self.version = version
        self.name = name
        self.isAnonymous = isAnonymous
        self.isForwardSecret = isForwardSecret
        self.isWeak = isWeak
    }
}

/// A certificate of the chain, as the rules need it.
public struct CertificateFact: Sendable, Hashable, Codable {
    public var subject: String
    public var issuer: String
    public var commonName: String?
    public var dnsNames: [String]
    public var ipAddresses: [String]
    /// `RSA`, `EC P-256`, …
    public var keyType: String
    public var keyBits: Int?
    public var signatureAlgorithm: String
    public var notBefore: Date
    public var notAfter: Date
    public var isCA: Bool
    public var isSelfIssued: Bool

    public init(_ facts: CertificateFacts) {
        subject = facts.subject
        issuer = facts.issuer
        commonName = facts.subjectCommonName
        dnsNames = facts.dnsNames
        ipAddresses = facts.ipAddresses
        keyType = facts.keyType.description
        keyBits = facts.keyBits
        signatureAlgorithm = facts.signatureAlgorithm
        notBefore = facts.notBefore
        notAfter = facts.notAfter
        isCA = facts.isCA
        isSelfIssued = facts.isSelfIssued
    }

    public init(
        subject: String, issuer: String, commonName: String?, dnsNames: [String] = [], ipAddresses: [String] = [],
        keyType: String = "RSA", keyBits: Int? = 2048, signatureAlgorithm: String = "sha256WithRSAEncryption",
        notBefore: Date, notAfter: Date, isCA: Bool = false
    ) {
        self.subject = subject
        self.issuer = issuer
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.keyType = keyType
        self.keyBits = keyBits
        self.signatureAlgorithm = signatureAlgorithm
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCA = isCA
        self.isSelfIssued = subject == issuer
    }
}

/// Whether the certificate names a host a service uses to reach the node, and whether
/// verify-full to it works.
public struct HostCheckFact: Sendable, Hashable, Codable {
    public var host: String
    public var matches: Bool
    /// `dnsSubjectAltName`, `ipSubjectAltName` or `commonNameFallback`.
    public var rule: String
    public var matchedName: String?
    /// verify-full made from here as the services using this host name would make it (one
    /// per CA file and role they use); empty when not attempted (no TLS, no chain).
    public var verifyFull: [VerifyFullFact]

    public init(host: String, matches: Bool, rule: String, matchedName: String? = nil, verifyFull: [VerifyFullFact] = []) {
        self.host = host
        self.matches = matches
        self.rule = rule
        self.matchedName = matchedName
        self.verifyFull = verifyFull
    }

    public init(host: String, match: CertificateHostMatch) {
        self.init(host: host, matches: match.matches, rule: match.rule.rawValue, matchedName: match.matchedName)
    }
}
