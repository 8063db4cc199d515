// MARK: - Where a secret is kept

/// A pointer to a secret, never the secret itself: inventories are shared and
/// committed, so they hold only references.
///
/// - `file:PATH` — a file readable by its owner only (refused otherwise when read).
/// - `env:NAME` — an environment variable of the pgwarden process.
/// - `store:NAME` — a value in the site's sealed secret store (``SealedSecretStore``), opened
///   with the site's sealing key.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    case file(path: String)
    case environment(name: String)
    case store(name: String)

    /// Parses `file:PATH` or `env:NAME`; a relative path resolves against `baseDirectory`.
    public static func parse(_ text: String, baseDirectory: String) throws(CoreError) -> SecretReference {
        if text.hasPrefix("file:") {
            let path = String(text.dropFirst("file:".count))
            guard !path.isEmpty else {
                throw CoreError(.invalid, "secret reference 'file:' names no file", hint: "write file:PATH, e.g. file:secrets/postgres.password")
            }
            return .file(path: PathResolution.resolve(path, against: baseDirectory))
        }
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst("env:".count))
            guard let first = name.unicodeScalars.first,
                  first == "_" || first.isASCIILetter,
                  name.unicodeScalars.allSatisfy({ $0 == "_" || $0.isASCIILetter || ("0"..."9").contains($0) })
            else {
                throw CoreError(.invalid, "secret reference '\(text)' is not a valid environment variable name", hint: "write env:NAME with letters, digits and underscores")
            }
            return .environment(name: name)
        }
        if text.hasPrefix("store:") {
            let name = String(text.dropFirst("store:".count))
            guard SealedSecretStore.isValidName(name) else {
                throw CoreError(.invalid, "secret reference '\(text)' names no valid store entry", hint: "write store:NAME with letters, digits, '_', '-' and '.'")
            }
            return .store(name: name)
        }
        throw CoreError(.invalid, "secret reference must start with 'file:', 'env:' or 'store:'", hint: "write file:PATH (owner-only file), env:NAME or store:NAME; never the password itself")
    }

    public var description: String {
        switch self {
        case .file(let path): "file:\(path)"
        case .environment(let name): "env:\(name)"
        case .store(let name): "store:\(name)"
        }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

// MARK: - Paths

/// Path arithmetic without touching the file system (the core does no I/O).
public enum PathResolution {
    /// `path` if absolute, else `base/path`, with `.` and `..` segments folded.
    public static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The folder part of a path (`/a/b/c.yaml` → `/a/b`).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
