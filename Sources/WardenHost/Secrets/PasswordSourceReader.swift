import WardenCore

// MARK: - Reading a password from where a plan says it is

/// Turns a ``PasswordSource`` into the password, at the moment a step needs it: the
/// inventory's secret, a service entry's password (sealed values opened with the site key),
/// or the password given to this run (held in memory, never written to a plan).
public struct PasswordSourceReader: Sendable {
    public let inventory: Inventory
    public let secrets: SecretResolver
    public let keyFile: SealingKeyFile
    /// Role → the new password of this run (`password set|rotate`).
    public let thisRun: [String: Secret]

    public init(inventory: Inventory, secrets: SecretResolver, keyFile: SealingKeyFile, thisRun: [String: Secret] = [:]) {
        self.inventory = inventory
        self.secrets = secrets
        self.keyFile = keyFile
        self.thisRun = thisRun
    }

    public func read(_ source: PasswordSource) throws -> Secret {
        guard let password = try readAll([source])[source] else {
            throw HostError(.secret, "no password at \(source)")
        }
        return password
    }

    /// Every source's password; each service file is read and the key loaded once.
    /// - Throws: the first source that cannot be read, naming it (never a value).
    public func readAll(_ sources: [PasswordSource]) throws -> [PasswordSource: Secret] {
        var result: [PasswordSource: Secret] = [:]
        var configs: [String: ServiceConfig] = [:]
        var keys: [SealingKey]?
        for source in Set(sources) {
            switch source {
            case .inventorySecret(let role):
                guard let reference = inventory.secrets[role] else {
                    throw HostError(.secret, "the inventory no longer has a secret for \(role)", hint: "add `\(role): file:PATH` (or store:NAME) under secrets: in warden.yaml")
                }
                result[source] = try secrets.resolve(reference, role: role)
            case .consumer(let serviceName, let entry):
                guard let service = inventory.services.first(where: { $0.name == serviceName }) else {
                    throw HostError(.secret, "the inventory no longer lists service \(serviceName)", hint: "plan again")
                }
                let config: ServiceConfig
                if let cached = configs[service.file] {
                    config = cached
                } else {
                    config = try ServiceConfig(text: try AtomicFile.readText(service.file), profile: service.profile, file: service.file)
                    configs[service.file] = config
                }
                let settings = try config.settings(of: entry)
                if case .sealed = settings.passwordKind, keys == nil {
                    keys = [try keyFile.load()] + (try keyFile.retiredKeys())
                }
                guard let password = try config.openPassword(in: entry, keys: keys ?? []) else {
                    throw HostError(.secret, "service \(serviceName) entry \(entry) holds no password pgwarden can read (\(settings.passwordKind.summary))",
                                    hint: "plan again; the file changed since the plan was made")
                }
                result[source] = password
            case .replacedCopy(let reference, let sha256):
                result[source] = try readBackup(of: reference, sha256: sha256, keys: &keys)
            case .thisRun(let role):
                guard let password = thisRun[role] else {
                    throw HostError(.secret, "the new password of \(role) was given to another pgwarden run and is not known here",
                                    hint: "it is kept where that run wrote it (the secret store or the service configs)")
                }
                result[source] = password
            }
        }
        return result
    }

    /// The password in the backup ``PasswordCopyStep`` made of `reference` before replacing it.
    private func readBackup(of reference: String, sha256: String, keys: inout [SealingKey]?) throws -> Secret {
        let path = AtomicFile.backupPath(stateDirectory: inventory.stateDirectory, kind: PasswordCopyStep.backupKind, sha256: sha256)
        let bytes = try BackupVault(stateDirectory: inventory.stateDirectory, keyFile: keyFile).read(path)
        guard FileDigest.sha256(bytes) == sha256, let text = String(validating: bytes, as: UTF8.self) else {
            throw HostError(.secret, "the backup \(path) of \(reference) is not the file pgwarden replaced", hint: "restore the password by hand")
        }
        if reference.hasPrefix("store:") {
            if keys == nil { keys = [try keyFile.load()] + (try keyFile.retiredKeys()) }
            return try SealedSecretStore(parsing: text).open(String(reference.dropFirst("store:".count)), keys: keys ?? [])
        }
        return Secret(SecretResolver.withoutFinalLineBreaks(text))
    }
}
