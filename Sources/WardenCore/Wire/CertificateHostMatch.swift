// MARK: - Does the certificate name this host?

/// The answer to "does this certificate name the host clients connect to?", with the
/// RFC 6125 rule that decided it, so a finding can explain itself ("matched through the
/// CN fallback: add a DNS SAN").
public struct CertificateHostMatch: Sendable, Hashable {
    public enum Rule: String, Sendable, Hashable {
        /// The host is a DNS name and the certificate has dNSName SANs: only those count.
        case dnsSubjectAltName
        /// The host is an IP literal: only iPAddress SANs count (never CN, never DNS SANs).
        case ipSubjectAltName
        /// The host is a DNS name and the certificate has no dNSName SAN: the subject CN is
        /// used, as RFC 6125 §6.4.4 still allows (and libpq does). Deprecated practice.
        case commonNameFallback
    }

    public var matches: Bool
    public var rule: Rule
    /// The certificate name (pattern) that matched.
    public var matchedName: String?
}

extension CertificateFacts {
    /// Checks `hostName` against the certificate per RFC 6125: DNS SANs first; the CN only
    /// when there is no DNS SAN; a wildcard only as the entire leftmost label, matching
    /// exactly one non-empty label, and only with at least two labels after it (`*.com`
    /// matches nothing); IP literals only against iPAddress SANs. Case-insensitive,
    /// trailing dots ignored.
    public func matches(hostName: String) -> CertificateHostMatch {
        Self.match(hostName: hostName, dnsNames: dnsNames, ipAddresses: ipAddresses, commonName: subjectCommonName)
    }

    /// The RFC 6125 check on a certificate's names, wherever they were read from.
    static func match(hostName: String, dnsNames: [String], ipAddresses: [String], commonName: String?) -> CertificateHostMatch {
        if let address = IPAddressText.bytes(hostName) {
            let matched = ipAddresses.first { IPAddressText.bytes($0) == address }
            return CertificateHostMatch(matches: matched != nil, rule: .ipSubjectAltName, matchedName: matched)
        }
        let host = normalized(hostName)
        if !dnsNames.isEmpty {
            let matched = dnsNames.first { dnsPattern($0, matches: host) }
            return CertificateHostMatch(matches: matched != nil, rule: .dnsSubjectAltName, matchedName: matched)
        }
        let matched = commonName.flatMap { dnsPattern($0, matches: host) ? $0 : nil }
        return CertificateHostMatch(matches: matched != nil, rule: .commonNameFallback, matchedName: matched)
    }

    static func normalized(_ name: String) -> String {
        var lower = name.lowercased()
        if lower.hasSuffix(".") { lower.removeLast() }
        return lower
    }

    /// RFC 6125 §6.4.3 with the strict reading (RFC 9525): `*` must be a whole label.
    static func dnsPattern(_ pattern: String, matches host: String) -> Bool {
        let pattern = normalized(pattern)
        guard !pattern.isEmpty, !host.isEmpty else { return false }
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let hostLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.count == hostLabels.count, !hostLabels.contains(where: \.isEmpty) else { return false }
        guard patternLabels.first == "*" else { return pattern == host }
        guard patternLabels.count >= 3, !patternLabels.dropFirst().contains(where: { $0.contains("*") }) else { return false }
        return patternLabels.dropFirst() == hostLabels.dropFirst()
    }
}

extension CertificateFact {
    /// The same check on the audit's (Codable) description of a certificate.
    public func matches(hostName: String) -> CertificateHostMatch {
        CertificateFacts.match(hostName: hostName, dnsNames: dnsNames, ipAddresses: ipAddresses, commonName: commonName)
    }
}
