import Foundation
@_spi(FixedExpiryValidationTime) import X509

// MARK: - Does the certificate chain to the CA?

/// Chain verification with swift-certificates' RFC 5280 verifier: signatures, CA flags,
/// path lengths, name constraints, validity at a given moment. The moment is passed in, so
/// the check is pure and a test can ask "is this chain good on that day?".
///
/// Host names are checked separately (``CertificateFacts/matches(hostName:)``), with the
/// RFC 6125 rules the audit uses, so one name at a time can be reported.
public enum CertificateChainCheck {
    public enum Verdict: Sendable, Hashable {
        case valid
        /// Why no chain to a trusted root was found, in words for an error message.
        case invalid(String)

        public var isValid: Bool { self == .valid }
    }

    /// Verifies `leaf` (with `intermediates`, if the file held any) against `roots` at `time`.
    public static func verify(leaf: Certificate, intermediates: [Certificate] = [], roots: [Certificate], at time: Date) async -> Verdict {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate:
            return .valid
        case .couldNotValidate(let failures):
            if let failure = failures.first {
                return .invalid("\(failure.policyFailureReason)")
            }
            let issuers = Set(intermediates.map(\.subject) + roots.map(\.subject))
            if !issuers.contains(leaf.issuer) {
                return .invalid("it is issued by \(leaf.issuer), not by the CA (\(roots.map { "\($0.subject)" }.joined(separator: "; ")))")
            }
            return .invalid("its signature does not verify with the CA's key (issued by another CA with the same name?)")
        }
    }

    /// The same check on PEM text: the first certificate of `certificatePEM` is the leaf, any
    /// further ones are intermediates.
    public static func verify(certificatePEM: String, caPEM: String, at time: Date) async throws -> Verdict {
        let chain = try CertificatePEM.certificates(in: certificatePEM)
        let roots = try CertificatePEM.certificates(in: caPEM)
        guard let leaf = chain.first else { return .invalid("no certificate") }
        return await verify(leaf: leaf, intermediates: Array(chain.dropFirst()), roots: roots, at: time)
    }
}
