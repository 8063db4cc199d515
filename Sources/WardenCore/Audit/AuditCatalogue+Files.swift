// MARK: - FILE: stored passwords and key files

extension AuditCatalogue {
    static let fileRules: [AuditRule] = [
        AuditRule(
            id: "FILE-001", title: "A password is stored in a pgpass file", severity: .high,
            fix: "Remove the line (pgAdmin: clear \"Save password\"); tools then ask for the password.",
            command: "pgwarden apply --only auth", references: [Reference.passwordIntegrity],
            rationale: "The reference page's first rule: with \"Store password\" on, the password sits in a file and connections from that account need no password at all."
        ) { facts, rule in
            facts.storedPasswordFiles.flatMap { file in
                file.entries.map { entry in
                    let location = FileLocation(file: file.file.path, line: entry.line)
                    return rule.finding("file \(file.file.path)", "\(location): stored password for \(entry.user)@\(entry.host):\(entry.port)/\(entry.database)", at: location,
                                        severity: entry.user == facts.superuser ? .high : .medium)
                }
            }
        },
        AuditRule(
            id: "FILE-002", title: "A pgpass file is readable by others", severity: .medium,
            fix: "chmod 0600 the file (libpq ignores it otherwise on Unix, but other tools do not).",
            command: nil, references: [Reference.passwordIntegrity, Reference.cisFiles],
            rationale: "A stored password readable by the group or everyone is a shared password."
        ) { facts, rule in
            facts.storedPasswordFiles.compactMap { file in
                guard file.file.exists, !file.entries.isEmpty, (file.file.mode ?? 0) & 0o077 != 0 else { return nil }
                return rule.finding("file \(file.file.path)", "\(file.file.path): mode \(file.file.modeText)", at: FileLocation(file: file.file.path))
            }
        },
        AuditRule(
            id: "FILE-003", title: "The server's private key is readable or writable by others", severity: .high,
            fix: "chmod 0600 the key (owned by the server's account), or 0640 owned by root with the server's group.",
            command: "pgwarden tls import --node NODE --cert CERT.pem --key KEY.pem", references: [Reference.traffic, Reference.cisFiles],
            rationale: "Whoever reads the key impersonates the server to every client, and decrypts recorded sessions that used non-forward-secret suites."
        ) { facts, rule in
            facts.nodes.flatMap { node in
                node.serverFiles.filter { $0.purpose == "ssl_key_file" && $0.exists }.compactMap { file -> Finding? in
                    let ownedByRoot = file.owner == "root"
                    let tooOpen = file.isReadableByOthers || file.isWritableByGroupOrOthers || (file.isReadableByGroup && !ownedByRoot)
                    guard tooOpen else { return nil }
                    return rule.finding(nodeSubject(node), "\(file.path): mode \(file.modeText), owner \(file.owner ?? "?")", at: FileLocation(file: file.path))
                }
            }
        },
        AuditRule(
            id: "FILE-004", title: "A password is passed on a command line", severity: .high,
            fix: "Pass the password through a file or the environment the service reads, never as a parameter.",
            command: nil, references: [Reference.passwordIntegrity],
            rationale: "Command lines are world-readable (ps, /proc/PID/cmdline, Windows process listings) and end up in logs."
        ) { facts, rule in
            facts.services.flatMap { service in
                service.commandLinePasswords.map { rule.finding(serviceSubject(service), "\($0): a parameter carries a password", at: $0) }
            }
        },
        AuditRule(
            id: "FILE-005", title: "A pgpass file has lines libpq ignores", severity: .low,
            fix: "Correct or remove the line at the position given.",
            command: nil, references: [],
            rationale: "libpq silently skips malformed lines, so the entry someone meant to use is not the one in effect."
        ) { facts, rule in
            facts.storedPasswordFiles.flatMap { file in
                file.warnings.map { rule.finding("file \(file.file.path)", $0.description, at: $0.location) }
            }
        },
    ]
}
