import Foundation

// MARK: - Traffic encryption: `pgwarden apply --only tls`

/// Plans traffic encryption for a site, in the order that never locks anyone out:
///
/// 1. For every node with certificate material: `ALTER SYSTEM` the file names (relative, so
///    a base-backup copy serves its own files), `ssl_min_protocol_version` from the policy
///    (enforced by the server, not trusted to each client), `ssl_ciphers`,
///    `ssl_prefer_server_ciphers = on`, and `ssl = on` **last** — each with a reload (every
///    ssl setting reloads since PostgreSQL 10). `listen_addresses` needs a restart: a note.
/// 2. On the primary, pg_hba.conf hostssl-only (``HostSSLOnly``) — only when every consumer
///    config requires SSL and, if TLS is already on, logged in over TLS while planning.
///    Otherwise a note names each consumer that blocks it and the command that fixes it.
///    Right before the edit, a step logs in as every consumer again (the apply-time check).
/// 3. A proof on the wire (``TLSProof``) after the changes of each node.
///
/// Refused before anything changes (throws): a certificate that does not name a host name
/// in use, an expired one, a key PostgreSQL would not load, a policy floor some consumer's
/// driver cannot speak, a cipher choice that would leave a driver without a suite.
public enum TLSPlanner {
    /// The command that makes every consumer require TLS.
    public static let consumerFix = "pgwarden services apply --require-ssl --tls-min 1.2"

    public static func plan(_ input: TLSPlanInput) throws -> Plan {
        var notes: [String] = []
        let floor = try policyFloor(input.policy)
        let serverVersions = TLSVersion.probed.filter { $0 >= floor }
        let (consumers, unreadable) = try TLSConsumer.read(input.services, serviceNodes: input.serviceNodes)
        try requireVersions(consumers, floor: floor)

        guard let primary = input.nodes.first(where: { $0.node.role == .primary }) else {
            return Plan(site: input.site, steps: [], notes: ["the inventory names no primary: nothing planned for TLS"])
        }
        guard primary.settings != nil else {
            return Plan(site: input.site, steps: [], notes: ["\(primary.node.name) cannot be reached (\(primary.problem ?? "unknown")): nothing planned for TLS"])
        }
        guard let primaryMaterial = primary.material else {
            return Plan(site: input.site, steps: [], notes: [
                "\(primary.node.name): no server certificate in \(primary.dataDirectory) (server.crt and server.key): nothing planned for TLS; install one first (pgwarden tls issue server --node \(primary.node.name))",
            ])
        }
        let hosts = TLSConsumer.hostsInUse(consumers)
        var hostNames = hosts.names.map(\.name)
        for name in input.extraHostNames where !hostNames.contains(where: { $0.lowercased() == name.lowercased() }) { hostNames.append(name) }
        let leaf = try check(primaryMaterial, node: primary.node.name, hosts: hosts, extraHostNames: input.extraHostNames, now: input.now)
        try requireSuites(consumers, serverVersions: serverVersions, key: leaf.keyType, node: primary.node.name)
        for address in hosts.addresses where leaf.matches(hostName: address.address).matches == false {
            notes.append("\(address.users.map(\.label).joined(separator: ", ")) connect\(address.users.count == 1 ? "s" : "") to \(address.address) by address: verify-full needs the name the certificate carries (pgwarden services apply --host-from-cert server.crt)")
        }

        var steps: [PlannedStep] = []
        var proofs: [PlannedStep] = []
        for node in [primary] + input.nodes.filter({ $0.node.role == .standby }) {
            guard let settings = node.settings else {
                notes.append("\(node.node.name) cannot be reached (\(node.problem ?? "unknown")): its TLS settings are not planned")
                continue
            }
            let material: ServedCertificate
            let certificate: CertificateFacts
            if node.node.name == primary.node.name {
                (material, certificate) = (primaryMaterial, leaf)
            } else {
                guard let found = node.material else {
                    notes.append("\(node.node.name): no server certificate in \(node.dataDirectory): its TLS settings are not planned")
                    continue
                }
                (material, certificate) = (found, try check(found, node: node.node.name, hosts: ([], []), extraHostNames: [], now: input.now))
            }
            var nodeSteps = settingSteps(node: node.node.name, settings: settings, material: material, floor: floor, notes: &notes)
            notes += listenAddressNotes(node)
            var proof = TLSProof(node: node.node.name, acceptedVersions: serverVersions,
                                 allowedSuites: TLSCipherPolicy.intendedSuites(for: certificate.keyType))
            if node.node.name == primary.node.name {
                nodeSteps += hbaSteps(input, primary: primary, consumers: consumers, unreadable: unreadable, floor: floor, proof: &proof, notes: &notes)
                proof.consumers = consumers.map { TLSProof.Consumer(service: $0.service.name, entry: $0.settings.entry, profile: $0.profile) }
                if let caFile = material.caFile, material.caPEM != nil {
                    proof.hostNames = hostNames
                    proof.rootCertificate = absolute(caFile, in: node.dataDirectory)
                } else if !hostNames.isEmpty {
                    notes.append("\(node.node.name): no CA file next to the certificate: verify-full for \(hostNames.joined(separator: ", ")) is not proven")
                }
            }
            guard !nodeSteps.isEmpty else { continue }
            steps += nodeSteps
            proofs.append(PlannedStep(
                id: "\(node.node.name)/tls/proof", title: "\(node.node.name): prove TLS on the wire",
                reason: "the wire must show the result (any failure rolls every step back)",
                diff: proof.summary, action: .proveTLS(proof)))
        }
        return Plan(site: input.site, steps: steps.isEmpty ? [] : steps + proofs, notes: notes)
    }

    // MARK: Policy and drivers

    static func policyFloor(_ policy: Policy) throws -> TLSVersion {
        guard let floor = TLSVersion.named(policy.tlsMinimumVersion) else {
            throw CoreError(.invalid, "policy.tls_min_version '\(policy.tlsMinimumVersion)' is not a TLS version", hint: "write TLSv1.2 or TLSv1.3")
        }
        guard floor >= .tls12 else {
            throw CoreError(.invalid, "policy.tls_min_version \(floor.name) allows broken protocol versions", hint: "TLS 1.0 and 1.1 are deprecated (RFC 8996): write TLSv1.2")
        }
        return floor
    }

    /// Refuses a floor some consumer's driver can never reach: Devart tops out at TLS 1.2.
    static func requireVersions(_ consumers: [TLSConsumer], floor: TLSVersion) throws {
        let stranded = consumers.filter { $0.profile.driver == .devart }
        guard floor <= .tls12 || stranded.isEmpty else {
            throw CoreError(.invalid, "policy.tls_min_version \(floor.name) would lock out \(stranded.map(\.label).joined(separator: ", ")): Devart speaks at most TLS 1.2",
                            hint: "keep tls_min_version: TLSv1.2 while Devart consumers remain")
        }
    }

    /// Refuses a cipher choice that leaves some consumer's driver without a suite.
    static func requireSuites(_ consumers: [TLSConsumer], serverVersions: [TLSVersion], key: CertificateFacts.KeyType, node: String) throws {
        let suites = TLSCipherPolicy.intendedSuites(for: key).compactMap(CipherSuiteCatalogue.suite)
        guard !suites.isEmpty else {
            throw CoreError(.unsupported, "\(node)'s certificate has a \(key) key: no forward-secret AEAD suite can use it", hint: "issue an ECDSA P-256 or RSA certificate")
        }
        let versions = [TLSVersion.tls12, .tls13].filter(serverVersions.contains)
        let stranded = consumers.filter { !$0.profile.hasSuite(serverVersions: versions, suites: suites) && $0.profile.maximumVersion >= .tls12 }
        guard stranded.isEmpty else {
            throw CoreError(.invalid, "ssl_ciphers '\(TLSCipherPolicy.sslCiphers)' would leave \(stranded.map(\.label).joined(separator: ", ")) without a cipher suite its driver speaks",
                            hint: "upgrade the driver, or change its TLS settings")
        }
    }

    // MARK: Certificate material

    /// The leaf certificate, after checking it can be served and names every host name in use.
    static func check(_ material: ServedCertificate, node: String, hosts: (names: [(name: String, users: [TLSConsumer])], addresses: [(address: String, users: [TLSConsumer])]),
                      extraHostNames: [String], now: Date) throws -> CertificateFacts {
        let file = material.certificateFile
        let leaf: CertificateFacts
        do {
            guard let der = try PEMCertificates.der(in: material.certificatePEM).first else { throw CoreError(.parse, "no certificate") }
            leaf = try CertificateFacts(der: der)
        } catch {
            throw CoreError(.parse, "\(node): \(file) is not a PEM certificate: \(error)", hint: "install the server certificate (pgwarden tls issue server --node \(node))")
        }
        if leaf.notAfter <= now {
            throw CoreError(.invalid, "\(node): \(file) expired on \(iso(leaf.notAfter))", hint: "issue a new one: pgwarden tls issue server --node \(node)")
        }
        if leaf.notBefore > now {
            throw CoreError(.invalid, "\(node): \(file) is not valid before \(iso(leaf.notBefore))", hint: "check the clocks, or issue a new one")
        }
        var missing: [String] = []
        for (name, users) in hosts.names where !leaf.matches(hostName: name).matches {
            missing.append("\(name) (used by \(users.map(\.label).joined(separator: ", ")))")
        }
        for name in extraHostNames where !leaf.matches(hostName: name).matches { missing.append("\(name) (inventory host_names)") }
        for (address, users) in hosts.addresses where !leaf.matches(hostName: address).matches {
            let verifying = users.filter { $0.profile.sslMode == .verifyFull }
            if !verifying.isEmpty { missing.append("\(address) (verify-full by address: \(verifying.map(\.label).joined(separator: ", ")))") }
        }
        guard missing.isEmpty else {
            let names = leaf.dnsNames.isEmpty ? "CN=\(leaf.subjectCommonName ?? "?")" : "DNS: \(leaf.dnsNames.joined(separator: ", "))"
            throw CoreError(.invalid, "\(node): \(file) (\(names)) does not name \(missing.joined(separator: "; ")); refused before anything changes",
                            hint: "issue a certificate for every name services use: pgwarden tls issue server --node \(node)")
        }
        try checkKey(material, node: node)
        return leaf
    }

    /// PostgreSQL loads a key owned by the server's user with mode 0600 or less, or owned by
    /// root with mode 0640 or less; anything else fails the reload.
    static func checkKey(_ material: ServedCertificate, node: String) throws {
        let key = material.key
        guard key.exists else {
            throw CoreError(.notFound, "\(node): \(material.keyFile) is missing next to \(material.certificateFile)", hint: "install the key with the certificate")
        }
        let mode = key.mode ?? 0
        let owner = key.owner
        let byServer = owner != nil && owner == material.dataDirectoryOwner
        if byServer ? (mode & 0o077 != 0) : (owner == "root" ? (mode & 0o037 != 0) : true) {
            let user = material.dataDirectoryOwner ?? "the data directory's owner"
            throw CoreError(.invalid, "\(node): \(material.keyFile) is owned by \(owner ?? "?") with mode \(key.modeText); PostgreSQL refuses to load it",
                            hint: "chown \(user) \(key.path) && chmod 0600 \(key.path)")
        }
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static func absolute(_ file: String, in directory: String) -> String {
        file.hasPrefix("/") ? file : directory + "/" + file
    }

    // MARK: Settings

    static func settingSteps(node: String, settings: [String: ServerSetting], material: ServedCertificate, floor: TLSVersion, notes: inout [String]) -> [PlannedStep] {
        var wanted: [(name: String, value: String, reason: String)] = [
            ("ssl_cert_file", material.certificateFile, "serve the certificate in the data directory (a relative name: a standby serves its own copy)"),
            ("ssl_key_file", material.keyFile, "its key, next to it"),
        ]
        if let caFile = material.caFile, material.caPEM != nil {
            wanted.append(("ssl_ca_file", caFile, "the CA that issued it, for clients and client certificates"))
        }
        wanted += [
            ("ssl_min_protocol_version", floor.name, "policy.tls_min_version, enforced by the server rather than trusted to each client"),
            ("ssl_ciphers", TLSCipherPolicy.sslCiphers, "no anonymous, export, NULL, RC4, 3DES, CAMELLIA or non-forward-secret suites"),
            ("ssl_prefer_server_ciphers", "on", "the server's order picks the suite"),
            ("ssl", "on", "TLS on, last, once everything it needs is in place"),
        ]
        var steps: [PlannedStep] = []
        for want in wanted {
            guard let setting = settings[want.name] else {
                notes.append("\(node): \(want.name) is not a setting this server knows; not planned")
                continue
            }
            if setting.matches(want.value) { continue }
            if setting.context == "postmaster" || setting.context == "internal" {
                notes.append("\(node): \(want.name) = \(want.value) needs a server restart (context \(setting.context)); not planned")
                continue
            }
            steps.append(ServerSettingsPlanner.step(node: node, setting: setting, value: want.value, reason: want.reason))
        }
        return steps
    }

    /// listen_addresses needs a restart, so it is never planned: a note when the server does
    /// not listen on the node's address.
    static func listenAddressNotes(_ node: TLSNodeInput) -> [String] {
        guard let setting = node.settings?["listen_addresses"] else { return [] }
        let listening = setting.setting.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if listening.contains("*") || listening.contains(node.node.host) { return [] }
        if listening.contains("0.0.0.0"), IPAddress(node.node.host)?.family == .v4 { return [] }
        if listening.contains("::"), IPAddress(node.node.host)?.family == .v6 { return [] }
        return ["\(node.node.name): listen_addresses = '\(setting.setting)' does not include \(node.node.host); it needs a restart, so it is not planned (set it and restart in a maintenance window)"]
    }

    // MARK: pg_hba.conf

    static func hbaSteps(_ input: TLSPlanInput, primary: TLSNodeInput, consumers: [TLSConsumer], unreadable: [ServiceSpec],
                         floor: TLSVersion, proof: inout TLSProof, notes: inout [String]) -> [PlannedStep] {
        let node = primary.node.name
        guard let hba = primary.hba else {
            notes.append("\(node): pg_hba.conf could not be read: hostssl-only is not planned")
            return []
        }
        var waits = unreadable.map { "\($0.name) (\($0.file)): its connection strings are protected by Windows and cannot be checked" }
        for consumer in consumers where !consumer.settings.requiresTLS {
            waits.append("\(consumer.label) does not require SSL (\(consumer.profile.driver.rawValue), sslmode \(consumer.profile.sslMode.rawValue))")
        }
        for consumer in consumers where consumer.settings.requiresTLS && consumer.profile.maximumVersion < floor {
            waits.append("\(consumer.label) offers at most \(consumer.profile.maximumVersion.name)")
        }
        for login in input.consumerLogins ?? [] where !login.ok || login.overTLS == false {
            let consumer = consumers.first { $0.service.name == login.service && $0.settings.entry == login.entry }
            let label = consumer?.label ?? "\(login.service) entry \(login.entry)"
            waits.append(login.ok ? "\(label) logged in without TLS" : "\(label) cannot log in over TLS now: \(login.problem ?? "unknown")")
        }
        let (clients, clientProblems) = hbaClients(input, primary: primary, consumers: consumers)
        if !waits.isEmpty {
            for wait in waits { notes.append("\(node): hostssl-only waits: \(wait); fix: \(consumerFix), then pgwarden apply --only tls again") }
            return []
        }
        var serviceHosts: [IPAddress] = []
        var blockers = clientProblems
        let networks = input.policy.clientNetworks.compactMap { IPAddressRange(cidr: $0) }
        for serviceNode in input.serviceNodes {
            guard let address = IPAddress(serviceNode.address) else {
                blockers.append("service node \(serviceNode.name) has no IP address (\(serviceNode.address)); pg_hba.conf needs one")
                continue
            }
            if !networks.isEmpty, !networks.contains(where: { $0.contains(address) }) {
                notes.append("\(node): service node \(serviceNode.name) (\(serviceNode.address)) is outside policy.client_networks; it keeps its hostssl lines")
            }
            if !serviceHosts.contains(address) { serviceHosts.append(address) }
        }
        let planned = HostSSLOnly.plan(file: hba.file, serviceHosts: serviceHosts, superuser: input.superuser, replicationRole: input.replicationRole, clients: clients)
        blockers += planned.blockers
        guard blockers.isEmpty else {
            for blocker in blockers { notes.append("\(node): hostssl-only is not planned: \(blocker)") }
            return []
        }
        proof.plaintextRefused = uniqueLogins(consumers)
        // Standbys that answer are proven to replicate over TLS; a reserved, unbuilt one is not.
        let reachable = Set(input.nodes.filter { $0.node.role == .standby && $0.settings != nil }.map(\.node.name))
        proof.standbysOverTLS = clients.filter { $0.kind == .standby && reachable.contains($0.label) }.map(\.label)
        guard !planned.edits.isEmpty, let edited = try? hba.file.applying(planned.edits) else { return [] }
        let names = consumers.map(\.service.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return [
            PlannedStep(
                id: "\(node)/tls/consumer-logins", title: "\(node): log in as every consumer with its own settings before pg_hba.conf turns hostssl-only",
                reason: "no lockout: every consumer must log in over TLS at this moment",
                diff: consumers.map { "  \($0.label): \($0.profile.sslMode.rawValue)" },
                action: .checkConsumerLogins(node: node, services: names, reason: "before hostssl-only")),
            PlannedStep(
                id: "\(node)/tls/hba", title: "\(node): pg_hba.conf hostssl-only for the service hosts",
                reason: "every consumer requires SSL; service hosts from the inventory and policy.client_networks",
                diff: planned.inFileOrder.map { $0.diffLine(in: hba.file) },
                action: .editHBAFile(node: node, file: hba.path, expectedSHA256: hba.sha256, resultSHA256: FileDigest.sha256(edited.bytes), edits: planned.edits)),
        ]
    }

    /// Who must still get in after the edit: every consumer from its service node,
    /// pgwarden itself, every standby.
    static func hbaClients(_ input: TLSPlanInput, primary: TLSNodeInput, consumers: [TLSConsumer]) -> ([HostSSLOnly.Client], [String]) {
        var clients: [HostSSLOnly.Client] = []
        var problems: [String] = []
        for consumer in consumers {
            guard let address = consumer.address, let user = consumer.settings.user else {
                problems.append("\(consumer.label): no user, or its service node has no IP address")
                continue
            }
            clients.append(.init(label: consumer.label, kind: .consumer, user: user, target: .database(consumer.settings.database ?? user), address: address))
        }
        if let text = primary.administratorAddress, let address = IPAddress(text) {
            clients.append(.init(label: "pgwarden (\(input.superuser) from \(text))", kind: .administrator, user: input.superuser, target: .database("postgres"), address: address))
        }
        for standby in input.nodes where standby.node.role == .standby {
            guard let address = IPAddress(standby.node.host) else {
                problems.append("standby \(standby.node.name) has no IP address (\(standby.node.host)); its replication line needs one")
                continue
            }
            clients.append(.init(label: standby.node.name, kind: .standby, user: input.replicationRole, target: .physicalReplication, address: address))
        }
        return (clients, problems)
    }

    static func uniqueLogins(_ consumers: [TLSConsumer]) -> [TLSProof.RoleLogin] {
        var logins: [TLSProof.RoleLogin] = []
        for consumer in consumers {
            guard let user = consumer.settings.user else { continue }
            let login = TLSProof.RoleLogin(user: user, database: consumer.settings.database ?? user)
            if !logins.contains(login) { logins.append(login) }
        }
        return logins
    }
}
