// MARK: - A .NET XML config file (Repository.exe.config), losslessly

/// The `<connectionStrings>` section of a .NET Framework `.config` file, read from and
/// edited in the file's original text.
///
/// ```xml
/// <configuration>
///   <connectionStrings>
///     <add name="QSR" connectionString="User ID=…;Host=db1;…" providerName="Devart.Data.PostgreSql" />
///   </connectionStrings>
/// </configuration>
/// ```
///
/// Reading gives each `<add>` with its connection string decoded from XML (entities and
/// character references resolved); `<remove>` and `<clear>` are kept and reported, and
/// ``entries`` applies them the way .NET does. Editing splices a re-escaped attribute value into
/// the exact bytes of the old one, or inserts a new `<add … />` line written like its siblings;
/// every other byte (declaration, comments, BOM, CRLF, indentation) stays as it was.
/// The connection string's own syntax (`Key=Value;…`) is not this type's business.
public struct DotNetConfigFile: Sendable, Hashable {
    /// The file's UTF-8 text, exactly as given (edits included).
    private(set) var bytes: [UInt8]
    /// Every element of the file, in document order.
    let elements: [XMLMarkupScanner.Element]
    /// The `<connectionStrings>` section; nil when the file has none.
    public let connectionStrings: ConnectionStrings?

    // MARK: Model

    /// One `<add name="…" connectionString="…" providerName="…" />`.
    public struct Entry: Sendable, Hashable {
        public let name: String
        /// The connection string as .NET reads it (XML references resolved). May hold a secret.
        public let connectionString: String
        public let providerName: String?
        /// Where the `<add` starts.
        public let position: TextPosition
        /// Index of the `<add>` in the file's element list.
        let element: Int
    }

    /// A child of `<connectionStrings>`, in file order.
    public enum Item: Sendable, Hashable {
        case add(Entry)
        case remove(name: String, position: TextPosition)
        case clear(position: TextPosition)
    }

    /// The `<connectionStrings>` section.
    public struct ConnectionStrings: Sendable, Hashable {
        /// Every `<add>`, `<remove>` and `<clear>`, in file order.
        public let items: [Item]
        /// The entries in effect after this file's `<clear/>` and `<remove/>`, in file order
        /// (entries inherited from machine.config are not known here).
        public let entries: [Entry]
        public let position: TextPosition
        /// `configSource="…"`: the entries live in that file, not in this one.
        public let configSource: String?
        /// `configProtectionProvider="…"` (e.g. `DataProtectionConfigurationProvider`).
        public let protectionProvider: String?
        /// The section is encrypted (a protection provider or an `<EncryptedData>` child):
        /// its entries cannot be read or written here.
        public let isEncrypted: Bool
        /// Index of the section in the file's element list, and of its items.
        let element: Int
        let itemElements: [Int]
    }

    // MARK: Reading

    /// Parses `text`. Throws `.parse` for XML a .NET reader would refuse (with line:column) and
    /// `.invalid` for a section .NET would refuse (duplicate names, `<add>` without a name).
    public init(parsing text: String) throws(CoreError) {
        try self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) throws(CoreError) {
        let elements = try XMLMarkupScanner.scan(bytes)
        self.bytes = bytes
        self.elements = elements
        if let section = try Self.sectionIndex(in: elements) {
            self.connectionStrings = try Self.readSection(at: section, in: elements)
        } else {
            self.connectionStrings = nil
        }
    }

    /// The file's text: identical to the parsed text until an edit, and after an edit different
    /// only in the bytes that edit changed.
    public func render() -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The entries in effect (after `<clear/>` and `<remove/>`).
    public var entries: [Entry] {
        connectionStrings?.entries ?? []
    }

    /// The entry in effect named `name`; names compare case-insensitively, as in .NET.
    public func entry(named name: String) -> Entry? {
        entries.last { Self.sameName($0.name, name) }
    }

    static func sameName(_ left: String, _ right: String) -> Bool {
        left.lowercased() == right.lowercased()
    }

    /// The section under `<configuration>`, or the root itself in a `configSource` file.
    private static func sectionIndex(in elements: [XMLMarkupScanner.Element]) throws(CoreError) -> Int? {
        guard let root = elements.first else { return nil }
        switch root.name {
        case "connectionStrings":
            return 0
        case "configuration":
            let sections = elements.indices.filter {
                elements[$0].parent == 0 && elements[$0].name == "connectionStrings"
            }
            if sections.count > 1 {
                throw CoreError(
                    .invalid,
                    "a second <connectionStrings> section (the first is at \(elements[sections[0]].position))",
                    hint: ".NET refuses a section that appears twice; merge them into one",
                    position: elements[sections[1]].position)
            }
            return sections.first
        default:
            throw CoreError(
                .invalid, "the root element is <\(root.name)>, not <configuration>",
                hint: "is this a .NET .config file?", position: root.position)
        }
    }

    private static func readSection(
        at section: Int, in elements: [XMLMarkupScanner.Element]
    ) throws(CoreError) -> ConnectionStrings {
        var items: [Item] = []
        var itemElements: [Int] = []
        var effective: [Entry] = []
        let element = elements[section]
        var encrypted = element.attribute("configProtectionProvider") != nil
        for child in elements.indices where elements[child].parent == section {
            let item = elements[child]
            switch item.name {
            case "add":
                guard let name = item.attribute("name")?.value else {
                    throw CoreError(
                        .invalid, "an <add> without a name attribute",
                        hint: "every connection string needs name=\"…\"", position: item.position)
                }
                guard let connectionString = item.attribute("connectionString")?.value else {
                    throw CoreError(
                        .invalid, "<add name=\"\(name)\"> has no connectionString attribute",
                        hint: "add connectionString=\"…\"; .NET requires it", position: item.position)
                }
                if let first = effective.first(where: { sameName($0.name, name) }) {
                    throw CoreError(
                        .invalid, "a second entry named \"\(name)\" (the first is at \(first.position))",
                        hint: ".NET refuses this file; delete one, "
                            + "or put <remove name=\"\(name)\" /> before the second",
                        position: item.position)
                }
                let entry = Entry(
                    name: name, connectionString: connectionString, providerName: item.attribute("providerName")?.value,
                    position: item.position, element: child)
                effective.append(entry)
                items.append(.add(entry))
                itemElements.append(child)
            case "remove":
                guard let name = item.attribute("name")?.value else {
                    throw CoreError(
                        .invalid, "a <remove> without a name attribute", hint: "write <remove name=\"…\" />",
                        position: item.position)
                }
                effective.removeAll { sameName($0.name, name) }
                items.append(.remove(name: name, position: item.position))
                itemElements.append(child)
            case "clear":
                effective.removeAll()
                items.append(.clear(position: item.position))
                itemElements.append(child)
            case "EncryptedData":
                encrypted = true
            default:
                break
            }
        }
        return ConnectionStrings(
            items: items, entries: effective, position: element.position,
            configSource: element.attribute("configSource")?.value,
            protectionProvider: element.attribute("configProtectionProvider")?.value, isEncrypted: encrypted,
            element: section, itemElements: itemElements)
    }
}

// MARK: - Positions inside a connection string

extension DotNetConfigFile {
    /// Where `position` — a line and column of `entry`'s connection string as .NET reads it —
    /// is in this file, so an error inside the string points where the user's editor shows
    /// it (references such as `&quot;` take more columns in the file than in the string).
    /// Nil when the entry is not this file's.
    public func filePosition(of position: TextPosition, inConnectionStringOf entry: Entry) -> TextPosition? {
        guard elements.indices.contains(entry.element),
              let attribute = elements[entry.element].attribute("connectionString") else { return nil }
        var line = 1
        var column = 1
        var index = 0
        for scalar in entry.connectionString.unicodeScalars {
            if line > position.line || (line == position.line && column >= position.column) { break }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            index += 1
        }
        let offset = XMLAttributeText.rawOffset(ofScalar: index, in: bytes, attribute.valueRange)
        return UTF8PositionTable(bytes).position(of: offset)
    }
}
