import Foundation
import X509

// MARK: - May this certificate and key be installed?

/// The checks a certificate must pass before pgwarden installs it on a node, whether it
/// issued it or the user brings it (`tls import`, the vendor page's exported files):
///
/// - the key belongs to the certificate (otherwise PostgreSQL refuses to start or reload TLS);
/// - the chain verifies to the site CA (otherwise no verifying client accepts it);
/// - every host name services use to reach the node is named (otherwise verify-full fails);
/// - it is valid now, and it is not itself a CA (TLS-013).
///
/// Every failing check is reported, not just the first, so one import attempt tells the
/// whole story.
public enum CertificateImportCheck {
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        case keyMismatch
        case notSignedByCA(String)
        case hostNotNamed(String)
        case expired(Date)
        case notYetValid(Date)
        case isCA
        /// Extended key usage present but without serverAuth: TLS clients refuse it.
        case notForServers

        public var description: String {
            switch self {
            case .keyMismatch: "the private key does not belong to the certificate"
            case .notSignedByCA(let why): "the certificate does not chain to the CA: \(why)"
            case .hostNotNamed(let host): "the certificate does not name '\(host)', which services use to reach the node"
            case .expired(let date): "the certificate expired on \(CertificateDates.day(date))"
            case .notYetValid(let date): "the certificate is not valid before \(CertificateDates.day(date))"
            case .isCA: "the certificate is a CA certificate (CA:TRUE), not a server certificate"
            case .notForServers: "the certificate's extended key usage does not allow TLS servers (serverAuth)"
            }
        }
    }

    /// Checks a server certificate (PEM; further certificates in the text are intermediates)
    /// and its key against the CA and the host names in use, at `now`. Throws only when a
    /// file cannot be read at all.
    public static func check(
        certificatePEM: String, keyPEM: Secret, caPEM: String, hostNames: [String], now: Date,
        certificateFile: String? = nil, keyFile: String? = nil
    ) async throws -> [Problem] {
        let chain = try CertificatePEM.certificates(in: certificatePEM, file: certificateFile)
        let roots = try CertificatePEM.certificates(in: caPEM)
        let key = try CertificatePEM.privateKey(in: keyPEM, file: keyFile)
        guard let leaf = chain.first else { return [.notSignedByCA("no certificate")] }
        var problems: [Problem] = []

        if key.publicKey != leaf.publicKey { problems.append(.keyMismatch) }

        // The chain is judged at a moment inside the leaf's validity, so an expired
        // certificate is reported as expired and, separately, as well or badly signed.
        let moment = min(max(now, leaf.notValidBefore), leaf.notValidAfter)
        if case .invalid(let why) = await CertificateChainCheck.verify(leaf: leaf, intermediates: Array(chain.dropFirst()), roots: roots, at: moment) {
            problems.append(.notSignedByCA(why))
        }

        let facts = try CertificateFacts(der: try CertificatePEM.der(of: leaf))
        for host in hostNames where !facts.matches(hostName: host).matches {
            problems.append(.hostNotNamed(host))
        }
        if leaf.notValidAfter < now { problems.append(.expired(leaf.notValidAfter)) }
        if leaf.notValidBefore > now { problems.append(.notYetValid(leaf.notValidBefore)) }
        if facts.isCA { problems.append(.isCA) }
        if let usage = try? leaf.extensions.extendedKeyUsage, !usage.contains(.serverAuth), !usage.contains(.any) {
            problems.append(.notForServers)
        }
        return problems
    }

    /// The error that refuses an installation, naming every problem.
    public static func refusal(_ problems: [Problem], node: String) -> CoreError {
        let hint: String
        if problems.contains(where: { if case .hostNotNamed = $0 { true } else { false } }) {
            hint = "issue a certificate that names every host services use (`pgwarden tls issue server --node \(node)`), or add the names with the CA that issued it"
        } else if problems.contains(.keyMismatch) {
            hint = "give the key that was generated with this certificate"
        } else {
            hint = "check the files, or let pgwarden issue one: pgwarden tls issue server --node \(node)"
        }
        return CoreError(.invalid, "refused to install on \(node): " + problems.map(\.description).joined(separator: "; "), hint: hint)
    }
}

// MARK: - Dates in messages

public enum CertificateDates {
    /// `2026-03-01`, UTC.
    public static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
