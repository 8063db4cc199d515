import Foundation

// MARK: - Everything an audit saw, as plain values

/// What `pgwarden audit` observed on a site — the database nodes (settings, roles, pg_hba,
/// sessions, the wire) and the files (service configs, stored passwords) — as plain,
/// Codable values.
///
/// Collectors in WardenPostgres and WardenHost fill it; the rules in `Audit/` read it and
/// nothing else, so every rule is tested with hand-made facts. Whatever could not be seen
/// is recorded as such (`unseen`, `reachability`, `problem`), never silently left out: an
/// audit that hides what it could not check would be trusted more than it deserves.
public struct SiteFacts: Sendable, Hashable, Codable {
    public var site: String
    public var superuser: String
    public var replicationRole: String
    /// What the site should look like (from the inventory's policy).
    public var policy: PolicyFacts
    public var nodes: [NodeFacts]
    /// Service nodes by name → the address their services connect from.
    public var serviceNodeAddresses: [String: String]
    public var services: [ServiceConfigFacts]
    public var storedPasswordFiles: [PasswordFileFacts]
    /// When the facts were collected: certificate validity is judged at this moment.
    public var observedAt: Date

    public init(
        site: String, superuser: String, replicationRole: String, policy: PolicyFacts,
        nodes: [NodeFacts] = [], serviceNodeAddresses: [String: String] = [:],
        services: [ServiceConfigFacts] = [], storedPasswordFiles: [PasswordFileFacts] = [],
        observedAt: Date
    ) {
        self.site = site
        self.superuser = superuser
        self.replicationRole = replicationRole
        self.policy = policy
        self.nodes = nodes
        self.serviceNodeAddresses = serviceNodeAddresses
        self.services = services
        self.storedPasswordFiles = storedPasswordFiles
        self.observedAt = observedAt
    }

    /// The roles the site's own services log in as (from their config files), plus the
    /// superuser and the replication role the inventory names.
    public var rolesInUse: [String] {
        var seen = Set<String>()
        let users = [superuser] + services.flatMap { $0.connections.compactMap(\.user) } + [replicationRole]
        return users.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// The parts of the inventory's policy that rules compare against.
public struct PolicyFacts: Sendable, Hashable, Codable {
    public var passwordEncryption: String
    /// `TLSv1.2` etc., as PostgreSQL spells it.
    public var tlsMinimumVersion: String
    public var clientNetworks: [String]
    /// `tls.warning_days`: a certificate expiring sooner than this is due for renewal (nil
    /// in facts saved before the field existed: the default applies).
    public var certificateWarningDays: Int?

    public init(
        passwordEncryption: String = "scram-sha-256", tlsMinimumVersion: String = "TLSv1.2", clientNetworks: [String] = [],
        certificateWarningDays: Int? = nil
    ) {
        self.passwordEncryption = passwordEncryption
        self.tlsMinimumVersion = tlsMinimumVersion
        self.clientNetworks = clientNetworks
        self.certificateWarningDays = certificateWarningDays
    }

    /// The warning window in days (``CertificateSettings/defaultWarningDays`` when unset).
    public var warningDays: Int { certificateWarningDays ?? CertificateSettings.defaultWarningDays }

    /// The policy floor as a `TLSVersion` (TLS 1.2 when the text is not a known spelling).
    public var tlsFloor: TLSVersion {
        TLSVersion.named(tlsMinimumVersion) ?? .tls12
    }
}

extension TLSVersion {
    /// The version PostgreSQL's `ssl_min_protocol_version` spelling (or `TLSv1.0`, `1.2`) names.
    public static func named(_ text: String) -> TLSVersion? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "tlsv1", "tlsv1.0", "tls1.0", "1.0", "tls10": .tls10
        case "tlsv1.1", "tls1.1", "1.1", "tls11": .tls11
        case "tlsv1.2", "tls1.2", "1.2", "tls12": .tls12
        case "tlsv1.3", "tls1.3", "1.3", "tls13": .tls13
        case "sslv3": .ssl3
        default: nil
        }
    }
}

/// Where in a file something is, for evidence and SARIF locations.
public struct FileLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL` with the unknown parts left out.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let line, line > 0, let column { text += ":\(column)" }
        return text
    }
}
