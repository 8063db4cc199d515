// MARK: - The site's certificate authority and certificate lifetimes

/// The inventory's `tls:` section: where the site CA is kept and how long the certificates
/// pgwarden issues live.
///
/// ```yaml
/// tls:
///   ca_cert: state/tls/ca.crt     # default STATE_DIR/tls/ca.crt
///   ca_key: state/tls/ca.key      # default STATE_DIR/tls/ca.key (refused unless owner-only)
///   validity_days: 365            # server and client certificates
///   warning_days: 30              # `tls rotate` renews, and the audit warns, inside this window
/// ```
///
/// Every field has a default, so a site without a `tls:` section still gets a CA under its
/// state directory.
public struct CertificateSettings: Sendable, Hashable {
    /// The CA certificate (PEM). Services that verify the server (verify-ca, verify-full) get
    /// a copy of it as their root certificate.
    public var caCertificate: String
    /// The CA's private key (PEM). Whoever can read it can mint certificates every service
    /// trusts, so it must be readable by its owner only.
    public var caKey: String
    /// Lifetime of the server and client certificates pgwarden issues.
    public var validityDays: Int
    /// How long before expiry a certificate counts as due for renewal (TLS-018, `tls rotate`).
    public var warningDays: Int

    /// Server and client certificates: a little over a year is what public CAs may issue
    /// (398 days); a site CA can do the same and rotate with `pgwarden tls rotate`.
    public static let defaultValidityDays = 365
    public static let defaultWarningDays = 30
    /// The CA itself lives ten years: replacing it means redistributing root.crt to every
    /// service, so it should happen rarely and on purpose.
    public static let authorityValidityDays = 3650

    public init(caCertificate: String, caKey: String, validityDays: Int = Self.defaultValidityDays, warningDays: Int = Self.defaultWarningDays) {
        self.caCertificate = caCertificate
        self.caKey = caKey
        self.validityDays = validityDays
        self.warningDays = warningDays
    }

    /// The defaults: `STATE_DIR/tls/ca.crt` and `STATE_DIR/tls/ca.key`.
    public init(stateDirectory: String) {
        self.init(caCertificate: stateDirectory + "/tls/ca.crt", caKey: stateDirectory + "/tls/ca.key")
    }
}
