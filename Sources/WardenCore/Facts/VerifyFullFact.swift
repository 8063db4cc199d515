import Foundation

// MARK: - verify-full, checked the way a service would do it

/// One verify-full check to make against a node: connect to the node's address with
/// `hostName` as the TLS server name, trusting `trustRoot`, and log in as `user`.
///
/// Services that use the same host name, trust the same CA file and log in as the same
/// role share one check.
public struct VerifyFullRequest: Sendable, Hashable {
    public var hostName: String
    /// The CA file to trust; nil when none could be found (the check is then not made).
    public var trustRoot: String?
    /// Where `trustRoot` came from (`ssl_ca_file`, `root certificate of …`), or why there is none.
    public var trustRootSource: String
    public var user: String?
    public var database: String?
    /// The services (`central/repository (QSR)`) this check stands for.
    public var services: [String]
    /// Whether one of them is set to verify-ca or verify-full (so it fails today, rather
    /// than only being unable to move to verify-full).
    public var verifying: Bool

    public init(
        hostName: String, trustRoot: String?, trustRootSource: String, user: String? = nil, database: String? = nil,
        services: [String], verifying: Bool = false
    ) {
        self.hostName = hostName
        self.trustRoot = trustRoot
        self.trustRootSource = trustRootSource
        self.user = user
        self.database = database
        self.services = services
        self.verifying = verifying
    }

    /// The server's `ssl_ca_file` as the collector found it on the node's machine.
    public enum ServerCAFile: Sendable, Hashable {
        case readable(path: String)
        /// Why it cannot serve as a trust root (not set, not readable, node not local).
        case unavailable(String)
    }

    /// The checks to make for `uses` (the host names services use to reach one node): each
    /// service trusts its own root certificate when it names one that is readable here,
    /// else the server's `ssl_ca_file`.
    public static func plan(_ uses: [ServiceHostUse], serverCA: ServerCAFile) -> [VerifyFullRequest] {
        var requests: [VerifyFullRequest] = []
        for use in uses {
            let trustRoot: String?
            let source: String
            if let file = use.rootCertificateFile {
                trustRoot = file
                source = "root certificate of \(use.label)"
            } else {
                let own = use.rootCertificate.map { "\(use.label) names \($0), not readable here" } ?? "\(use.label) names no root certificate"
                switch serverCA {
                case .readable(let path):
                    trustRoot = path
                    source = "ssl_ca_file; \(own)"
                case .unavailable(let why):
                    trustRoot = nil
                    source = "no CA file to verify with: \(why); \(own)"
                }
            }
            let verifying = use.sslMode == .verifyFull || use.sslMode == .verifyCA
            if let index = requests.firstIndex(where: {
                $0.hostName.lowercased() == use.hostName.lowercased() && $0.trustRoot == trustRoot && $0.user == use.user
            }) {
                if !requests[index].services.contains(use.label) { requests[index].services.append(use.label) }
                if trustRoot != use.rootCertificateFile { requests[index].trustRootSource = source.merged(into: requests[index].trustRootSource) }
                requests[index].verifying = requests[index].verifying || verifying
                if requests[index].database == nil { requests[index].database = use.database }
            } else {
                requests.append(VerifyFullRequest(hostName: use.hostName, trustRoot: trustRoot, trustRootSource: source, user: use.user,
                                                  database: use.database, services: [use.label], verifying: verifying))
            }
        }
        return requests
    }
}

extension String {
    /// `self`'s last `; `-separated part appended to `source` (the note of one more service
    /// that shares a check), unless it is there already.
    fileprivate func merged(into source: String) -> String {
        guard let note = components(separatedBy: "; ").last, !source.components(separatedBy: "; ").contains(note) else { return source }
        return source + "; " + note
    }
}

/// What NIOSSL's verify-full handshake, and the login after it, gave.
public enum VerifyFullHandshake: Sendable, Hashable {
    /// The chain verified against the CA file and the name (as NIOSSL checks it); `login`
    /// says how the login after the handshake went.
    case verified(login: String)
    /// The handshake failed: the chain, the name, or TLS itself.
    case rejected(reason: String)
    /// Nothing could be learnt about TLS (nothing listening, a timeout).
    case inconclusive(reason: String)

    /// A failed handshake in a reader's words, from the TLS library's error text (which is
    /// kept, shortened, for whoever needs the detail).
    public static func rejection(_ error: String, hostName: String) -> VerifyFullHandshake {
        if error.contains("CERTIFICATE_VERIFY_FAILED") {
            return .rejected(reason: "the chain does not verify against the CA file: the certificate is not issued by that CA, "
                + "is expired or not yet valid, or the server does not send the intermediate certificates (CERTIFICATE_VERIFY_FAILED)")
        }
        if error.contains("failedToValidateHostname") {
            return .rejected(reason: "the certificate does not name '\(hostName)' (the TLS library's host-name check)")
        }
        return .rejected(reason: error)
    }
}

/// The outcome of one verify-full check (see ``VerifyFullRequest``).
public struct VerifyFullFact: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case passed, failed
        case notChecked = "not-checked"
    }

    public var services: [String]
    public var verifying: Bool
    /// The CA file trusted and where it came from, e.g. `/srv/pki/root.crt (ssl_ca_file)`.
    public var trustRoot: String?
    public var outcome: Outcome
    /// Why it failed or was not checked.
    public var reason: String?
    /// How the login after the handshake went (`logged in as …`, `handshake only: …`).
    public var login: String?

    public init(services: [String], verifying: Bool = false, trustRoot: String? = nil, outcome: Outcome, reason: String? = nil, login: String? = nil) {
        self.services = services
        self.verifying = verifying
        self.trustRoot = trustRoot
        self.outcome = outcome
        self.reason = reason
        self.login = login
    }

    /// Judges a check: NIOSSL's handshake (nil when it was not made) combined with
    /// pgwarden's own RFC 6125 check of the chain the server presents (`nameCheck`, nil
    /// when the probe read no chain). Both must pass: NIOSSL accepts a certificate whose
    /// IP address SAN matches the address it connected to even when the name does not
    /// match (DESIGN.md), and a service dialling the name gets no such pass.
    public init(request: VerifyFullRequest, handshake: VerifyFullHandshake?, nameCheck: HostCheckFact?) {
        let trustRoot = request.trustRoot.map { "\($0) (\(request.trustRootSource))" }
        self.init(services: request.services, verifying: request.verifying, trustRoot: trustRoot, outcome: .notChecked)
        switch handshake {
        case nil:
            reason = request.trustRootSource
        case .inconclusive(let why):
            reason = why
        case .rejected(let why):
            outcome = .failed
            reason = why
        case .verified(let login):
            self.login = login
            if let nameCheck, !nameCheck.matches {
                outcome = .failed
                reason = "the certificate does not name '\(request.hostName)' (pgwarden's RFC 6125 check, by \(nameCheck.rule)); "
                    + "NIOSSL let the handshake pass, as it does when an IP address SAN matches the address it connected to"
            } else {
                outcome = .passed
            }
        }
    }
}
