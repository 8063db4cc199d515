// MARK: - Writing a field in the driver's own spelling

extension ServiceConfig {
    /// Sets `field` of `entry` to `value`, written the way this file's driver spells it:
    /// `Ssl Mode=Require` (Devart), `SSL Mode=Require` (Npgsql), `"sslMode": "require"`,
    /// `"ssl": "true"` (a string where the file has a string), `"SSL": 1` (a number where the
    /// file has a number), `Security.Enable: true`, `--ssl=369098752`, `sslmode=require`.
    ///
    /// Only the value's bytes change; a missing key is added in the file's own style (missing
    /// JSON parent objects are created). Writing more than one host also sets the driver's
    /// "connect to the primary" attribute where it has one (Devart `Target Session=Primary`,
    /// Npgsql `Target Session Attributes=primary`, libpq `target_session_attrs=read-write`).
    /// Throws `.unsupported` when the entry's shape has no place for the field.
    public mutating func set(_ field: ConnectionField, _ value: ConnectionValue, in entryName: String) throws {
        let entry = try entry(named: entryName)
        guard supportedFields(of: entry).contains(field), field != .password else {
            throw unsupported(field, entry)
        }
        try Self.named(file) { try write(field, value, in: entry) }
    }

    /// Writes the password of `entry` exactly as given (a plaintext password from a prompt, or
    /// the text of a ``SealedSecret``). Never alters a Windows DPAPI value unless the caller
    /// passes `replacingWindowsProtected: true`.
    public mutating func setPassword(_ text: Secret, in entryName: String, replacingWindowsProtected: Bool = false) throws {
        let entry = try entry(named: entryName)
        guard supportedFields(of: entry).contains(.password) else { throw unsupported(.password, entry) }
        if !replacingWindowsProtected, case .windowsDPAPI = ConfigPasswordKind(value: try password(in: entryName)?.revealed) {
            throw CoreError(.invalid, "the password of '\(entry.name)' is protected by Windows (DPAPI)",
                            hint: "pgwarden does not alter Windows-protected values; replace it on the Windows node (or pass --replace-windows-protected)",
                            file: file)
        }
        try Self.named(file) { try writeRaw(.password, text.revealed, in: entry) }
    }

    /// Seals the plaintext password of `entry` in place with `key`, bound to this file and
    /// entry. Returns false (and changes nothing) when there is nothing to seal: no password,
    /// an empty one, one already sealed with this key, or a Windows DPAPI value.
    @discardableResult
    public mutating func sealPassword(in entryName: String, key: SealingKey) throws -> Bool {
        guard let current = try password(in: entryName) else { return false }
        switch ConfigPasswordKind(value: current.revealed) {
        case .absent, .empty, .windowsDPAPI, .sealed:
            return false
        case .plaintext:
            let sealed = try SealedSecret.seal(current, context: sealContext(for: entryName), key: key)
            try setPassword(Secret(sealed.text), in: entryName)
            return true
        }
    }

    /// Re-seals a password sealed with an older key (found in `keys` by its id) with `key`.
    /// Returns false when the value is not sealed or already sealed with `key`.
    @discardableResult
    public mutating func resealPassword(in entryName: String, with key: SealingKey, keys: [SealingKey]) throws -> Bool {
        guard let current = try password(in: entryName), case .sealed(let keyID) = ConfigPasswordKind(value: current.revealed),
              keyID != key.id
        else { return false }
        guard let old = keys.first(where: { $0.id == keyID }) else {
            throw CoreError(.crypto, "the password of '\(entryName)' in \(file ?? "the file") is sealed with key \(keyID), which is not available",
                            hint: "keep retired keys in the state directory's keys/ folder until every value is re-sealed", file: file)
        }
        let context = sealContext(for: entryName)
        let plain = try SealedSecret(parsing: current.revealed).open(context: context, key: old)
        let sealed = try SealedSecret.seal(plain, context: context, key: key)
        try setPassword(Secret(sealed.text), in: entryName)
        return true
    }

    // MARK: Per format

    private mutating func write(_ field: ConnectionField, _ value: ConnectionValue, in entry: Entry) throws {
        switch entry.location {
        case .connectionString(let name):
            guard case .dotnetConfig(var config) = document else { return }
            var string = try connectionString(name, in: config)
            try Self.setADO(field, value, in: &string, driver: profile.driver)
            try config.setConnectionString(name: name, value: string.render())
            document = .dotnetConfig(config)
        case .jsonObject(let path, let keys):
            guard case .json(var json) = document, let keyPath = keys[field] else { return }
            let fullPath = path + keyPath
            let current = json.value(at: JSONCPath(fullPath.map { .key($0) }))
            let newValue = try jsonValue(field, value, current: current, lastKey: keyPath.last ?? "", entry: entry)
            try Self.setJSON(newValue, at: fullPath, existingPrefix: path.count, in: &json)
            document = .json(json)
        case .iniSection(let section, let flag):
            guard case .ini(var ini) = document, field == .tlsOptions, case .tlsMinimum(let version) = value else {
                throw Self.mismatch(field, value)
            }
            var options = OpenSSLOptions(rawValue: 0)
            if let parameter = ini.parameter(flag, in: section), let current = parameter.value {
                do {
                    options = try OpenSSLOptions(parsing: current)
                } catch var error as CoreError {
                    // The value's own place in the file, not the start of the value.
                    error.position = parameter.valuePosition ?? TextPosition(line: parameter.line, column: 1)
                    error.message = "\(parameter.name)=\(current): \(error.message)"
                    throw error
                }
            }
            try ini.setParameter(flag, to: options.settingMinimum(version).description, in: section)
            document = .ini(ini)
        case .libpq:
            guard case .libpq(var string) = document else { return }
            try Self.setLibpq(field, value, in: &string)
            document = .libpq(string)
        }
    }

    /// Writes a field's text as is (the password path, where the text is already final).
    private mutating func writeRaw(_ field: ConnectionField, _ text: String, in entry: Entry) throws {
        switch entry.location {
        case .connectionString(let name):
            guard case .dotnetConfig(var config) = document, let key = DriverSpelling.adoKey(field, driver: profile.driver) else { return }
            var string = try connectionString(name, in: config)
            try string.set(key, to: text)
            try config.setConnectionString(name: name, value: string.render())
            document = .dotnetConfig(config)
        case .jsonObject(let path, let keys):
            guard case .json(var json) = document, let keyPath = keys[field] else { return }
            try Self.setJSON(.string(text), at: path + keyPath, existingPrefix: path.count, in: &json)
            document = .json(json)
        case .iniSection:
            throw unsupported(field, entry)
        case .libpq:
            guard case .libpq(var string) = document, let keyword = DriverSpelling.libpqKeyword(field) else { return }
            try string.set(keyword, to: text)
            document = .libpq(string)
        }
    }

    static func setADO(_ field: ConnectionField, _ value: ConnectionValue, in string: inout ADOConnectionString, driver: ServiceDriver) throws {
        guard let key = DriverSpelling.adoKey(field, driver: driver) else { throw mismatch(field, value) }
        // Keep the file's own spelling of a key that is already there.
        let written = string.pairs.last(where: { $0.key == key }).map { ADOConnectionString.Key($0.name) } ?? key
        switch (field, value) {
        case (.host, .hosts(let hosts)):
            guard !hosts.isEmpty else { throw mismatch(field, value) }
            if hosts.count == 1, let port = hosts[0].port {
                try string.set(written, to: hosts[0].name)
                try string.set(string.pairs.last(where: { $0.key == .port }).map { .init($0.name) } ?? .port, to: String(port))
            } else {
                try string.set(written, to: ConnectionHostList.join(hosts))
            }
            if hosts.count > 1 {
                let target = string.pairs.last(where: { $0.key == .targetSession }).map { ADOConnectionString.Key($0.name) }
                    ?? ADOConnectionString.Key(driver == .devart ? "Target Session" : "Target Session Attributes")
                try string.set(target, to: driver == .devart ? "Primary" : "primary")
            }
        case (.port, .port(let port)):
            try string.set(written, to: String(port))
        case (.sslMode, .sslMode(let mode)):
            try string.set(written, to: DriverSpelling.adoSSLMode(mode))
        case (.tlsProtocol, .tlsMinimum(let version)):
            guard let text = DriverSpelling.devartTLSProtocol(version) else {
                throw CoreError(.unsupported, "Devart's SSL TLS Protocol cannot pin \(version)",
                                hint: "Devart offers 1.0, 1.1 and 1.2; pin 1.2")
            }
            try string.set(written, to: text)
        case (.database, .text(let text)), (.user, .text(let text)), (.rootCertificate, .text(let text)),
             (.clientCertificate, .text(let text)), (.clientKey, .text(let text)):
            try string.set(written, to: text)
        default:
            throw mismatch(field, value)
        }
    }

    static func setLibpq(_ field: ConnectionField, _ value: ConnectionValue, in string: inout LibpqConnectionString) throws {
        guard let keyword = DriverSpelling.libpqKeyword(field) else { throw mismatch(field, value) }
        switch (field, value) {
        case (.host, .hosts(let hosts)):
            guard !hosts.isEmpty else { throw mismatch(field, value) }
            try string.setHosts(hosts)
            if hosts.count > 1 { try string.set("target_session_attrs", to: "read-write") }
        case (.port, .port(let port)):
            try string.set(keyword, to: String(port))
        case (.sslMode, .sslMode(let mode)):
            try string.set(keyword, to: mode.rawValue)
        case (.tlsProtocol, .tlsMinimum(let version)):
            try string.set(keyword, to: version.description)
        case (.database, .text(let text)), (.user, .text(let text)), (.rootCertificate, .text(let text)),
             (.clientCertificate, .text(let text)), (.clientKey, .text(let text)):
            try string.set(keyword, to: text)
        default:
            throw mismatch(field, value)
        }
    }

    /// The JSON value for a field, in the type the file already uses for it.
    private func jsonValue(_ field: ConnectionField, _ value: ConnectionValue, current: JSONCValue?, lastKey: String, entry: Entry) throws -> JSONCValue {
        switch (field, value) {
        case (.host, .hosts(let hosts)):
            guard !hosts.isEmpty else { throw Self.mismatch(field, value) }
            if hosts.count > 1 && profile.driver != .npgsql {
                throw CoreError(.unsupported, "\(profile.driver.rawValue) has no multi-host connections; '\(entry.name)' takes one host",
                                hint: "repoint it to the new primary instead (see DESIGN.md's driver table)", file: file)
            }
            if hosts.count == 1, hosts[0].port != nil { return .string(hosts[0].name) }
            return .string(ConnectionHostList.join(hosts))
        case (.port, .port(let port)):
            if case .string = current { return .string(String(port)) }
            return .number(JSONCNumber(port))
        case (.sslMode, .sslMode(let mode)):
            return .string(mode.rawValue)
        case (.sslEnabled, .switchedOn(let on)):
            switch current {
            case .string?: return .string(on ? "true" : "false")
            case .number?: return .number(JSONCNumber(on ? 1 : 0))
            case .bool?: return .bool(on)
            default:
                // Absent: the spelling the reference page uses for this key.
                if lastKey == "ssl" { return .string(on ? "true" : "false") }
                if lastKey == "SSL" { return .number(JSONCNumber(on ? 1 : 0)) }
                return .bool(on)
            }
        case (.database, .text(let text)), (.user, .text(let text)), (.rootCertificate, .text(let text)),
             (.clientCertificate, .text(let text)), (.clientKey, .text(let text)):
            return .string(text)
        default:
            throw Self.mismatch(field, value)
        }
    }

    /// Sets a value at a key path, creating missing objects below the first `existingPrefix`
    /// components (the entry's object, which must exist).
    static func setJSON(_ value: JSONCValue, at path: [String], existingPrefix: Int, in json: inout JSONCDocument) throws {
        func prefix(_ count: Int) -> JSONCPath { JSONCPath(path[..<count].map { .key($0) }) }
        var existing = existingPrefix
        while existing < path.count, json.node(at: prefix(existing + 1)) != nil { existing += 1 }
        if existing == path.count {
            try json.set(value, at: prefix(path.count))
            return
        }
        var nested = value
        for key in path[(existing + 1)...].reversed() {
            nested = .object([JSONCValue.Member(key, nested)])
        }
        try json.set(nested, at: prefix(existing + 1))
    }

    // MARK: Errors

    private func unsupported(_ field: ConnectionField, _ entry: Entry) -> CoreError {
        let fields = supportedFields(of: entry).map(\.rawValue).joined(separator: ", ")
        return CoreError(.unsupported, "'\(entry.name)' (\(profile.name), \(profile.driver.rawValue)) has no setting for \(field.rawValue)",
                         hint: "its settings are: \(fields)", file: file)
    }

    static func mismatch(_ field: ConnectionField, _ value: ConnectionValue) -> CoreError {
        CoreError(.invalid, "\(value) is not a value for \(field.rawValue)", hint: "this is a bug in the caller; please report it")
    }
}
