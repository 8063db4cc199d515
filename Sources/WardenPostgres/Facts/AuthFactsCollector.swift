import WardenCore
import WardenHost

// MARK: - The facts the auth planner needs

/// Collects ``AuthFacts``: roles and their verifiers from the primary's `pg_authid` (the
/// verifiers stay in this collector's memory: only their kinds go into the facts), role
/// memberships, each node's password_encryption and pg_hba.conf, every copy of a password
/// the site keeps (inventory secrets, service configs) matched against the verifiers, and
/// the stored password files.
///
/// Needs a superuser session to the primary (pg_authid); a wrong superuser password fails
/// here, before anything is planned, let alone changed.
public struct AuthFactsCollector: Sendable {
    public let access: SiteAccess
    public let keyFile: SealingKeyFile

    public init(access: SiteAccess, keyFile: SealingKeyFile? = nil) {
        self.access = access
        self.keyFile = keyFile ?? .default(stateDirectory: access.inventory.stateDirectory)
    }

    public func collect() async throws -> AuthFacts {
        let inventory = access.inventory
        guard let primary = inventory.primary else {
            throw CoreError(.invalid, "the inventory names no primary database node", hint: "give one database node role: primary")
        }
        var notes: [String] = []
        let (roles, verifiers) = try await Self.roles(access, on: primary)

        var nodes: [AuthFacts.Node] = []
        for node in inventory.databaseNodes where node.role != .fenced {
            do {
                nodes.append(try await collectNode(node, isPrimary: node.name == primary.name, notes: &notes))
            } catch {
                // The primary must be read; a standby that cannot be reached is left as it is.
                if node.name == primary.name { throw error }
                notes.append("\(node.name): not reached (\(error)); its pg_hba.conf and settings are not planned")
            }
        }

        let copies = Self.copies(inventory, secrets: access.secrets, keyFile: keyFile, notes: &notes)
        let matched = KnownPasswords.match(verifiers: verifiers, copies: copies.copies)
        var consumers: [ConsumerEntry] = []
        for source in matched.matching {
            guard case .consumer(let service, let entry) = source, let login = copies.consumers[source] else { continue }
            consumers.append(ConsumerEntry(service: service, entry: entry, role: login.role, database: login.database))
        }
        for stale in matched.stale {
            switch stale.source {
            case .consumer(let service, let entry):
                notes.append("service \(service) \(entry): its password for \(stale.role) does not match the server's verifier (it cannot log in today); not used")
            case .inventorySecret:
                notes.append("secrets.\(stale.role) of the inventory does not match the server's verifier for \(stale.role); not used")
            case .thisRun, .replacedCopy:
                break
            }
        }
        return AuthFacts(site: inventory.site, roles: roles, nodes: nodes, knownPasswords: matched.known, consumers: consumers,
                         servicesByRole: copies.servicesByRole, storedPasswordFiles: storedPasswordFiles(&notes), notes: notes)
    }

    // MARK: Database

    /// Every role (kind of verifier and memberships) and, separately, `rolname → rolpassword`,
    /// which must not leave the caller's memory.
    static func roles(_ access: SiteAccess, on node: DatabaseNode) async throws -> ([AuthFacts.Role], [String: String?]) {
        try await access.withSuperuser(on: node) { session in
            let rows = try await session.rows("SELECT rolname, rolcanlogin::text, rolsuper::text, rolpassword FROM pg_authid ORDER BY rolname")
            let groups = try await RoleMembershipQuery.memberships(session)
            var roles: [AuthFacts.Role] = []
            var verifiers: [String: String?] = [:]
            for row in rows where row.count == 4 {
                guard let name = row[0] else { continue }
                verifiers[name] = .some(row[3])
                roles.append(AuthFacts.Role(name: name, canLogin: row[1] == "true", isSuperuser: row[2] == "true",
                                            verifier: PasswordFact(RolePasswordKind(rolpassword: row[3])), memberships: groups[name] ?? []))
            }
            return (roles, verifiers)
        }
    }

    private func collectNode(_ node: DatabaseNode, isPrimary: Bool, notes: inout [String]) async throws -> AuthFacts.Node {
        let (encryption, hbaPath) = try await access.withSuperuser(on: node) { session in
            (try await session.value("SHOW password_encryption") ?? "md5", try await session.value("SHOW hba_file"))
        }
        var hba: HBAFileSnapshot?
        if let hbaPath, node.access == .local {
            do {
                // A file that does not parse is refused, never planned around.
                hba = try HBAFileSnapshot.requireParsable(try AtomicFile.read(hbaPath), path: hbaPath, node: node.name)
            } catch let error as CoreError {
                throw error
            } catch {
                notes.append("\(node.name): cannot read \(hbaPath) (\(error)); pg_hba.conf is not planned")
            }
        }
        return AuthFacts.Node(name: node.name, isPrimary: isPrimary, passwordEncryption: encryption, hba: hba)
    }

    // MARK: Copies of passwords

    struct Copies {
        var copies: [KnownPasswords.Copy] = []
        /// Each consumer copy's role and database.
        var consumers: [PasswordSource: (role: String, database: String?)] = [:]
        var servicesByRole: [String: [String]] = [:]
    }

    /// Every copy of a password the site keeps: inventory secrets first (the inventory is
    /// what the user vouches for), then each service entry's password.
    static func copies(_ inventory: Inventory, secrets resolver: SecretResolver, keyFile: SealingKeyFile, notes: inout [String]) -> Copies {
        var result = Copies()
        for role in inventory.secrets.keys.sorted() {
            guard let reference = inventory.secrets[role] else { continue }
            do {
                result.copies.append(KnownPasswords.Copy(role: role, source: .inventorySecret(role: role), password: try resolver.resolve(reference, role: role)))
            } catch {
                notes.append("secrets.\(role) cannot be read (\(error)); not used")
            }
        }
        let keys = keyFile.exists ? ((try? [keyFile.load()] + keyFile.retiredKeys()) ?? []) : []
        for service in inventory.services {
            let config: ServiceConfig
            do {
                config = try ServiceConfig(text: try AtomicFile.readText(service.file), profile: service.profile, file: service.file)
            } catch {
                notes.append("service \(service.name): \(error); its password is not used")
                continue
            }
            for entry in config.entries {
                guard let settings = try? config.settings(of: entry.name), let user = settings.user,
                      settings.supportedFields.contains(.password) else { continue }
                if !(result.servicesByRole[user] ?? []).contains(service.name) { result.servicesByRole[user, default: []].append(service.name) }
                let source = PasswordSource.consumer(service: service.name, entry: entry.name)
                do {
                    guard let password = try config.openPassword(in: entry.name, keys: keys) else {
                        if case .windowsDPAPI = settings.passwordKind {
                            notes.append("service \(service.name) \(entry.name): its password is protected by Windows (DPAPI) and cannot be read here")
                        }
                        continue
                    }
                    result.copies.append(KnownPasswords.Copy(role: user, source: source, password: password))
                    result.consumers[source] = (user, settings.database)
                } catch {
                    notes.append("service \(service.name) \(entry.name): \(error); its password is not used")
                }
            }
        }
        return result
    }

    // MARK: Stored password files

    private func storedPasswordFiles(_ notes: inout [String]) -> [AuthFacts.StoredPasswordFile] {
        access.inventory.storedPasswordFiles.compactMap { stored in
            guard AtomicFile.exists(stored.file) else { return nil }
            do {
                let bytes = try AtomicFile.read(stored.file)
                return AuthFacts.StoredPasswordFile(node: stored.node, path: stored.file, file: PGPassFile(bytes: bytes), sha256: FileDigest.sha256(bytes))
            } catch {
                notes.append("\(stored.file): \(error); its stored passwords are not planned")
                return nil
            }
        }
    }
}
