// MARK: - What differs between PostgreSQL versions

/// One table of the version differences pgwarden acts on (PostgreSQL 11–18).
///
/// Planners ask this type instead of comparing version numbers themselves, so each
/// difference is decided in exactly one place.
public struct PostgresVersionTraits: Sendable, Hashable {
    /// The major version (11, 12, …).
    public let major: Int

    public static let supportedMajors = 11...18

    public init(major: Int) throws(CoreError) {
        guard Self.supportedMajors.contains(major) else {
            throw CoreError(.unsupported, "PostgreSQL \(major) is not supported", hint: "pgwarden supports PostgreSQL \(Self.supportedMajors.lowerBound) to \(Self.supportedMajors.upperBound)")
        }
        self.major = major
    }

    /// From `server_version_num` (e.g. 150018 → 15; 110022 → 11).
    public init(serverVersionNum: Int) throws(CoreError) {
        try self.init(major: serverVersionNum / 10000)
    }

    // MARK: Replication

    /// 12 replaced recovery.conf with standby.signal / recovery.signal and GUCs.
    public var usesStandbySignal: Bool { major >= 12 }
    /// 13 renamed wal_keep_segments (count of 16 MB files) to wal_keep_size (MB).
    public var walKeepSettingName: String { major >= 13 ? "wal_keep_size" : "wal_keep_segments" }
    /// 16 removed promote_trigger_file; promotion is pg_promote() or pg_ctl promote.
    public var hasPromoteTriggerFile: Bool { major < 16 }
    /// pg_promote() exists from 12.
    public var hasPgPromote: Bool { major >= 12 }

    // MARK: TLS

    /// ssl_min_protocol_version arrived in 12.
    public var hasSSLMinProtocolVersion: Bool { major >= 12 }
    /// Its default is TLSv1.2 from 13 (TLSv1 in 12).
    public var defaultSSLMinProtocolVersion: String? {
        switch major {
        case ..<12: nil
        case 12: "TLSv1"
        default: "TLSv1.2"
        }
    }
    /// sslnegotiation=direct (TLS without the SSLRequest round trip) from 17.
    public var hasDirectSSLNegotiation: Bool { major >= 17 }
    /// ssl_groups (replacing ssl_ecdh_curve) from 18.
    public var hasSSLGroups: Bool { major >= 18 }

    // MARK: Authentication

    /// password_encryption defaults to scram-sha-256 from 14 (md5 before).
    public var defaultPasswordEncryption: String { major >= 14 ? "scram-sha-256" : "md5" }
    /// scram_iterations is settable from 16 (fixed at 4096 before).
    public var hasSCRAMIterations: Bool { major >= 16 }
    /// md5 passwords are deprecated from 18 (the server warns when one is set or used).
    public var md5Deprecated: Bool { major >= 18 }

    // MARK: pg_hba

    /// include / include_if_exists / include_dir in pg_hba.conf, and rule_number in
    /// pg_hba_file_rules, from 16.
    public var hasHBAIncludes: Bool { major >= 16 }
    public var hasHBARuleNumber: Bool { major >= 16 }
    /// A user or database entry starting with `/` is a regular expression from 16; before,
    /// it is a name like any other (a role may literally be called `/^rx`).
    public var hasHBARegexEntries: Bool { major >= 16 }
}
