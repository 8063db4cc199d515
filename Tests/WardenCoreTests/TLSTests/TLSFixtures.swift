import Foundation
@testable import WardenCore

// MARK: - A small site for the TLS planner

/// A primary (10.0.4.10), a standby (10.0.4.11), two service nodes, a Devart repository
/// config and a node-postgres licenses config, and certificates made with openssl for
/// these tests (`db1.plant.example`, DNS SANs db1/db.plant.example, no IP SAN).
enum TLSFixtures {
    /// ECDSA P-256 leaf for db1.plant.example and db.plant.example, issued by "pgwarden test
    /// CA", valid 2026-12-05 to 2126-11-11.
    static let ecdsaCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBuTCCAV6gAwIBAgIUd8+2JQcSGlFpRfu4pk0mo+1y1eQwCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQcGd3YXJkZW4gdGVzdCBDQTAgFw0yNjEyMDUwODM1MTFaGA8y
        MTI2MTExMTA4MzUxMVowHDEaMBgGA1UEAwwRZGIxLnBsYW50LmV4YW1wbGUwWTAT
        BgcqhkjOPQIBBggqhkjOPQMBBwNCAARkhtVMHRo88E8NRN4uSDD2gF6XSMjctERx
        3+hVzjQzVX+7J0fs4Fx69vIqory/YXcAwISZKBAAtIqOyhyM/IG8o30wezAuBgNV
        HREEJzAlghFkYjEucGxhbnQuZXhhbXBsZYIQZGIucGxhbnQuZXhhbXBsZTAJBgNV
        HRMEAjAAMB0GA1UdDgQWBBRR09OeTzFf7Ck6ARfbP8dhi4ZIDzAfBgNVHSMEGDAW
        gBQChJEsKkFfnzX8sHrMxAAKC266ZTAKBggqhkjOPQQDAgNJADBGAiEAhdbccDer
        aI3kWPBQHaKrl0NrCnfr5Pz9boBsF1xjqwUCIQDebmWwOj34Z6c9V9GfD++0KhJX
        VviFG/pvWCkz1ygDkA==
        -----END CERTIFICATE-----

        """

    /// Self-signed RSA 2048 certificate for db1.plant.example (same validity).
    static let rsaCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIDOTCCAiGgAwIBAgIUWmvj/zIXMLmfD6rgrn0pr8rlr9QwDQYJKoZIhvcNAQEL
        BQAwHDEaMBgGA1UEAwwRZGIxLnBsYW50LmV4YW1wbGUwIBcNMjYxMjA1MDgzNTEy
        WhgPMjEyNjExMTEwODM1MTJaMBwxGjAYBgNVBAMMEWRiMS5wbGFudC5leGFtcGxl
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAp3BnGyQjwakcvgxCnFZT
        xZQQoCRNt0hhSi+FQwkT0lSzGoZeoLfsUwmkkpB/OW/qlxeqfmsfigxGNn4u5U81
        XfSj0PjqcvFqxco+WdrtHDhp0dT5Pye1dPbPJjCfDvZX5LK0iwgVvN2KZp4SWEjz
        pasOp4iVxZMweTEfPzO8eeMS+28JdL/OGuQQLiWzdZI/xJXH1iIUIoORBP4x41VZ
        SDGaKI8aXLtRL84C1VjgCdaM2nlXOLx+H1G9znP4u5sjJbF672lWpjar2J6JIbyJ
        a9jJPrxyIP2pk9IorbvHrMO8UajKyi/KkgBo1yL9zb5UojXgFOWTFDk9xxOSlmbM
        UQIDAQABo3EwbzAdBgNVHQ4EFgQUIo8rJz+5lKZwQgOj0W9Y5catfy0wHwYDVR0j
        BBgwFoAUIo8rJz+5lKZwQgOj0W9Y5catfy0wDwYDVR0TAQH/BAUwAwEB/zAcBgNV
        HREEFTATghFkYjEucGxhbnQuZXhhbXBsZTANBgkqhkiG9w0BAQsFAAOCAQEAlpOJ
        RNGOe5m9NeFkAXvWG7CSQeUvp01BY4QU7abjDnOsbpwuAy6tIxOkdw3VQ9nHTeUH
        oFUF0QF4TwgAZ2QUz365XHYgAprVGT2bPwFK3mVBiKkCKzc894lGlyM4Exgw8Idt
        eNTgvdKX6N1+uPIV/oMAcYu6UyYM09nslRgOtJQGMsf5URttEDeAQPEHjbmXr1Qd
        C9/VtAIoQTeCEtk+2/0Jz7khxiilJ7OL/Oved9SeMMqiNxN/8Xhxvjwulw+naAfO
        ktpb3AxD/tnwFN7JnEyH1Mj0Khk+X53eGELGEpUzTjkerAzEgfaq+IfCrMaGDJLY
        Hig/5/RQJOerCL4S5g==
        -----END CERTIFICATE-----

        """

    /// A moment both certificates are valid.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func setting(_ name: String, _ value: String, context: String = "sighup", vartype: String = "string") -> ServerSetting {
        ServerSetting(name: name, setting: value, unit: nil, context: context, vartype: vartype)
    }

    /// PostgreSQL 15's ssl settings as initdb leaves them.
    static func freshSettings(dataDirectory: String = "/srv/db1") -> [String: ServerSetting] {
        let list = [
            setting("ssl", "off", vartype: "bool"), setting("ssl_cert_file", "server.crt"), setting("ssl_key_file", "server.key"),
            setting("ssl_ca_file", ""), setting("ssl_min_protocol_version", "TLSv1.2", vartype: "enum"),
            setting("ssl_ciphers", "HIGH:MEDIUM:+3DES:!aNULL"), setting("ssl_prefer_server_ciphers", "on", vartype: "bool"),
            setting("listen_addresses", "*", context: "postmaster"), setting("data_directory", dataDirectory, context: "postmaster"),
            setting("hba_file", dataDirectory + "/pg_hba.conf", context: "postmaster"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }

    /// Settings once the TLS plan has been applied.
    static func tlsSettings(dataDirectory: String = "/srv/db1") -> [String: ServerSetting] {
        var settings = freshSettings(dataDirectory: dataDirectory)
        settings["ssl"] = setting("ssl", "on", vartype: "bool")
        settings["ssl_ca_file"] = setting("ssl_ca_file", "root.crt")
        settings["ssl_ciphers"] = setting("ssl_ciphers", TLSCipherPolicy.sslCiphers)
        return settings
    }

    static let hba = """
        # TYPE  DATABASE        USER            ADDRESS                 METHOD
        local   all             postgres                                peer
        host    replication     replicator      10.0.4.11/32            scram-sha-256
        host    all             all             0.0.0.0/0               scram-sha-256

        """

    static func material(certificate: String = ecdsaCertificate, keyMode: Int = 0o600, keyOwner: String = "postgres", ca: Bool = true) -> ServedCertificate {
        ServedCertificate(certificatePEM: certificate, caPEM: ca ? ecdsaCertificate : nil,
                          key: FileFact(purpose: "ssl_key_file", path: "/srv/db1/server.key", exists: true, mode: keyMode, owner: keyOwner),
                          dataDirectoryOwner: "postgres")
    }

    static let primary = DatabaseNode(name: "db1", host: "10.0.4.10", port: 4432, dataDirectory: "/srv/db1", binDirectory: nil, role: .primary, access: .local)
    static let standby = DatabaseNode(name: "db2", host: "10.0.4.11", port: 4432, dataDirectory: "/srv/db2", binDirectory: nil, role: .standby, access: .local)

    static func repository(host: String = "db1.plant.example", ssl: String = "", tls: String = "") -> String {
        func add(_ name: String) -> String {
            "    <add name=\"\(name)\" connectionString=\"User ID=qliksenserepository;Host=\(host);Port=4432;Database=\(name);\(ssl)\(tls)Password=pw;\" providerName=\"Devart.Data.PostgreSql\" />\n"
        }
        return "<?xml version=\"1.0\"?>\n<configuration>\n  <connectionStrings>\n" + add("QSR") + add("QSMQ") + "  </connectionStrings>\n</configuration>\n"
    }

    static func licenses(host: String = "db1.plant.example", mode: String = "disable") -> String {
        """
        {
          "licenses": { "host": "\(host)", "port": 4432, "dbName": "Licenses", "user": "qliksenserepository", "password": "pw", "sslMode": "\(mode)" }
        }

        """
    }

    /// Both configs requiring TLS the way `services apply --require-ssl --tls-min 1.2` leaves them.
    static let secured = (repository: repository(ssl: "Ssl Mode=Require;", tls: "SSL TLS Protocol=1.2;"), licenses: licenses(mode: "require"))

    static func services(repository: String = repository(), licenses: String = licenses()) -> [ServiceFileContents] {
        [
            ServiceFileContents(service: ServiceSpec(name: "central/repository", node: "central", profile: .repository, file: "central/Repository.exe.config"),
                                text: repository, sha256: FileDigest.sha256(Array(repository.utf8))),
            ServiceFileContents(service: ServiceSpec(name: "rim1/licenses", node: "rim1", profile: .licenses, file: "rim1/Licenses/appsettings.json"),
                                text: licenses, sha256: FileDigest.sha256(Array(licenses.utf8))),
        ]
    }

    static func input(settings: [String: ServerSetting] = freshSettings(), hba: String = hba, material: ServedCertificate? = material(),
                      services: [ServiceFileContents] = services(), logins: [ConsumerLogin]? = nil, standby: Bool = true,
                      policy: Policy = Policy(tlsMinimumVersion: "TLSv1.2", clientNetworks: ["10.0.4.0/24"]), now: Date = now) throws -> TLSPlanInput {
        var nodes = [TLSNodeInput(node: primary, settings: settings, material: material,
                                  hba: HBAFileSnapshot(path: "/srv/db1/pg_hba.conf", file: try HBAFile(parsing: hba)), administratorAddress: "10.0.4.10")]
        if standby { nodes.append(TLSNodeInput(node: Self.standby, settings: nil, problem: "not built yet")) }
        return TLSPlanInput(site: "plant", superuser: "postgres", replicationRole: "replicator", policy: policy, nodes: nodes,
                            serviceNodes: [ServiceNode(name: "central", address: "10.0.4.17"), ServiceNode(name: "rim1", address: "10.0.4.18")],
                            services: services, consumerLogins: logins, now: now)
    }

    static let goodLogins = [
        ConsumerLogin(service: "central/repository", entry: "QSR", target: "t", ok: true, overTLS: true),
        ConsumerLogin(service: "central/repository", entry: "QSMQ", target: "t", ok: true, overTLS: true),
        ConsumerLogin(service: "rim1/licenses", entry: "licenses", target: "t", ok: true, overTLS: true),
    ]
}
