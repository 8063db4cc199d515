import Yams

// MARK: - warden.yaml → Inventory

/// Reads `warden.yaml` into an ``Inventory``, or fails with the first problem found,
/// located as `warden.yaml:LINE:COL` and with a hint.
///
/// Unknown keys are errors rather than warnings: a misspelt `pasword_encryption` that is
/// silently ignored is how a site ends up less secure than its owner believes.
public enum InventoryParser {
    /// Parses `text`; `path` is used for error messages and to resolve relative paths.
    public static func parse(_ text: String, path: String) throws(CoreError) -> Inventory {
        let base = PathResolution.directory(of: path)
        let displayName = path
        do {
            let root = try YAMLMapping.root(text, file: displayName)
            return try readInventory(root, base: base)
        } catch let error {
            throw error.file == nil ? error.inFile(displayName) : error
        }
    }

    // MARK: Top level

    private static func readInventory(_ root: YAMLMapping, base: String) throws(CoreError) -> Inventory {
        try root.allowOnly([
            "site", "state_dir", "superuser", "replication_role", "secrets", "database_nodes",
            "service_nodes", "services", "stored_password_files", "policy", "file_share", "tls",
        ])
        let site = try root.requiredString("site")
        let stateDirectory = PathResolution.resolve(try root.string("state_dir") ?? ".pgwarden-state", against: base)
        let superuser = try root.string("superuser") ?? "postgres"
        let replicationRole = try root.string("replication_role") ?? "replicator"

        var secrets: [String: SecretReference] = [:]
        if let mapping = try root.mapping("secrets") {
            for (key, value) in try mapping.stringPairs() {
                do {
                    secrets[key] = try SecretReference.parse(value.text, baseDirectory: base)
                } catch let error {
                    throw value.error(error.message, hint: error.hint)
                }
            }
        }

        let databaseNodeItems = try root.sequence("database_nodes") ?? []
        let databaseNodes = try databaseNodeItems.map { node throws(CoreError) in
            try readDatabaseNode(node, base: base)
        }
        guard !databaseNodes.isEmpty else {
            throw root.error("database_nodes is missing or empty", hint: "list at least the primary: name, host, port, data_dir, role: primary")
        }
        try requireUnique(databaseNodes.map(\.name), items: databaseNodeItems, key: "name", what: "database node")
        let primaries = databaseNodes.filter { $0.role == .primary }.count
        guard primaries == 1 else {
            throw root.error("database_nodes has \(primaries) primaries; exactly one is needed", hint: "mark the node that takes writes with role: primary and the others role: standby")
        }

        let serviceNodeItems = try root.sequence("service_nodes") ?? []
        let serviceNodes = try serviceNodeItems.map { node throws(CoreError) in
            try readServiceNode(node)
        }
        try requireUnique(serviceNodes.map(\.name), items: serviceNodeItems, key: "name", what: "service node")
        let nodeNames = Set(serviceNodes.map(\.name))

        let serviceItems = try root.sequence("services") ?? []
        let services = try serviceItems.map { node throws(CoreError) in
            try readService(node, base: base, nodeNames: nodeNames)
        }
        try requireUnique(services.map(\.name), items: serviceItems, key: "file", what: "service")

        let storedPasswordFiles = try (root.sequence("stored_password_files") ?? []).map { node throws(CoreError) in
            try node.allowOnly(["node", "file"])
            let nodeName = try node.requiredString("node")
            guard nodeNames.contains(nodeName) else {
                throw node.value("node")?.error("unknown service node '\(nodeName)'", hint: "declare it under service_nodes") ?? node.error("unknown node")
            }
            return StoredPasswordFile(node: nodeName, file: PathResolution.resolve(try node.requiredString("file"), against: base))
        }

        let policy = try root.mapping("policy").map { mapping throws(CoreError) in try readPolicy(mapping) } ?? Policy()

        let fileShare = try root.mapping("file_share").map { mapping throws(CoreError) -> FileShare in
            try mapping.allowOnly(["path", "replica"])
            return FileShare(path: PathResolution.resolve(try mapping.requiredString("path"), against: base),
                             replica: PathResolution.resolve(try mapping.requiredString("replica"), against: base))
        }

        var inventory = Inventory(
            site: site, baseDirectory: base, stateDirectory: stateDirectory, superuser: superuser,
            replicationRole: replicationRole, secrets: secrets, databaseNodes: databaseNodes,
            serviceNodes: serviceNodes, services: services, storedPasswordFiles: storedPasswordFiles,
            policy: policy
        )
        inventory.fileShare = fileShare
        if let mapping = try root.mapping("tls") {
            inventory.tls = try readCertificateSettings(mapping, base: base, stateDirectory: stateDirectory)
        }
        return inventory
    }

    // MARK: Sections

    private static func readDatabaseNode(_ node: YAMLMapping, base: String) throws(CoreError) -> DatabaseNode {
        try node.allowOnly(["name", "host", "host_names", "port", "data_dir", "bin_dir", "role", "access", "fence_command"])
        let port = try node.requiredInt("port")
        guard (1...65535).contains(port) else {
            throw node.value("port")?.error("port \(port) is out of range", hint: "use a TCP port from 1 to 65535") ?? node.error("bad port")
        }
        var databaseNode = DatabaseNode(
            name: try node.requiredString("name"),
            host: try node.requiredString("host"),
            port: port,
            dataDirectory: PathResolution.resolve(try node.requiredString("data_dir"), against: base),
            binDirectory: try node.string("bin_dir").map { PathResolution.resolve($0, against: base) },
            role: try node.enumValue("role", DatabaseNode.Role.self) ?? .standby,
            access: try node.enumValue("access", DatabaseNode.Access.self) ?? .local
        )
        databaseNode.hostNames = try readHostNames(node)
        databaseNode.fenceCommand = try readFenceCommand(node)
        return databaseNode
    }

    /// `fence_command: [prog, arg, …]` or `fence_command: {argv: [prog, arg, …], timeout: 30}`.
    private static func readFenceCommand(_ node: YAMLMapping) throws(CoreError) -> FenceCommand? {
        guard let value = node.value("fence_command") else { return nil }
        let example = "e.g. fence_command: [/usr/bin/ipmitool, -I, lanplus, -H, db1-ipmi, chassis, power, off]"
        let arguments: [YAMLValue]
        var timeout = FenceCommand.defaultTimeoutSeconds
        if case .mapping = value.node, let mapping = try node.mapping("fence_command") {
            try mapping.allowOnly(["argv", "timeout"])
            guard let argv = try mapping.stringSequence("argv") else {
                throw mapping.error("fence_command needs argv: the program and its arguments", hint: example)
            }
            arguments = argv
            if let text = try mapping.string("timeout") {
                guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                    throw mapping.value("timeout")?.error("fence_command timeout must be a number of seconds from 1 to 3600, not '\(text)'", hint: "e.g. timeout: 30")
                        ?? mapping.error("bad timeout")
                }
                timeout = seconds
            }
        } else {
            guard let argv = try node.stringSequence("fence_command") else { return nil }
            arguments = argv
        }
        guard let program = arguments.first, !program.text.isEmpty else {
            throw value.error("fence_command is empty", hint: example)
        }
        guard program.text.hasPrefix("/") else {
            throw program.error("fence_command must start with an absolute program path, not '\(program.text)'",
                                hint: "pgwarden runs it without a shell or PATH lookup; \(example)")
        }
        return FenceCommand(arguments: arguments.map(\.text), timeoutSeconds: timeout)
    }

    /// `host_names:` — DNS names only: an address in a certificate is a deliberate choice
    /// (`tls issue server --ip-san`), never something a list entry slips in.
    private static func readHostNames(_ node: YAMLMapping) throws(CoreError) -> [String] {
        guard let names = try node.stringSequence("host_names") else { return [] }
        var seen = Set<String>()
        for name in names {
            if IPAddressText.bytes(name.text) != nil {
                throw name.error("'\(name.text)' is an address, not a host name",
                                 hint: "addresses belong in host:; a certificate names them only with `pgwarden tls issue server --ip-san`")
            }
            guard DNSNameSyntax.isValid(name.text) else {
                throw name.error("'\(name.text)' is not a DNS host name",
                                 hint: "use letters, digits and hyphens in dot-separated labels, e.g. db1.plant-a.example")
            }
            guard seen.insert(name.text.lowercased()).inserted else {
                throw name.error("host name '\(name.text)' is listed twice", hint: "keep one of them")
            }
        }
        return names.map(\.text)
    }

    private static func readCertificateSettings(_ node: YAMLMapping, base: String, stateDirectory: String) throws(CoreError) -> CertificateSettings {
        try node.allowOnly(["ca_cert", "ca_key", "validity_days", "warning_days"])
        var settings = CertificateSettings(stateDirectory: stateDirectory)
        if let path = try node.string("ca_cert") { settings.caCertificate = PathResolution.resolve(path, against: base) }
        if let path = try node.string("ca_key") { settings.caKey = PathResolution.resolve(path, against: base) }
        if node.value("validity_days") != nil {
            settings.validityDays = try node.requiredInt("validity_days")
            guard (1...3650).contains(settings.validityDays) else {
                throw node.value("validity_days")?.error("validity_days \(settings.validityDays) is out of range", hint: "use 1 to 3650 days; 365 is usual") ?? node.error("bad validity_days")
            }
        }
        if node.value("warning_days") != nil {
            settings.warningDays = try node.requiredInt("warning_days")
            guard settings.warningDays >= 0 else {
                throw node.value("warning_days")?.error("warning_days cannot be negative", hint: "e.g. warning_days: 30") ?? node.error("bad warning_days")
            }
        }
        guard settings.warningDays < settings.validityDays else {
            throw (node.value("warning_days") ?? node.value("validity_days"))?.error(
                "warning_days (\(settings.warningDays)) must be shorter than validity_days (\(settings.validityDays))",
                hint: "otherwise every new certificate is already due for renewal") ?? node.error("bad warning_days")
        }
        return settings
    }

    private static func readServiceNode(_ node: YAMLMapping) throws(CoreError) -> ServiceNode {
        try node.allowOnly(["name", "address"])
        return ServiceNode(name: try node.requiredString("name"), address: try node.requiredString("address"))
    }

    private static func readService(_ node: YAMLMapping, base: String, nodeNames: Set<String>) throws(CoreError) -> ServiceSpec {
        try node.allowOnly(["name", "node", "profile", "file"])
        let nodeName = try node.requiredString("node")
        guard nodeNames.contains(nodeName) else {
            throw node.value("node")?.error("unknown service node '\(nodeName)'", hint: "declare it under service_nodes, or use one of: \(nodeNames.sorted().joined(separator: ", "))") ?? node.error("unknown node")
        }
        let profileName = try node.requiredString("profile")
        guard let profile = ServiceProfile.named(profileName) else {
            let known = ServiceProfile.builtIn.map(\.name).joined(separator: ", ")
            throw node.value("profile")?.error("unknown profile '\(profileName)'", hint: "built-in profiles: \(known)") ?? node.error("unknown profile")
        }
        return ServiceSpec(
            name: try node.string("name") ?? "\(nodeName)/\(profileName)",
            node: nodeName,
            profile: profile,
            file: PathResolution.resolve(try node.requiredString("file"), against: base)
        )
    }

    private static func readPolicy(_ node: YAMLMapping) throws(CoreError) -> Policy {
        try node.allowOnly(["password_encryption", "tls_min_version", "client_networks", "server_settings"])
        var policy = Policy()
        if let value = try node.string("password_encryption") {
            guard ["md5", "scram-sha-256"].contains(value) else {
                throw node.value("password_encryption")?.error("password_encryption '\(value)' is not md5 or scram-sha-256", hint: "use scram-sha-256") ?? node.error("bad value")
            }
            policy.passwordEncryption = value
        }
        if let value = try node.string("tls_min_version") {
            guard ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"].contains(value) else {
                throw node.value("tls_min_version")?.error("tls_min_version '\(value)' is not a TLS version PostgreSQL knows", hint: "use TLSv1.2 or TLSv1.3") ?? node.error("bad value")
            }
            policy.tlsMinimumVersion = value
        }
        if let networks = try node.stringSequence("client_networks") {
            for network in networks where !CIDRSyntax.isValid(network.text) {
                throw network.error("'\(network.text)' is not an address or CIDR network", hint: "write e.g. 10.0.4.0/24 or 10.0.4.17")
            }
            policy.clientNetworks = networks.map(\.text)
        }
        if let settings = try node.mapping("server_settings") {
            for (name, value) in try settings.stringPairs() {
                policy.serverSettings[name] = value.text
            }
        }
        return policy
    }

    /// Refuses a name used twice, pointing at the second item's `key` (its name, or for a
    /// service whose name was derived, its file line).
    private static func requireUnique(_ names: [String], items: [YAMLMapping], key: String, what: String) throws(CoreError) {
        var seen = Set<String>()
        for (index, name) in names.enumerated() where !seen.insert(name).inserted {
            let item = items[index]
            throw (item.value("name") ?? item.value(key))?.error("\(what) '\(name)' is listed twice", hint: "names must be unique; give each a distinct name")
                ?? item.error("\(what) '\(name)' is listed twice", hint: "names must be unique")
        }
    }
}

// MARK: - DNS name syntax

/// Syntax check for a DNS host name (RFC 1123 labels): what may go into a dNSName SAN.
enum DNSNameSyntax {
    static func isValid(_ text: String) -> Bool {
        var name = Substring(text)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" }
        }
    }
}

// MARK: - CIDR syntax

/// Syntax check for an IPv4/IPv6 address with an optional prefix length.
enum CIDRSyntax {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parts.first else { return false }
        let isV6 = address.contains(":")
        let maxPrefix = isV6 ? 128 : 32
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...maxPrefix).contains(prefix) else { return false }
        }
        if isV6 {
            return address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } && address.contains(":")
        }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            guard let value = Int(octet), octet.count <= 3 else { return false }
            return (0...255).contains(value)
        }
    }
}
