import WardenCore

// MARK: - Which certificate does the server present now?

extension WireProbe {
    /// The DER of the certificate the server presents to a new connection (its leaf), read
    /// with one TLS 1.3 handshake, or with a TLS 1.2 one when the server does not speak 1.3.
    ///
    /// This is how a certificate change is proven from the outside: a new connection after
    /// the reload gets the new certificate (compare fingerprints).
    public func servedCertificate() async throws -> [UInt8] {
        if let leaf = try? await tls13CertificateChain().first { return leaf }
        let suites = CipherSuiteCatalogue.legacy.filter { !$0.isAnonymous }.map(\.code)
        let answer = try await hello(TLSHelloOffer(version: .tls12, cipherSuites: suites, wantsCertificate: true))
        guard let leaf = answer.certificates.first else {
            throw WireProbeError(.closed, "\(host):\(port) presented no certificate (TLS 1.3 and 1.2 tried)")
        }
        return leaf
    }
}
