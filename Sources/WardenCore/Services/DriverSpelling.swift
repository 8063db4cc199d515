// MARK: - How each driver spells a setting

/// The spellings of keys and values that differ between drivers, in one table, so the
/// facade reads all of them and writes each driver's own.
///
/// Sources: Devart dotConnect for PostgreSQL `PgSqlConnection.ConnectionString` (`Ssl Mode`,
/// `SSL TLS Protocol`, `SSL CA Cert`, `SSL Cert`, `SSL Key`; SslMode values `Disable`, `Allow`,
/// `Prefer`, `Require`, `VerifyCA`, `VerifyFull`); Npgsql's connection string parameters
/// (`SSL Mode`, `Root Certificate`, `SSL Certificate`, `SSL Key`, `Target Session Attributes`);
/// libpq's keywords; node-postgres' `sslmode` words (libpq's, plus `no-verify`).
public enum DriverSpelling {
    // MARK: Connection-string keys (Devart and Npgsql)

    /// The ADO.NET key for `field`, as written when pgwarden has to add it; nil when the
    /// driver has no such setting.
    public static func adoKey(_ field: ConnectionField, driver: ServiceDriver) -> ADOConnectionString.Key? {
        let devart = driver == .devart
        switch field {
        case .host: return .host
        case .port: return .port
        case .database: return .database
        case .user: return .userID
        case .password: return .password
        // The reference page writes `Ssl Mode=Require`; Npgsql documents `SSL Mode`.
        case .sslMode: return ADOConnectionString.Key(devart ? "Ssl Mode" : "SSL Mode")
        case .sslEnabled, .tlsOptions: return nil
        case .tlsProtocol: return devart ? .sslTLSProtocol : nil
        case .rootCertificate: return ADOConnectionString.Key(devart ? "SSL CA Cert" : "Root Certificate")
        case .clientCertificate: return ADOConnectionString.Key(devart ? "SSL Cert" : "SSL Certificate")
        case .clientKey: return .sslKey
        }
    }

    /// `Require`, `VerifyFull`…: the SslMode enum names both .NET drivers use.
    public static func adoSSLMode(_ mode: SSLMode) -> String {
        switch mode {
        case .disable: "Disable"
        case .allow: "Allow"
        case .prefer: "Prefer"
        case .require: "Require"
        case .verifyCA: "VerifyCA"
        case .verifyFull: "VerifyFull"
        }
    }

    /// Devart's `SSL TLS Protocol` value (`1.0`, `1.1`, `1.2`); Devart offers nothing newer.
    public static func devartTLSProtocol(_ version: OpenSSLOptions.ProtocolVersion) -> String? {
        switch version {
        case .tls1_0: "1.0"
        case .tls1_1: "1.1"
        case .tls1_2: "1.2"
        case .sslv3, .tls1_3: nil
        }
    }

    // MARK: libpq keywords

    public static func libpqKeyword(_ field: ConnectionField) -> String? {
        switch field {
        case .host: "host"
        case .port: "port"
        case .database: "dbname"
        case .user: "user"
        case .password: "password"
        case .sslMode: "sslmode"
        case .tlsProtocol: "ssl_min_protocol_version"
        case .rootCertificate: "sslrootcert"
        case .clientCertificate: "sslcert"
        case .clientKey: "sslkey"
        case .sslEnabled, .tlsOptions: nil
        }
    }

    // MARK: Reading any spelling

    /// Any driver's SSL mode word, folded: `VerifyFull`, `verify-full`, `Verify_Full`,
    /// `Required`, node-postgres' `no-verify` (TLS without checks: `require`).
    public static func sslMode(_ text: String) -> SSLMode? {
        switch fold(text) {
        case "disable", "disabled", "none": .disable
        case "allow": .allow
        case "prefer", "preferred": .prefer
        case "require", "required", "noverify": .require
        case "verifyca": .verifyCA
        case "verifyfull": .verifyFull
        default: nil
        }
    }

    /// `true`/`false`, `1`/`0`, `on`/`off`, `yes`/`no`.
    public static func switchValue(_ text: String) -> Bool? {
        switch fold(text) {
        case "true", "1", "on", "yes": true
        case "false", "0", "off", "no": false
        default: nil
        }
    }

    /// `1.2`, `TLSv1.2`, `tls1.2`, `Tls12` → TLS 1.2 (and likewise for 1.0, 1.1, 1.3).
    public static func tlsVersion(_ text: String) -> OpenSSLOptions.ProtocolVersion? {
        var folded = fold(text).filter { $0 != "." }
        for prefix in ["tlsv", "tls", "v"] where folded.hasPrefix(prefix) {
            folded = String(folded.dropFirst(prefix.count))
            break
        }
        switch folded {
        case "1", "10": return .tls1_0
        case "11": return .tls1_1
        case "12": return .tls1_2
        case "13": return .tls1_3
        case "sslv3", "ssl3": return .sslv3
        default: return nil
        }
    }

    /// Lowercased, without blanks, dashes and underscores.
    static func fold(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { !" \t-_".unicodeScalars.contains($0) }.map(Character.init))
    }
}
