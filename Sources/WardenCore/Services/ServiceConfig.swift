// MARK: - A service's config file, seen through its profile

/// One service config file, opened with the ``ServiceProfile`` that says where its connection
/// settings are: the single place where "which key, which spelling, which format" is decided.
///
/// ```swift
/// var config = try ServiceConfig(text: text, profile: .repository, file: path)
/// let qsr = try config.settings(of: "QSR")          // uniform values, no secrets
/// try config.set(.sslMode, .sslMode(.require), in: "QSR")  // writes `Ssl Mode=Require;`
/// let newText = config.render()                     // only that value's bytes changed
/// ```
///
/// Pure and lossless: it wraps the lossless editors of `Formats/`, so an unedited config
/// renders byte for byte and an edit touches only the value it changes. Used by the audit
/// (reading), `pgwarden connstr` and the fleet-wide service changes (writing).
public struct ServiceConfig: Sendable, Hashable {
    /// The profile the file was opened with (synthesised by ``detect(text:file:)`` for files
    /// no built-in profile describes).
    public let profile: ServiceProfile
    /// The file's path as the caller named it: used in error messages and in the context a
    /// sealed password is bound to.
    public let file: String?
    /// The entries the file holds, in profile order (for services.conf: one per
    /// `[NAME.parameters]` section, named NAME).
    public private(set) var entries: [Entry]
    /// Entries the profile expects but the file does not have.
    public private(set) var missingEntries: [String]
    var document: Document

    /// One connection the file configures.
    public struct Entry: Sendable, Hashable {
        public let name: String
        let location: Place
    }

    /// Where an entry is, resolved against this file.
    enum Place: Sendable, Hashable {
        case connectionString(name: String)
        case jsonObject(path: [String], keys: [ConnectionField: [String]])
        case iniSection(section: String, flag: String)
        case libpq
    }

    /// The parsed file.
    enum Document: Sendable, Hashable {
        case dotnetConfig(DotNetConfigFile)
        case json(JSONCDocument)
        case ini(INIFile)
        case libpq(LibpqConnectionString)
    }

    // MARK: Opening

    /// Parses `text` in the profile's format. Throws `.parse`/`.invalid` errors that name
    /// `file` and the line:column of the problem.
    public init(text: String, profile: ServiceProfile, file: String? = nil) throws {
        self.profile = profile
        self.file = file
        let document = try Self.named(file) { try Self.parse(text, format: profile.format) }
        let resolved = try Self.named(file) { try Self.resolveEntries(profile, in: document) }
        self.document = document
        self.entries = resolved.0
        self.missingEntries = resolved.1
        if profile.format == .libpq { self.storedTrailer = Self.trimmingFinalNewline(text).trailer }
    }

    static func parse(_ text: String, format: ServiceFileFormat) throws -> Document {
        switch format {
        case .dotnetConfig: return .dotnetConfig(try DotNetConfigFile(parsing: text))
        case .json: return .json(try JSONCDocument(parsing: text))
        case .ini: return .ini(try INIFile(parsing: text))
        case .libpq: return .libpq(try LibpqConnectionString(parsing: Self.trimmingFinalNewline(text).body))
        }
    }

    /// The text, byte for byte as read plus the edits made.
    public func render() -> String {
        switch document {
        case .dotnetConfig(let file): return file.render()
        case .json(let document): return document.render()
        case .ini(let file): return file.render()
        case .libpq(let string): return string.render() + libpqTrailer
        }
    }

    /// The `.NET` connection-strings section is encrypted by Windows (a protection provider):
    /// its entries can be neither read nor written here.
    public var isWindowsProtected: Bool {
        if case .dotnetConfig(let file) = document { return file.connectionStrings?.isEncrypted ?? false }
        return false
    }

    public func entry(named name: String) throws -> Entry {
        if let entry = entries.first(where: { $0.name == name }) ?? entries.first(where: { $0.name.lowercased() == name.lowercased() }) {
            return entry
        }
        let known = entries.map(\.name).joined(separator: ", ")
        throw CoreError(.notFound, "\(file ?? "the file") has no entry '\(name)'",
                        hint: known.isEmpty ? "the file holds no connection settings pgwarden recognises" : "entries: \(known)",
                        file: file)
    }

    // MARK: Entries

    static func resolveEntries(_ profile: ServiceProfile, in document: Document) throws -> ([Entry], [String]) {
        var found: [Entry] = []
        var missing: [String] = []
        for entry in profile.entries {
            switch (entry.location, document) {
            case (.connectionString(let name), .dotnetConfig(let file)):
                if file.connectionStrings?.isEncrypted == true || file.entry(named: name) == nil {
                    missing.append(entry.name)
                } else {
                    found.append(Entry(name: entry.name, location: .connectionString(name: name)))
                }
            case (.jsonObject(let path, let keys), .json(let json)):
                if json.node(at: JSONCPath(path.map { .key($0) }))?.members != nil {
                    found.append(Entry(name: entry.name, location: .jsonObject(path: path, keys: keys)))
                } else {
                    missing.append(entry.name)
                }
            case (.iniParameters(let flag), .ini(let ini)):
                var seen: Set<String> = []
                for section in ini.sections {
                    guard let name = section.name, name.lowercased().hasSuffix(".parameters") else { continue }
                    let service = String(name.dropLast(".parameters".count))
                    guard seen.insert(service.lowercased()).inserted else { continue }
                    found.append(Entry(name: service, location: .iniSection(section: name, flag: flag)))
                }
            case (.libpqConnectionString, .libpq):
                found.append(Entry(name: entry.name, location: .libpq))
            default:
                throw CoreError(.invalid, "profile '\(profile.name)' describes entry '\(entry.name)' in another format than \(profile.format.rawValue)",
                                hint: "this is a bug in the profile catalogue")
            }
        }
        return (found, missing)
    }

    /// The fields an entry's shape has a place for.
    public func supportedFields(of entry: Entry) -> [ConnectionField] {
        switch entry.location {
        case .connectionString:
            return ConnectionField.allCases.filter { DriverSpelling.adoKey($0, driver: profile.driver) != nil }
        case .jsonObject(_, let keys):
            return ConnectionField.allCases.filter { keys[$0] != nil }
        case .iniSection:
            return [.tlsOptions]
        case .libpq:
            return ConnectionField.allCases.filter { DriverSpelling.libpqKeyword($0) != nil }
        }
    }

    // MARK: Errors name the file

    static func named<T>(_ file: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CoreError {
            guard let file, error.file == nil else { throw error }
            throw error.inFile(file)
        }
    }

    // MARK: libpq files end in a newline

    /// A libpq file is one line; its final newline is not part of the string.
    var libpqTrailer: String {
        guard case .libpq = document else { return "" }
        return storedTrailer
    }
    private(set) var storedTrailer: String = ""

    static func trimmingFinalNewline(_ text: String) -> (body: String, trailer: String) {
        var body = Substring(text)
        var trailer = ""
        while let last = body.unicodeScalars.last, last == "\n" || last == "\r" {
            trailer = String(last) + trailer
            body = Substring(body.unicodeScalars.dropLast())
        }
        return (String(body), trailer)
    }
}
