import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Files as facts

/// Reads the files an audit looks at — every service config of the inventory, the stored
/// password files, a server's key and certificate — into facts. Only reads: nothing is
/// opened for writing, no mode or owner is changed.
///
/// A file that is missing, unreadable or malformed becomes a fact with a problem (and
/// file:line:col where the parser gave one); the collection goes on.
public enum FileFactsCollector {
    /// Facts for every service config in `inventory`.
    public static func services(of inventory: Inventory) -> [ServiceConfigFacts] {
        inventory.services.map { service(spec: $0, base: inventory.baseDirectory) }
    }

    /// Facts for one service config.
    public static func service(spec: ServiceSpec, base: String) -> ServiceConfigFacts {
        let shown = displayPath(spec.file, base: base)
        let text: String
        do {
            text = try AtomicFile.readText(spec.file)
        } catch {
            return ServiceConfigFacts(
                name: spec.name, node: spec.node, profile: spec.profile.name, driver: spec.profile.driver, file: shown,
                problem: FileProblem(location: FileLocation(file: shown), message: error.message))
        }
        var facts = ServiceConfigReader.read(text, spec: spec, displayPath: shown)
        let folder = (spec.file as NSString).deletingLastPathComponent
        for index in facts.connections.indices {
            facts.connections[index].rootCertificateFile = facts.connections[index].rootCertificate.flatMap { readableFile($0, relativeTo: folder) }
        }
        return facts
    }

    /// `path` as this machine would open it (relative to `folder` unless absolute), when it
    /// is a file we can read; nil for Windows paths (`C:\…`) and anything unreadable.
    static func readableFile(_ path: String, relativeTo folder: String) -> String? {
        guard !path.isEmpty, !path.contains("\\"), !(path.count > 1 && path.dropFirst().first == ":") else { return nil }
        let resolved = path.hasPrefix("/") ? path : folder + "/" + path
        var info = stat()
        guard stat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(resolved, R_OK) == 0 else { return nil }
        return resolved
    }

    /// Facts for every stored-password file in `inventory` (passwords are never kept).
    public static func storedPasswordFiles(of inventory: Inventory) -> [PasswordFileFacts] {
        inventory.storedPasswordFiles.map { stored in
            let shown = displayPath(stored.file, base: inventory.baseDirectory)
            var file = fileFact(purpose: "pgpass", path: stored.file)
            file.path = shown
            guard file.exists else { return PasswordFileFacts(node: stored.node, file: file) }
            let text: String
            do { text = try AtomicFile.readText(stored.file) } catch {
                file.problem = "\(error)"
                return PasswordFileFacts(node: stored.node, file: file)
            }
            let parsed = PGPassFile(parsing: text)
            let entries = parsed.entries.filter { !$0.password.isEmpty }.map {
                StoredPasswordFact(line: $0.line, host: fieldText($0.host), port: fieldText($0.port), database: fieldText($0.database), user: fieldText($0.user))
            }
            let warnings = parsed.warnings.map {
                FileProblem(location: FileLocation(file: shown, line: $0.position?.line, column: $0.position?.column), message: $0.message)
            }
            return PasswordFileFacts(node: stored.node, file: file, entries: entries, warnings: warnings)
        }
    }

    private static func fieldText(_ field: PGPassFile.Field) -> String {
        switch field {
        case .any: "*"
        case .exactly(let value): value
        }
    }

    /// Existence, mode and owner of `path` (stat: a symlink is reported as what it points to,
    /// which is what a reader of the file gets).
    public static func fileFact(purpose: String, path: String) -> FileFact {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return FileFact(purpose: purpose, path: path, exists: false) }
            return FileFact(purpose: purpose, path: path, exists: false, problem: String(cString: strerror(code)))
        }
        return FileFact(purpose: purpose, path: path, exists: true, mode: Int(info.st_mode & 0o7777), owner: OSAccount.owner(of: path))
    }

    /// `path` relative to the inventory's folder when it is inside it (shorter evidence,
    /// stable SARIF locations), else as given.
    public static func displayPath(_ path: String, base: String) -> String {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
