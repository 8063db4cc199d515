// MARK: - What a fleet-wide service change asks for

/// What a fleet-wide service change asks for (`pgwarden services plan|apply` flags).
public struct ServiceChangeRequest: Sendable, Hashable {
    /// Require TLS in each driver's own spelling (SSL mode `require`, switches on).
    public var requireSSL: Bool = false
    /// SSL mode verify-full in each driver's own spelling (`VerifyFull`, `verify-full`),
    /// where the entry also has a place for the CA certificate (`rootCertificate`).
    public var verifyFull: Bool = false
    /// The oldest TLS version allowed, where the driver has a setting for it.
    public var tlsMinimum: OpenSSLOptions.ProtocolVersion?
    /// Set every entry's host to this name (e.g. the server certificate's CN).
    public var host: String?
    /// Repoint every entry: one host → that host and port; several → a multi-host string
    /// where the driver supports one, the first host elsewhere (with a note).
    public var hosts: [ConnectionHostList.Host]?
    public var rootCertificate: String?
    public var clientCertificate: String?
    public var clientKey: String?
    /// Seal every plaintext password with the site's key.
    public var sealPasswords: Bool = false
    /// Re-seal passwords sealed with another key than `currentKeyID` (key rotation).
    public var resealPasswords: Bool = false

    public init() {}

    public var isEmpty: Bool { self == ServiceChangeRequest() }
}

/// A service file as read from disk, for the planner.
public struct ServiceFileContents: Sendable, Hashable {
    public var service: ServiceSpec
    public var text: String
    public var sha256: String

    public init(service: ServiceSpec, text: String, sha256: String) {
        self.service = service
        self.text = text
        self.sha256 = sha256
    }
}
