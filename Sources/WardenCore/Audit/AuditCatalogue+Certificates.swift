import Foundation

// MARK: - TLS: the server's certificate

extension AuditCatalogue {
    static let certificateRules: [AuditRule] = [
        AuditRule(
            id: "TLS-010", title: "The server certificate is expired or not yet valid", severity: .high,
            fix: "Issue a new certificate and key for the server (and reload).",
            command: "pgwarden tls issue server --node NODE", references: [Reference.traffic],
            rationale: "Clients that verify (verify-ca, verify-full) refuse an expired certificate, so services either fail or were configured not to verify at all."
        ) { facts, rule in
            leafFindings(facts, rule) { leaf in
                if leaf.notAfter < facts.observedAt { return "certificate \(leaf.subject) expired on \(day(leaf.notAfter))" }
                if leaf.notBefore > facts.observedAt { return "certificate \(leaf.subject) is not valid before \(day(leaf.notBefore))" }
                return nil
            }
        },
        AuditRule(
            id: "TLS-011", title: "The server certificate's key is too small", severity: .high,
            fix: "Issue a certificate with an RSA key of at least 2048 bits or an EC P-256 key.",
            command: "pgwarden tls issue server --node NODE", references: [Reference.cisSettings],
            rationale: "RSA keys under 2048 bits are within reach of factoring; OpenSSL 3 refuses them at its default security level."
        ) { facts, rule in
            leafFindings(facts, rule) { leaf in
                guard let bits = leaf.keyBits else { return nil }
                let minimum = leaf.keyType.hasPrefix("RSA") || leaf.keyType == "DSA" ? 2048 : (leaf.keyType.hasPrefix("EC") ? 256 : 0)
                return bits < minimum ? "certificate \(leaf.subject): \(leaf.keyType) key of \(bits) bits" : nil
            }
        },
        AuditRule(
            id: "TLS-012", title: "The server certificate is signed with SHA-1 or MD5", severity: .medium,
            fix: "Issue a certificate signed with SHA-256 or better.",
            command: "pgwarden tls issue server --node NODE", references: [Reference.cisSettings],
            rationale: "Collisions for MD5 and SHA-1 have been computed; a signature over them no longer binds the certificate's contents."
        ) { facts, rule in
            leafFindings(facts, rule) { leaf in
                let name = leaf.signatureAlgorithm.lowercased()
                return name.contains("md5") || name.contains("sha1") ? "certificate \(leaf.subject): signed with \(leaf.signatureAlgorithm)" : nil
            }
        },
        AuditRule(
            id: "TLS-013", title: "The server's leaf certificate is a CA certificate", severity: .medium,
            fix: "Issue a server certificate with basicConstraints CA:FALSE from a separate CA.",
            command: "pgwarden tls ca init && pgwarden tls issue server --node NODE", references: [Reference.traffic],
            rationale: "A leaf with CA:TRUE can sign other certificates: anyone with the server's key (every node that has server_key.pem) can mint certificates clients will trust."
        ) { facts, rule in
            leafFindings(facts, rule) { leaf in leaf.isCA ? "certificate \(leaf.subject): basicConstraints CA:TRUE on the server's own certificate" : nil }
        },
        AuditRule(
            id: "TLS-014", title: "The server certificate is self-signed", severity: .low,
            fix: "Issue the server certificate from a site CA and give services the CA (root.pem) for verify-full.",
            command: "pgwarden tls ca init && pgwarden tls issue server --node NODE", references: [Reference.traffic],
            rationale: "A self-signed certificate can only be verified by pinning that exact certificate; services end up with sslmode=require, which does not check the server at all."
        ) { facts, rule in
            leafFindings(facts, rule) { leaf in leaf.isSelfIssued ? "certificate \(leaf.subject) is issued by itself" : nil }
        },
        AuditRule(
            id: "TLS-015", title: "A service connects to a host name the certificate does not name", severity: .high,
            fix: "Issue the certificate with a DNS subjectAltName for every host name services use (or point services at a name it has).",
            command: "pgwarden tls issue server --node NODE", references: [Reference.dispatcher, Reference.traffic],
            rationale: "verify-full compares the host a client dialled with the certificate's names (RFC 6125): a mismatch makes verifying clients fail, so services stay on `require`. The reference page asks for the certificate's CN as Host for this reason; a match only through the CN fallback is noted too."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                (node.wire?.tls?.hostChecks ?? []).compactMap { check -> Finding? in
                    if !check.matches {
                        return rule.finding(nodeSubject(node), "host '\(check.host)' (used by a service config) is not named by the certificate of \(node.address) (checked by \(check.rule))")
                    }
                    if check.rule == "commonNameFallback" {
                        return rule.finding(nodeSubject(node), "host '\(check.host)' matches only the certificate's CN (no DNS subjectAltName); newer clients ignore the CN", severity: .low)
                    }
                    return nil
                }
            }
        },
        AuditRule(
            id: "TLS-018", title: "The server certificate expires within the warning window", severity: .medium,
            fix: "Issue and install a new server certificate before it expires; the reload keeps existing sessions.",
            command: "pgwarden tls rotate", references: [Reference.traffic],
            rationale: "When the certificate expires, every verifying client (verify-ca, verify-full) refuses new connections at once; renewing inside the window (tls.warning_days, 30 by default) leaves time to roll it out. TLS-010 covers a certificate already expired."
        ) { facts, rule in
            leafFindings(facts, rule) { leaf in
                guard CertificateRotation.isDue(notAfter: leaf.notAfter, now: facts.observedAt, warningDays: facts.policy.warningDays) else { return nil }
                let days = Int((leaf.notAfter.timeIntervalSince(facts.observedAt) / 86_400).rounded(.down))
                return "certificate \(leaf.subject) expires on \(day(leaf.notAfter)) (\(days) day(s) left; warning window \(facts.policy.warningDays) days)"
            }
        },
        AuditRule(
            id: "TLS-017", title: "The server certificate could not be read", severity: .low,
            fix: "Check the certificate file the server uses (ssl_cert_file); audit again.",
            command: "pgwarden tls show", references: [],
            rationale: "Certificate rules cannot run without the chain; the probe reports why it has none."
        ) { facts, rule in
            facts.nodes.compactMap { node in
                node.wire?.tls?.certificateProblem.map { rule.finding(nodeSubject(node), "\(node.address): \($0)") }
            }
        },
        AuditRule(
            id: "TLS-019", title: "verify-full fails for a host name a service uses", severity: .high,
            fix: "Issue the server certificate from the CA the services trust, with a DNS subjectAltName for every host name they use; give each service that CA (root.pem) as its root certificate.",
            command: "pgwarden tls issue server --node NODE", references: [Reference.traffic, Reference.dispatcher],
            rationale: "Checked the way the service itself would connect: to the node's address with the service's host name as TLS server name (SNI and host-name check), full verification against the CA the service trusts (its own root certificate when readable here, else the server's ssl_ca_file), then a login as its role. pgwarden's own RFC 6125 check of the presented chain is added, because NIOSSL accepts a certificate whose IP address SAN matches the address it connected to even when the name does not. A service already on verify-full fails today (high); one on require cannot move to verify-full until this passes (medium)."
        ) { facts, rule in
            var findings: [Finding] = []
            for node in facts.nodes {
                for check in node.wire?.tls?.hostChecks ?? [] {
                    for result in check.verifyFull where result.outcome == .failed {
                        let services = result.services.joined(separator: ", ")
                        let trust = result.trustRoot.map { ", trusting \($0)" } ?? ""
                        let evidence = "verify-full to \(node.address) as host '\(check.host)' (used by \(services)) fails: \(result.reason ?? "no reason given")\(trust)"
                        findings.append(rule.finding(nodeSubject(node), evidence, severity: result.verifying ? .high : .medium))
                    }
                }
            }
            return findings
        },
    ]

    /// One finding per node whose leaf certificate `describe` reports.
    static func leafFindings(_ facts: SiteFacts, _ rule: AuditRule, _ describe: (CertificateFact) -> String?) -> [Finding] {
        facts.nodes.compactMap { node in
            guard let leaf = node.wire?.tls?.certificates.first, let evidence = describe(leaf) else { return nil }
            return rule.finding(nodeSubject(node), evidence)
        }
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
