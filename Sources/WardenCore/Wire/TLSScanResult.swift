// MARK: - What a TLS scan found

/// Everything a TLS scan of one PostgreSQL endpoint learned, as plain values for the
/// audit rules: which versions and suites the server accepts, its certificate chain, and
/// whether its suite order is its own.
public struct TLSScanResult: Sendable, Hashable {
    /// `.willing` when the server accepted `SSLRequest`; otherwise nothing else was probed.
    public var sslAnswer: PostgresSSLAnswer
    /// One entry per probed version, oldest first.
    public var versions: [VersionResult]
    /// DER certificates, leaf first, from the first TLS ≤ 1.2 handshake that sent them
    /// (empty when only TLS 1.3 is accepted: its Certificate message is encrypted).
    public var certificateChain: [[UInt8]]
    /// Number of ClientHellos sent (= connections made).
    public var helloCount: Int
    /// Sum of the measured exchange times.
    public var totalElapsed: Duration
    /// Protocol violations noticed on the way (suites chosen that were not offered…).
    public var anomalies: [String]

    public init(
        sslAnswer: PostgresSSLAnswer, versions: [VersionResult] = [], certificateChain: [[UInt8]] = [],
        helloCount: Int = 0, totalElapsed: Duration = .zero, anomalies: [String] = []
    ) {
        self.sslAnswer = sslAnswer
        self.versions = versions
        self.certificateChain = certificateChain
        self.helloCount = helloCount
        self.totalElapsed = totalElapsed
        self.anomalies = anomalies
    }

    // MARK: Per version

    public struct VersionResult: Sendable, Hashable {
        public var version: TLSVersion
        /// Why the version was refused; nil when it was accepted.
        public var refusal: Refusal?
        /// Accepted suite code points in the order the server chose them.
        public var cipherSuites: [UInt16]
        public var preference: Preference
        /// Time of the first (version) probe, a rough handshake latency.
        public var firstAnswerTime: Duration

        public init(version: TLSVersion, refusal: Refusal?, cipherSuites: [UInt16] = [],
                    preference: Preference = .unknown, firstAnswerTime: Duration = .zero) {
            self.version = version
            self.refusal = refusal
            self.cipherSuites = cipherSuites
            self.preference = preference
            self.firstAnswerTime = firstAnswerTime
        }

        public var isAccepted: Bool { refusal == nil }

        /// The accepted suites the catalogue knows (unknown code points stay in `cipherSuites`).
        public var suites: [CipherSuite] { cipherSuites.compactMap(CipherSuiteCatalogue.suite) }
    }

    public enum Refusal: Sendable, Hashable {
        case alert(TLSAlert)
        case closed
        /// The server answered with another version (it does not support this one).
        case otherVersion(UInt16)
    }

    /// Whose order decides the suite.
    public enum Preference: String, Sendable, Hashable {
        /// The server's own order (`ssl_prefer_server_ciphers = on`): `cipherSuites` is it.
        case server
        /// The client's order: `cipherSuites` is only the order we happened to offer.
        case client
        /// Fewer than two suites, or the test was inconclusive.
        case unknown
    }

    // MARK: Summaries

    public var acceptedVersions: [TLSVersion] { versions.filter(\.isAccepted).map(\.version) }

    /// Every accepted suite the catalogue knows, over all versions, without repeats.
    public var acceptedSuites: [CipherSuite] {
        var seen = Set<UInt16>()
        return versions.flatMap(\.suites).filter { seen.insert($0.code).inserted }
    }

    /// Accepted suites that are weak today (anonymous, NULL, export, RC4, DES, 3DES, MD5…).
    public var weakSuites: [CipherSuite] { acceptedSuites.filter(\.isWeak) }

    public func result(for version: TLSVersion) -> VersionResult? {
        versions.first { $0.version == version }
    }
}
