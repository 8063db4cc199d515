// MARK: - Reading an entry's settings

extension ServiceConfig {
    /// The settings of `entry` as uniform values (see ``ConnectionSettings``).
    public func settings(of entryName: String) throws -> ConnectionSettings {
        let entry = try entry(named: entryName)
        var settings = ConnectionSettings(entry: entry.name, driver: profile.driver, supportedFields: supportedFields(of: entry))
        // A connection string is parsed once for all its fields.
        var parsed: ADOConnectionString?
        if case .connectionString(let name) = entry.location, case .dotnetConfig(let config) = document {
            parsed = try Self.named(file) { try connectionString(name, in: config) }
        }
        for field in settings.supportedFields {
            let raw: String?
            if let parsed {
                raw = DriverSpelling.adoKey(field, driver: profile.driver).flatMap { parsed.value(for: $0) }
            } else {
                raw = try Self.named(file) { try rawValue(field, in: entry) }
            }
            if field == .password {
                settings.passwordKind = ConfigPasswordKind(value: raw)
                continue
            }
            guard let raw else { continue }
            settings.written[field] = raw
            Self.interpret(raw, as: field, into: &settings)
        }
        return settings
    }

    /// Every entry's settings, in file order.
    public func allSettings() throws -> [ConnectionSettings] {
        try entries.map { try settings(of: $0.name) }
    }

    /// The password of `entry` exactly as written (plaintext, a sealed value, or a DPAPI
    /// blob); nil when the entry has no password key.
    public func password(in entryName: String) throws -> Secret? {
        let entry = try entry(named: entryName)
        guard supportedFields(of: entry).contains(.password) else { return nil }
        return try Self.named(file) { try rawValue(.password, in: entry) }.map(Secret.init)
    }

    /// The password `entry` logs in with: a plaintext value as written, a sealed value opened
    /// with the key that sealed it (found in `keys` by its id). Nil when the entry has none,
    /// an empty one, or one protected by Windows (only that Windows account can open it).
    /// - Throws: `.crypto` when the sealing key is not in `keys` or the value does not open.
    public func openPassword(in entryName: String, keys: [SealingKey]) throws -> Secret? {
        guard let value = try password(in: entryName) else { return nil }
        switch ConfigPasswordKind(value: value.revealed) {
        case .plaintext:
            return value
        case .sealed(let keyID):
            guard let key = keys.first(where: { $0.id == keyID }) else {
                throw CoreError(.crypto, "the password of '\(entryName)' in \(file ?? "the file") is sealed with key \(keyID), which is not available",
                                hint: "use the site's key (pgwarden key init, or --key PATH)", file: file)
            }
            return try SealedSecret(parsing: value.revealed).open(context: sealContext(for: entryName), key: key)
        case .absent, .empty, .windowsDPAPI:
            return nil
        }
    }

    /// The context a sealed password of `entry` is bound to: the file and the entry, so a
    /// sealed value copied elsewhere does not open.
    public func sealContext(for entryName: String) -> String {
        "\(file ?? "")#\(entryName).password"
    }

    // MARK: Raw values

    /// A field's value as written (JSON numbers and booleans as spelled), or nil if absent.
    func rawValue(_ field: ConnectionField, in entry: Entry) throws -> String? {
        switch (entry.location, document) {
        case (.connectionString(let name), .dotnetConfig(let config)):
            guard let key = DriverSpelling.adoKey(field, driver: profile.driver) else { return nil }
            return try connectionString(name, in: config).value(for: key)
        case (.jsonObject(let path, let keys), .json(let json)):
            guard let keyPath = keys[field] else { return nil }
            guard let value = json.value(at: JSONCPath((path + keyPath).map { .key($0) })) else { return nil }
            switch value {
            case .string(let text): return text
            case .number(let number): return number.spelling
            case .bool(let bool): return bool ? "true" : "false"
            case .null: return nil
            case .object, .array: return nil
            }
        case (.iniSection(let section, let flag), .ini(let ini)):
            guard field == .tlsOptions else { return nil }
            return ini.parameter(flag, in: section)?.value
        case (.libpq, .libpq(let string)):
            guard let keyword = DriverSpelling.libpqKeyword(field) else { return nil }
            if field == .host {
                // Ports stay with their hosts only when they differ; a shared port is the port field.
                let hosts = try string.hosts().filter { !$0.name.isEmpty }
                guard !hosts.isEmpty else { return nil }
                let shared = Set(hosts.map(\.port)).count == 1
                return ConnectionHostList.join(shared ? hosts.map { ConnectionHostList.Host(name: $0.name) } : hosts)
            }
            return string.value(for: keyword)
        default:
            return nil
        }
    }

    /// The parsed connection string of `<add name=NAME>`; a syntax error points into the file.
    func connectionString(_ name: String, in config: DotNetConfigFile) throws -> ADOConnectionString {
        guard let entry = config.entry(named: name) else {
            throw CoreError(.notFound, "no connection string named '\(name)'", hint: "check the <add name=…> entries")
        }
        do {
            return try ADOConnectionString(parsing: entry.connectionString)
        } catch var error as CoreError {
            // The error's own place in the file, where the user's editor shows it.
            let inFile = error.position.flatMap { config.filePosition(of: $0, inConnectionStringOf: entry) }
            error.message = "connection string '\(name)': \(error.message)"
            error.position = inFile ?? entry.position
            throw error
        }
    }

    /// Fills the typed field from its written form; values the driver would not understand
    /// become problems instead of errors, so one odd value does not hide the rest.
    static func interpret(_ raw: String, as field: ConnectionField, into settings: inout ConnectionSettings) {
        func problem(_ what: String) { settings.problems.append("\(settings.entry): \(field.rawValue) '\(raw)' \(what)") }
        switch field {
        case .host:
            if let hosts = try? ConnectionHostList.split(raw) { settings.hosts = hosts } else { problem("is not a host list") }
        case .port:
            let first = raw.split(separator: ",").first.map(String.init) ?? raw
            if let port = Int(first.trimmingBlanks), (1...65535).contains(port) { settings.port = port } else { problem("is not a port") }
        case .database: settings.database = raw
        case .user: settings.user = raw
        case .password: settings.passwordKind = ConfigPasswordKind(value: raw)
        case .sslMode:
            if let mode = DriverSpelling.sslMode(raw) { settings.sslMode = mode } else { problem("is not an SSL mode") }
        case .sslEnabled:
            if let on = DriverSpelling.switchValue(raw) { settings.sslEnabled = on } else { problem("is not on or off") }
        case .tlsProtocol:
            if let version = DriverSpelling.tlsVersion(raw) { settings.tlsMinimum = version } else { problem("is not a TLS version") }
        case .tlsOptions:
            if let options = try? OpenSSLOptions(parsing: raw) {
                settings.tlsOptions = options
                settings.tlsMinimum = options.minimumVersion
            } else {
                problem("is not an OpenSSL options number")
            }
        case .rootCertificate: settings.rootCertificate = raw
        case .clientCertificate: settings.clientCertificate = raw
        case .clientKey: settings.clientKey = raw
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
