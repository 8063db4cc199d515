// MARK: - One change to a service config file, as a plan carries it

/// A change a plan step makes to one entry of a service file. It never holds a secret:
/// sealing is "seal the value that is there", done when the step is applied.
public enum ServiceEdit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Set a field to a value, in the driver's spelling.
    case set(entry: String, field: ConnectionField, value: ConnectionValue)
    /// Seal the entry's plaintext password with the site's key.
    case sealPassword(entry: String)
    /// Re-seal a password sealed with a retired key with the current key.
    case resealPassword(entry: String)
    /// Write the new password `role` gets in this run (a rotation), sealed with the site's
    /// key. The password is handed to the step at apply time; the plan names the role only.
    case setNewPassword(entry: String, role: String)

    public var entry: String {
        switch self {
        case .set(let entry, _, _), .sealPassword(let entry), .resealPassword(let entry), .setNewPassword(let entry, _): entry
        }
    }

    public var description: String {
        switch self {
        case .set(let entry, let field, let value): "\(entry): \(field.rawValue) = \(value)"
        case .sealPassword(let entry): "\(entry): seal the password"
        case .resealPassword(let entry): "\(entry): re-seal the password with the current key"
        case .setNewPassword(let entry, let role): "\(entry): the new password of \(role), sealed"
        }
    }
}

// MARK: - Applying and checking edits

extension ServiceConfig {
    /// Applies `edits` in order. Sealing needs `key`; re-sealing also needs the retired key
    /// that sealed the value (found by id in `retiredKeys`); a new password comes from
    /// `newPasswords` (role → password, given to this run only).
    public mutating func apply(_ edits: [ServiceEdit], key: SealingKey?, retiredKeys: [SealingKey] = [], newPasswords: [String: Secret] = [:]) throws {
        for edit in edits {
            switch edit {
            case .set(let entry, let field, let value):
                try set(field, value, in: entry)
            case .sealPassword(let entry):
                guard let key else { throw Self.noKey(file) }
                try sealPassword(in: entry, key: key)
            case .resealPassword(let entry):
                guard let key else { throw Self.noKey(file) }
                try resealPassword(in: entry, with: key, keys: retiredKeys)
            case .setNewPassword(let entry, let role):
                guard let key else { throw Self.noKey(file) }
                guard let password = newPasswords[role] else {
                    throw CoreError(.invalid, "no new password for \(role) was given to this run", hint: "run pgwarden password rotate \(role) again")
                }
                let sealed = try SealedSecret.seal(password, context: sealContext(for: entry), key: key)
                try setPassword(Secret(sealed.text), in: entry, replacingWindowsProtected: false)
            }
        }
    }

    /// The edits that do not hold in this file, described without secrets (empty when all
    /// hold). A sealed password holds when it is sealed with `key` and opens for its entry;
    /// a new password, when it also opens to the password in `newPasswords`.
    public func unmetEdits(_ edits: [ServiceEdit], key: SealingKey?, newPasswords: [String: Secret] = [:]) -> [String] {
        var unmet: [String] = []
        var read: [String: ConnectionSettings] = [:]
        for edit in edits {
            do {
                let settings = try read[edit.entry] ?? settings(of: edit.entry)
                read[edit.entry] = settings
                switch edit {
                case .set(_, let field, let value):
                    if !Self.holds(field, value, in: settings) { unmet.append("\(edit) does not hold") }
                case .sealPassword(let entry), .resealPassword(let entry):
                    guard let key, case .sealed(let keyID) = settings.passwordKind, keyID == key.id,
                          let text = try password(in: entry)?.revealed
                    else {
                        unmet.append("\(entry): the password is not sealed with the current key")
                        continue
                    }
                    _ = try SealedSecret(parsing: text).openBytes(context: sealContext(for: entry), key: key)
                case .setNewPassword(let entry, let role):
                    guard let key, case .sealed(let keyID) = settings.passwordKind, keyID == key.id,
                          let text = try password(in: entry)?.revealed,
                          let wanted = newPasswords[role],
                          try SealedSecret(parsing: text).open(context: sealContext(for: entry), key: key) == wanted
                    else {
                        unmet.append("\(entry): the password is not the new password of \(role), sealed with the current key")
                        continue
                    }
                }
            } catch {
                unmet.append("\(edit): \(error)")
            }
        }
        return unmet
    }

    static func holds(_ field: ConnectionField, _ value: ConnectionValue, in settings: ConnectionSettings) -> Bool {
        switch (field, value) {
        case (.host, .hosts(let hosts)):
            // A host without its own port uses the entry's port.
            guard settings.hosts.count == hosts.count else { return false }
            return zip(hosts, settings.hosts).allSatisfy { want, have in
                want.name == have.name && (want.port == nil || want.port == (have.port ?? settings.port))
            }
        case (.port, .port(let port)): return settings.port == port
        case (.sslMode, .sslMode(let mode)): return settings.sslMode == mode
        case (.sslEnabled, .switchedOn(let on)): return settings.sslEnabled == on
        case (.tlsProtocol, .tlsMinimum(let version)), (.tlsOptions, .tlsMinimum(let version)):
            return settings.tlsMinimum == version
        case (_, .text(let text)): return settings.written[field] == text
        default: return false
        }
    }

    static func noKey(_ file: String?) -> CoreError {
        CoreError(.invalid, "sealing passwords in \(file ?? "the file") needs the site's sealing key",
                  hint: "create one with `pgwarden key init`")
    }
}
