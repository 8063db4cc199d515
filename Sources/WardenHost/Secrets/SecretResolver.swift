import Foundation
import WardenCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Reading a secret from where the inventory says it is

/// Turns a ``SecretReference`` into the secret's value.
///
/// A `file:` secret is refused unless only its owner can read it: a password file that
/// the whole machine can read is a stored password in plain sight, the very thing the
/// reference page warns about.
public struct SecretResolver: Sendable {
    private let environment: [String: String]
    /// Where `store:` references are looked up; nil until an inventory's state directory is known.
    public var store: SecretStoreFile?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, store: SecretStoreFile? = nil) {
        self.environment = environment
        self.store = store
    }

    /// The secret, without a trailing newline (files written by editors usually end in one).
    public func resolve(_ reference: SecretReference, role: String) throws(HostError) -> Secret {
        switch reference {
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw HostError.posix("read the secret for '\(role)' from", path, errno: errno, hint: "create it with mode 0600, or point secrets.\(role) at another file")
            }
            guard info.st_mode & 0o077 == 0 else {
                let mode = String(info.st_mode & 0o777, radix: 8)
                throw HostError(.secret, "secret file \(path) for '\(role)' is readable by others (mode \(mode))", hint: "run: chmod 600 \(path)")
            }
            let text = Self.withoutFinalLineBreaks(try AtomicFile.readText(path))
            guard !text.isEmpty else {
                throw HostError(.secret, "secret file \(path) for '\(role)' is empty", hint: "put the password in it (one line)")
            }
            return Secret(text)
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw HostError(.secret, "environment variable \(name) (secret for '\(role)') is not set", hint: "export \(name) before running pgwarden, or use a file: reference")
            }
            return Secret(value)
        case .store(let name):
            guard let store else {
                throw HostError(.secret, "the secret for '\(role)' is in the sealed store, but no store is configured", hint: "run pgwarden with an inventory (its state directory holds the store)")
            }
            return try store.open(name, role: role)
        }
    }

    /// A secret file's text without the line break(s) editors put at its end.
    public static func withoutFinalLineBreaks(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
