// MARK: - Where an entry's settings are written

extension ServiceConfig {
    /// Where `field` of `entry` is written in the file, or where the entry itself is (`field`
    /// nil, or a field the file does not set): the position evidence and SARIF point at.
    ///
    /// - .NET config: the `<add>` element (positions inside a connection string are relative
    ///   to the attribute, which an editor cannot jump to).
    /// - appsettings.json: the field's value, else the entry's object.
    /// - services.conf: the `--ssl=` line of the section, else its `[NAME.parameters]` header
    ///   (column 1).
    /// - libpq file: the start of the string.
    public func position(of field: ConnectionField? = nil, in entryName: String) throws -> TextPosition {
        let entry = try entry(named: entryName)
        switch (entry.location, document) {
        case (.connectionString(let name), .dotnetConfig(let config)):
            if let add = config.entry(named: name) { return add.position }
        case (.jsonObject(let path, let keys), .json(let json)):
            if let field, let keyPath = keys[field], let node = json.node(at: JSONCPath((path + keyPath).map { .key($0) })) {
                return node.position
            }
            if let object = json.node(at: JSONCPath(path.map { .key($0) })) { return object.position }
        case (.iniSection(let section, let flag), .ini(let ini)):
            if field == .tlsOptions, let parameter = ini.parameter(flag, in: section) {
                return TextPosition(line: parameter.line, column: 1)
            }
            if let header = ini.sections.first(where: { $0.name == section }) {
                return TextPosition(line: header.headerLine, column: 1)
            }
        default:
            break
        }
        return TextPosition(line: 1, column: 1)
    }

    /// How the file spells `field`'s key for `entry` — as written when the file sets it
    /// (`Ssl Mode`, `Security.Mode`, `sslmode`, `--ssl`), else as pgwarden would add it; nil
    /// when the entry's shape has no place for it. With `field` nil: the entry's own name as
    /// written (`QSR`, `Postgres`, `resource-distribution.parameters`).
    public func spelling(of field: ConnectionField?, in entryName: String) throws -> String? {
        let entry = try entry(named: entryName)
        switch entry.location {
        case .connectionString(let name):
            guard let field else { return name }
            guard let key = DriverSpelling.adoKey(field, driver: profile.driver) else { return nil }
            if case .dotnetConfig(let config) = document,
               let pair = try Self.named(file, { try connectionString(name, in: config) }).pairs.last(where: { $0.key == key }) {
                return pair.name
            }
            return key.name
        case .jsonObject(let path, let keys):
            guard let field else { return path.joined(separator: ".") }
            return keys[field]?.joined(separator: ".")
        case .iniSection(let section, let flag):
            guard let field else { return section }
            return field == .tlsOptions ? flag : nil
        case .libpq:
            guard let field else { return entry.name }
            return DriverSpelling.libpqKeyword(field)
        }
    }
}
