// MARK: - One ClientHello to send

/// What the probe offers in one ClientHello. The I/O layer turns it into bytes with
/// `TLSClientHello` (fresh randomness per connection) after a successful `SSLRequest`.
public struct TLSHelloOffer: Sendable, Hashable {
    public var version: TLSVersion
    public var cipherSuites: [UInt16]
    /// Wait for the Certificate message (TLS ≤ 1.2) instead of stopping at ServerHello.
    public var wantsCertificate: Bool

    public init(version: TLSVersion, cipherSuites: [UInt16], wantsCertificate: Bool) {
        self.version = version
        self.cipherSuites = cipherSuites
        self.wantsCertificate = wantsCertificate
    }
}
