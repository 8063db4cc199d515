// MARK: - SVC: how each service connects

extension AuditCatalogue {
    static let serviceRules: [AuditRule] = [
        AuditRule(
            id: "SVC-001", title: "A service connects without TLS", severity: .high,
            fix: "Set the service's SSL setting to verify-full (or at least require) in its own spelling; the server must offer TLS first.",
            command: "pgwarden services apply --require-ssl", references: [Reference.traffic, Reference.dispatcher],
            rationale: "sslmode disable never encrypts; allow and prefer fall back to plaintext whenever the server (or an attacker in the middle) says N to SSLRequest."
        ) { facts, rule in
            serviceConnections(facts) { service, connection in
                guard let mode = connection.sslMode, !mode.requiresTLS else { return nil }
                return rule.finding(serviceSubject(service), "\(connection.location): \(connection.entry): \(connection.sslSetting ?? "") → sslmode \(mode.rawValue)", at: connection.location)
            }
        },
        AuditRule(
            id: "SVC-002", title: "A service uses TLS but does not verify the server", severity: .medium,
            fix: "Use verify-full with the site CA (root.pem) so the service checks it talks to the real server.",
            command: "pgwarden services apply --verify-full --root-cert ROOT.pem", references: [Reference.traffic],
            rationale: "sslmode require encrypts but accepts any certificate, so a machine in the middle can present its own; verify-ca checks the CA but not the name."
        ) { facts, rule in
            serviceConnections(facts) { service, connection in
                guard let mode = connection.sslMode, mode == .require || mode == .verifyCA else { return nil }
                return rule.finding(serviceSubject(service), "\(connection.location): \(connection.entry): \(connection.sslSetting ?? "") → sslmode \(mode.rawValue)", at: connection.location,
                                    severity: mode == .verifyCA ? .low : .medium)
            }
        },
        AuditRule(
            id: "SVC-003", title: "A service allows TLS older than 1.2", severity: .medium,
            fix: "Pin TLS 1.2 or newer: Devart `SSL TLS Protocol=1.2`; node.js `--ssl=369098752` (SSL_OP_NO_SSLv2|SSLv3|TLSv1|TLSv1_1).",
            command: "pgwarden services apply --tls-min 1.2", references: [Reference.tls12, Reference.additional],
            rationale: "The client side of the floor: a client that still offers TLS 1.0 negotiates it with any server that allows it, and the reference page pins 1.2 on both kinds of client."
        ) { facts, rule in
            facts.services.flatMap { service -> [Finding] in
                var findings: [Finding] = []
                for connection in service.connections {
                    if let pinned = connection.tlsProtocol, let version = TLSVersion.named(pinned), version < facts.policy.tlsFloor {
                        findings.append(rule.finding(serviceSubject(service), "\(connection.location): \(connection.entry): TLS protocol pinned to \(pinned)", at: connection.location))
                    } else if connection.tlsProtocol == nil, service.driver == .devart, connection.sslMode?.requiresTLS == true {
                        findings.append(rule.finding(serviceSubject(service), "\(connection.location): \(connection.entry): no SSL TLS Protocol; Devart then offers TLS 1.0 and up", at: connection.location, severity: .low))
                    }
                }
                for options in service.tlsOptions {
                    let location = FileLocation(file: service.file, line: options.line)
                    if options.value == nil {
                        findings.append(rule.finding(serviceSubject(service), "\(location): [\(options.section)] has no --ssl= option: node.js allows every TLS version its OpenSSL has", at: location))
                    } else if let minimum = options.minimumVersion.flatMap(TLSVersion.named), minimum < facts.policy.tlsFloor {
                        findings.append(rule.finding(serviceSubject(service), "\(location): [\(options.section)] --ssl=\(options.value ?? "") leaves \(minimum.name) enabled", at: location))
                    } else if options.minimumVersion == nil {
                        findings.append(rule.finding(serviceSubject(service), "\(location): [\(options.section)] --ssl=\(options.value ?? "") is not an OpenSSL options number", at: location, severity: .low))
                    }
                }
                return findings
            }
        },
        AuditRule(
            id: "SVC-004", title: "A service config holds a password in clear text", severity: .high,
            fix: "Replace it with a sealed value (pgwarden connstr set), readable only with the site's key file; rotate the password if the file was ever copied.",
            command: "pgwarden services apply --seal", references: [Reference.passwordIntegrity, Reference.dispatcher],
            rationale: "Anyone who can read the file (backups, support bundles, other services' accounts) has the repository password; the vendor's tools store it encrypted (Windows DPAPI), the audit recognises that and sealed values."
        ) { facts, rule in
            serviceConnections(facts) { service, connection in
                guard connection.password == .plaintext else { return nil }
                return rule.finding(serviceSubject(service), "\(connection.location): \(connection.entry): password for \(connection.user ?? "?") stored in clear text", at: connection.location)
            }
        },
        AuditRule(
            id: "SVC-005", title: "A service config could not be read", severity: .medium,
            fix: "Correct the file at the position given (pgwarden never edits a file it cannot parse); the service may be failing to start as well.",
            command: nil, references: [],
            rationale: "What cannot be parsed cannot be checked or rotated; the rest of the audit goes on with what could be read."
        ) { facts, rule in
            facts.services.compactMap { service in
                service.problem.map { rule.finding(serviceSubject(service), $0.description, at: $0.location) }
            }
        },
        AuditRule(
            id: "SVC-006", title: "A service password is protected with Windows DPAPI", severity: .info,
            fix: "Nothing to do for confidentiality; to let pgwarden rotate it, re-seal it (pgwarden connstr set).",
            command: "pgwarden connstr set FILE ENTRY password", references: [Reference.dispatcher],
            rationale: "Recognised by its base64 header AQAAANCMnd8BFdERjHoAwE/Cl+s. Only the Windows account that made it can open it, so pgwarden cannot verify that it still matches the database."
        ) { facts, rule in
            serviceConnections(facts) { service, connection in
                guard connection.password == .windowsDPAPI else { return nil }
                return rule.finding(serviceSubject(service), "\(connection.location): \(connection.entry): DPAPI-protected password", at: connection.location)
            }
        },
    ]

    static func serviceConnections(_ facts: SiteFacts, _ each: (ServiceConfigFacts, ServiceConnectionFact) -> Finding?) -> [Finding] {
        facts.services.flatMap { service in service.connections.compactMap { each(service, $0) } }
    }
}
