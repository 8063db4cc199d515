// MARK: - The site's sealed secret store

/// The site's own passwords (superuser, repository role, replication role), sealed with the
/// site key in one file that `warden.yaml` refers to as `store:NAME`:
///
///     # pgwarden sealed secret store: NAME SEALED-VALUE, one per line
///     postgres pgwarden:v1:1a2b3c4d:…
///
/// Each value is sealed for the context `secret-store#NAME`, so a value moved to another name
/// does not open. The file holds only ciphertext; it is still kept owner-only.
public struct SealedSecretStore: Sendable, Hashable {
    /// Name → sealed value, in file order.
    public private(set) var entries: [(name: String, value: SealedSecret)]

    public static func == (lhs: SealedSecretStore, rhs: SealedSecretStore) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries.map(\.name)) }

    public init() { entries = [] }

    /// Parses the store; errors carry line:column and never quote a value.
    public init(parsing text: String) throws {
        entries = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingCharacter("\r").trimmingBlanks
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            let position = TextPosition(line: index + 1, column: 1)
            guard words.count == 2 else {
                throw CoreError(.parse, "a store line is NAME SEALED-VALUE", hint: "set values with `pgwarden secret set NAME`", position: position)
            }
            let name = String(words[0])
            guard Self.isValidName(name) else {
                throw CoreError(.parse, "'\(name)' is not a secret name", hint: "names use letters, digits, '_', '-' and '.'", position: position)
            }
            guard !entries.contains(where: { $0.name == name }) else {
                throw CoreError(.invalid, "secret '\(name)' is stored twice", hint: "delete one of the lines", position: position)
            }
            do {
                entries.append((name, try SealedSecret(parsing: String(words[1]))))
            } catch var error as CoreError {
                error.position = position
                throw error
            }
        }
    }

    public func render() -> String {
        var lines = ["# pgwarden sealed secret store: NAME SEALED-VALUE, one per line (see `pgwarden secret`)"]
        lines += entries.map { "\($0.name) \($0.value.text)" }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func context(for name: String) -> String { "secret-store#\(name)" }

    public func sealed(_ name: String) -> SealedSecret? {
        entries.first { $0.name == name }?.value
    }

    /// Opens `name` with `key` (or a retired key that sealed it).
    public func open(_ name: String, keys: [SealingKey]) throws -> Secret {
        guard let sealed = sealed(name) else {
            throw CoreError(.notFound, "the secret store has no '\(name)'", hint: "add it with `pgwarden secret set \(name)`")
        }
        guard let key = keys.first(where: { $0.id == sealed.keyID }) else {
            throw CoreError(.crypto, "secret '\(name)' is sealed with key \(sealed.keyID), which is not available",
                            hint: "keep retired keys in the state directory's keys/ folder")
        }
        return try sealed.open(context: Self.context(for: name), key: key)
    }

    /// Seals `secret` under `name` with `key`, replacing any earlier value.
    public mutating func set(_ name: String, to secret: Secret, key: SealingKey) throws {
        guard Self.isValidName(name) else {
            throw CoreError(.invalid, "'\(name)' is not a secret name", hint: "names use letters, digits, '_', '-' and '.'")
        }
        let sealed = try SealedSecret.seal(secret, context: Self.context(for: name), key: key)
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index].value = sealed
        } else {
            entries.append((name, sealed))
        }
    }

    /// Re-seals every value not sealed with `key`. Returns how many changed.
    public mutating func reseal(with key: SealingKey, keys: [SealingKey]) throws -> Int {
        var changed = 0
        for index in entries.indices where entries[index].value.keyID != key.id {
            let name = entries[index].name
            let plain = try open(name, keys: keys)
            entries[index].value = try SealedSecret.seal(plain, context: Self.context(for: name), key: key)
            changed += 1
        }
        return changed
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
    }
}
