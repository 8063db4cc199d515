// MARK: - Which suites does the server accept?

/// The standard way to enumerate a server's cipher suites for one protocol version, as a
/// pure state machine: offer every candidate; the server picks one; remove it and offer
/// the rest; repeat until the server refuses. The suites come out in the order the server
/// picked them, which is its preference order when it enforces its own
/// (`ssl_prefer_server_ciphers = on`, PostgreSQL's default).
///
/// Each answer removes a candidate or ends the run, so it takes at most
/// `candidates.count + 1` hellos.
public struct CipherSuiteEnumeration: Sendable, Hashable {
    public let version: TLSVersion
    /// Candidates not yet accepted, in our offer order.
    public private(set) var remaining: [UInt16]
    /// Accepted suites, in the order the server chose them.
    public private(set) var accepted: [UInt16] = []
    public private(set) var isFinished = false
    /// Set when the server broke the rules (chose a suite we did not offer).
    public private(set) var anomaly: String?

    public init(version: TLSVersion, candidates: [UInt16]) {
        self.version = version
        var seen = Set<UInt16>()
        self.remaining = candidates.filter { seen.insert($0).inserted }
    }

    /// The suites to offer next, or nil when the enumeration is over.
    public var nextOffer: [UInt16]? {
        isFinished || remaining.isEmpty ? nil : remaining
    }

    /// Records the server's answer to `nextOffer`: the suite it chose, or nil if it refused.
    public mutating func record(chosen: UInt16?) {
        guard !isFinished else { return }
        guard let chosen else {
            isFinished = true
            return
        }
        guard let index = remaining.firstIndex(of: chosen) else {
            anomaly = "\(version.name): the server chose suite 0x\(CipherSuite.hex(chosen)), which was not offered"
            isFinished = true
            return
        }
        accepted.append(chosen)
        remaining.remove(at: index)
        if remaining.isEmpty { isFinished = true }
    }
}
