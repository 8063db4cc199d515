import Foundation

// MARK: - Is it time for a new certificate?

/// The rotation decision for a node's server certificate, made on facts alone: what is
/// installed, when, which names services use, and the site's warning window.
public enum CertificateRotation {
    public enum Decision: Sendable, Hashable, CustomStringConvertible {
        case keep(daysLeft: Int)
        case renew(reason: String)

        public var isRenewal: Bool { if case .renew = self { true } else { false } }

        public var description: String {
            switch self {
            case .keep(let days): "keep: \(days) day(s) left"
            case .renew(let reason): "renew: \(reason)"
            }
        }
    }

    /// Renew when nothing is installed, when forced, when the certificate is expired or
    /// inside the last `warningDays`, or when it no longer names a host services use.
    public static func decide(installed: CertificateSummary?, requiredNames: [String], now: Date, warningDays: Int, force: Bool) -> Decision {
        guard let installed else { return .renew(reason: "no server certificate is installed") }
        if force { return .renew(reason: "forced (--force)") }
        let daysLeft = installed.daysLeft(at: now)
        if installed.certificate.notAfter <= now {
            return .renew(reason: "expired on \(CertificateDates.day(installed.certificate.notAfter))")
        }
        if isDue(notAfter: installed.certificate.notAfter, now: now, warningDays: warningDays) {
            return .renew(reason: "\(daysLeft) day(s) left, inside the \(warningDays)-day warning window")
        }
        let missing = requiredNames.filter { !installed.certificate.matches(hostName: $0).matches }
        if !missing.isEmpty {
            return .renew(reason: "does not name \(missing.joined(separator: ", ")), which services use")
        }
        return .keep(daysLeft: daysLeft)
    }

    /// True when `notAfter` is less than `warningDays` days after `now` (and not yet past).
    public static func isDue(notAfter: Date, now: Date, warningDays: Int) -> Bool {
        notAfter > now && notAfter.timeIntervalSince(now) < Double(warningDays) * 86_400
    }
}
