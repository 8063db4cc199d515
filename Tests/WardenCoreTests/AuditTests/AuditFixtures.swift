import Foundation
import WardenCore

/// Hand-made facts: a site where every rule has something to find, and the same site
/// hardened so that none has. Rules are tested against these plain values.
enum AuditFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    // MARK: Weak

    static var weak: SiteFacts {
        SiteFacts(
            site: "weak", superuser: "postgres", replicationRole: "replicator", policy: PolicyFacts(clientNetworks: ["10.0.0.1/32"]),
            nodes: [weakNode, unreachableNode, wrongPasswordNode, standbyNode],
            serviceNodeAddresses: ["central": "10.0.0.1"],
            services: weakServices,
            storedPasswordFiles: [PasswordFileFacts(
                node: "central", file: FileFact(purpose: "pgpass", path: "nodes/central/pgpass.conf", exists: true, mode: 0o644),
                entries: [StoredPasswordFact(line: 1, host: "127.0.0.1", port: "4432", database: "*", user: "postgres")],
                warnings: [FileProblem(location: FileLocation(file: "nodes/central/pgpass.conf", line: 2, column: 1), message: "too few fields")])],
            observedAt: now)
    }

    static var weakNode: NodeFacts {
        NodeFacts(
            name: "db1", host: "127.0.0.1", port: 4432, inventoryRole: "primary", reachability: .reached(user: "postgres"),
            serverVersion: "15.8", serverVersionNumber: 150008,
            settings: [
                "password_encryption": SettingFact("md5", source: "configuration file", sourceFile: "/data/postgresql.conf", sourceLine: 90),
                "ssl": SettingFact("on"),
                "ssl_min_protocol_version": SettingFact("TLSv1.1", source: "configuration file", sourceFile: "/data/postgresql.conf", sourceLine: 91),
                "ssl_prefer_server_ciphers": SettingFact("off"),
                "listen_addresses": SettingFact("*"),
                "log_connections": SettingFact("off"),
                "log_disconnections": SettingFact("off"),
                "authentication_timeout": SettingFact("300", unit: "s"),
                "wal_level": SettingFact("minimal"),
                "max_wal_senders": SettingFact("0"),
                "primary_conninfo": SettingFact("host=db0 user=replicator password=secret"),
            ],
            roles: [
                RoleFacts(name: "postgres", isSuperuser: true, isReplication: true, password: .md5),
                RoleFacts(name: "qliksenserepository", password: .scram(iterations: 1024)),
                RoleFacts(name: "empty", password: PasswordFact.none),
                RoleFacts(name: "nopass", password: PasswordFact.none),
                RoleFacts(name: "legacy", password: .plaintext),
                RoleFacts(name: "backup", isReplication: true, password: .scram(iterations: 4096)),
                RoleFacts(name: "replicator", isSuperuser: true, isReplication: true, password: .scram(iterations: 4096)),
            ],
            rolesSource: "pg_authid",
            hbaRules: [
                HBARuleFact(lineNumber: 1, type: "host", users: ["empty"], address: "127.0.0.1", netmask: "255.255.255.255", method: "trust"),
                HBARuleFact(lineNumber: 2, type: "host", databases: ["QSR"], users: ["qliksenserepository"], address: "10.0.0.0", netmask: "255.255.255.0", method: "password"),
                HBARuleFact(lineNumber: 3, type: "host", address: "0.0.0.0", netmask: "0.0.0.0", method: "md5"),
                HBARuleFact(lineNumber: 4, type: "host", users: ["svc"], address: "10.0.0.1", netmask: "255.255.255.255", method: "ident"),
                HBARuleFact(lineNumber: 5, type: nil, method: nil, error: "invalid IP mask \"0.0.0\""),
                HBARuleFact(lineNumber: 6, type: "host", databases: ["replication"], users: ["replicator"], address: "0.0.0.0", netmask: "0.0.0.0", method: "md5"),
            ],
            hbaFile: HBAFileFact(path: "pg_hba.conf", text: """
                host    all  empty                127.0.0.1/32   trust
                host    QSR  qliksenserepository  10.0.0.0/24    password
                host    all  all                  0.0.0.0/0      md5
                host    all  svc                  10.0.0.1/32    ident
                host    all  all                  10.0.0.0/8     reject

                """),
            sessions: [
                SessionFact(pid: 11, user: "qliksenserepository", database: "QSR", clientAddress: "127.0.0.1", ssl: false),
                SessionFact(pid: 12, user: "qliksenserepository", database: "QSMQ", clientAddress: "127.0.0.1", ssl: true, tlsVersion: "TLSv1.1", cipher: "ECDHE-RSA-AES256-SHA"),
            ],
            serverFiles: [FileFact(purpose: "ssl_key_file", path: "/data/server.key", exists: true, mode: 0o644, owner: "postgres")],
            wire: WireFacts(
                sslAnswer: .willing,
                plaintextLogins: [
                    PlaintextLoginFact(user: "empty", database: "postgres", outcome: .noPasswordAsked),
                    PlaintextLoginFact(user: "qliksenserepository", database: "QSR", outcome: .md5PasswordAsked),
                ],
                tls: TLSFacts(
                    acceptedVersions: [.tls10, .tls12], refusedVersions: [.tls11, .tls13],
                    suites: [
                        SuiteFact(code: 0x0034, version: .tls10, name: "ADH-AES128-SHA", isAnonymous: true, isForwardSecret: true, isWeak: true),
                        SuiteFact(code: 0x000A, version: .tls10, name: "DES-CBC3-SHA", isAnonymous: false, isForwardSecret: false, isWeak: true),
                        SuiteFact(code: 0x009C, version: .tls12, name: "AES128-GCM-SHA256", isAnonymous: false, isForwardSecret: false, isWeak: false),
                        SuiteFact(code: 0xC02F, version: .tls12, name: "ECDHE-RSA-AES128-GCM-SHA256", isAnonymous: false, isForwardSecret: true, isWeak: false),
                    ],
                    certificates: [CertificateFact(
                        subject: "CN=db1", issuer: "CN=db1", commonName: "db1", keyBits: 1024, signatureAlgorithm: "sha1WithRSAEncryption",
                        notBefore: now - 400 * day, notAfter: now - day, isCA: true)],
                    hostChecks: [HostCheckFact(host: "db.example.com", matches: false, rule: "commonNameFallback", verifyFull: [
                                     VerifyFullFact(services: ["central/repository (QSR)"], verifying: true, trustRoot: "/srv/pki/root.crt (ssl_ca_file)",
                                                    outcome: .failed, reason: "TLS with 10.0.4.10:4432 failed: CERTIFICATE_VERIFY_FAILED")]),
                                 HostCheckFact(host: "db1", matches: true, rule: "commonNameFallback", matchedName: "db1")]))
        )
    }

    static var unreachableNode: NodeFacts {
        NodeFacts(name: "db2", host: "127.0.0.1", port: 4433, inventoryRole: "standby", reachability: .unreachable(reason: "connection refused"),
                  wire: WireFacts(sslAnswer: .notAsked("connection refused")), unseen: ["settings, roles, pg_hba rules and sessions: connection refused"])
    }

    static var wrongPasswordNode: NodeFacts {
        NodeFacts(name: "db3", host: "127.0.0.1", port: 4434, inventoryRole: "standby", reachability: .wrongPassword(user: "postgres"),
                  settings: ["ssl": SettingFact("off")],
                  wire: WireFacts(sslAnswer: .willing, tls: TLSFacts(
                      acceptedVersions: [.tls12, .tls13],
                      // Ten days left: inside the 30-day warning window (TLS-018).
                      certificates: [CertificateFact(subject: "CN=db3", issuer: "CN=Site CA", commonName: "db3", dnsNames: ["db3"], keyType: "EC P-256",
                                                     keyBits: 256, signatureAlgorithm: "ecdsa-with-SHA256", notBefore: now - 355 * day, notAfter: now + 10 * day)])))
    }

    static var standbyNode: NodeFacts {
        NodeFacts(name: "db4", host: "127.0.0.1", port: 4435, inventoryRole: "standby", reachability: .reached(user: "postgres"),
                  settings: ["ssl": SettingFact("on"), "ssl_min_protocol_version": SettingFact("TLSv1.2")],
                  wire: WireFacts(sslAnswer: .willing, tls: TLSFacts(acceptedVersions: [.tls11, .tls12], certificateProblem: "certificate 1 of the chain: truncated")))
    }

    static var weakServices: [ServiceConfigFacts] {
        [
            ServiceConfigFacts(name: "central/repository", node: "central", profile: "repository", driver: .devart, file: "Repository.exe.config", connections: [
                ServiceConnectionFact(entry: "QSR", hosts: ["db.example.com"], port: 4432, database: "QSR", user: "qliksenserepository", sslMode: .disable,
                                      sslSetting: "no SSL Mode", password: .plaintext, location: FileLocation(file: "Repository.exe.config", line: 8, column: 5)),
                ServiceConnectionFact(entry: "QSMQ", hosts: ["db.example.com"], port: 4432, database: "QSMQ", user: "qliksenserepository", sslMode: .require,
                                      sslSetting: "SSL Mode=Require", tlsProtocol: "1.0", password: .windowsDPAPI, location: FileLocation(file: "Repository.exe.config", line: 9, column: 5)),
            ]),
            ServiceConfigFacts(name: "central/service-dispatcher", node: "central", profile: "service-dispatcher", driver: .nodeTLS, file: "services.conf",
                               tlsOptions: [TLSOptionsFact(section: "a.parameters", value: nil, minimumVersion: nil, line: 7)],
                               commandLinePasswords: [FileLocation(file: "services.conf", line: 12)]),
            ServiceConfigFacts(name: "central/licenses", node: "central", profile: "licenses", driver: .nodePostgres, file: "appsettings.json",
                               problem: FileProblem(location: FileLocation(file: "appsettings.json", line: 3, column: 17), message: "expected a value")),
        ]
    }

    // MARK: Hardened

    static var hardened: SiteFacts {
        SiteFacts(
            site: "hardened", superuser: "postgres", replicationRole: "replicator", policy: PolicyFacts(clientNetworks: ["10.0.0.0/29", "10.0.0.6"]),
            nodes: [hardenedNode],
            serviceNodeAddresses: ["central": "10.0.0.1"],
            services: [
                ServiceConfigFacts(name: "central/repository", node: "central", profile: "repository", driver: .devart, file: "Repository.exe.config", connections: [
                    ServiceConnectionFact(entry: "QSR", hosts: ["db.example.com"], port: 4432, database: "QSR", user: "qliksenserepository", sslMode: .verifyFull,
                                          sslSetting: "SSL Mode=VerifyFull", tlsProtocol: "1.2", password: .sealed, location: FileLocation(file: "Repository.exe.config", line: 8, column: 5)),
                ]),
                ServiceConfigFacts(name: "central/service-dispatcher", node: "central", profile: "service-dispatcher", driver: .nodeTLS, file: "services.conf",
                                   tlsOptions: [TLSOptionsFact(section: "a.parameters", value: "369098752", minimumVersion: "TLSv1.2", line: 7)]),
            ],
            storedPasswordFiles: [PasswordFileFacts(node: "central", file: FileFact(purpose: "pgpass", path: "pgpass.conf", exists: false))],
            observedAt: now)
    }

    static var hardenedNode: NodeFacts {
        NodeFacts(
            name: "db1", host: "127.0.0.1", port: 4432, inventoryRole: "primary", reachability: .reached(user: "postgres"),
            serverVersion: "15.8", serverVersionNumber: 150008,
            settings: [
                "password_encryption": SettingFact("scram-sha-256"),
                "ssl": SettingFact("on"),
                "ssl_min_protocol_version": SettingFact("TLSv1.2"),
                "ssl_prefer_server_ciphers": SettingFact("on"),
                "listen_addresses": SettingFact("10.0.0.5"),
                "log_connections": SettingFact("on"),
                "log_disconnections": SettingFact("on"),
                "authentication_timeout": SettingFact("60", unit: "s"),
                "wal_level": SettingFact("replica"),
                "max_wal_senders": SettingFact("10"),
            ],
            roles: [
                RoleFacts(name: "postgres", isSuperuser: true, isReplication: true, password: .scram(iterations: 4096)),
                RoleFacts(name: "qliksenserepository", password: .scram(iterations: 4096)),
                RoleFacts(name: "replicator", isReplication: true, password: .scram(iterations: 4096)),
                RoleFacts(name: "pg_monitor", canLogin: false, password: PasswordFact.none),
            ],
            rolesSource: "pg_authid",
            hbaRules: [
                HBARuleFact(lineNumber: 1, type: "hostssl", databases: ["QSR", "QSMQ"], users: ["qliksenserepository"], address: "10.0.0.1", netmask: "255.255.255.255", method: "scram-sha-256"),
                HBARuleFact(lineNumber: 2, type: "hostssl", databases: ["replication"], users: ["replicator"], address: "10.0.0.6", netmask: "255.255.255.255", method: "scram-sha-256"),
                HBARuleFact(lineNumber: 3, type: "hostssl", databases: ["postgres"], users: ["postgres"], address: "127.0.0.1", netmask: "255.255.255.255", method: "scram-sha-256"),
            ],
            hbaFile: HBAFileFact(path: "pg_hba.conf", text: """
                hostssl    QSR,QSMQ     qliksenserepository  10.0.0.1/32   scram-sha-256
                hostssl    replication  replicator           10.0.0.6/32   scram-sha-256
                hostssl    postgres     postgres             127.0.0.1/32  scram-sha-256
                hostnossl  all          all                  all           reject

                """),
            sessions: [SessionFact(pid: 11, user: "qliksenserepository", database: "QSR", clientAddress: "10.0.0.1", ssl: true, tlsVersion: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384")],
            serverFiles: [FileFact(purpose: "ssl_key_file", path: "/data/server.key", exists: true, mode: 0o600, owner: "postgres")],
            wire: WireFacts(
                sslAnswer: .willing,
                plaintextLogins: [PlaintextLoginFact(user: "qliksenserepository", database: "QSR", outcome: .rejected, detail: "no pg_hba.conf entry")],
                tls: TLSFacts(
                    acceptedVersions: [.tls12, .tls13], refusedVersions: [.tls10, .tls11],
                    suites: [
                        SuiteFact(code: 0xC02F, version: .tls12, name: "ECDHE-RSA-AES128-GCM-SHA256", isAnonymous: false, isForwardSecret: true, isWeak: false),
                        SuiteFact(code: 0x1302, version: .tls13, name: "TLS_AES_256_GCM_SHA384", isAnonymous: false, isForwardSecret: true, isWeak: false),
                    ],
                    certificates: [
                        CertificateFact(subject: "CN=db.example.com", issuer: "CN=Site CA", commonName: "db.example.com", dnsNames: ["db.example.com"],
                                        notBefore: now - day, notAfter: now + 300 * day),
                        CertificateFact(subject: "CN=Site CA", issuer: "CN=Site CA", commonName: "Site CA", notBefore: now - day, notAfter: now + 3000 * day, isCA: true),
                    ],
                    hostChecks: [HostCheckFact(host: "db.example.com", matches: true, rule: "dnsSubjectAltName", matchedName: "db.example.com", verifyFull: [
                        VerifyFullFact(services: ["central/repository (QSR)"], verifying: true, trustRoot: "/srv/pki/root.crt (ssl_ca_file)",
                                       outcome: .passed, login: "logged in as qliksenserepository"),
                    ])]))
        )
    }
}
