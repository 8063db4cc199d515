// MARK: - pg_hba.conf that admits TLS only, and only from the service hosts

/// Plans the pg_hba.conf edits that make a server TLS-only for TCP clients:
///
/// - every TCP `host` (and non-reject `hostnossl`) record is commented out, and in its
///   place go `hostssl` records for each service host it admitted (a /32 or /128 per
///   host), keeping its databases, users, method and options, so nobody's
///   authentication changes — only the transport;
/// - pgwarden's own address keeps a `hostssl` record for the superuser when no service
///   record covers it, so the tool that can undo the change is never locked out;
/// - each standby gets `hostssl replication ROLE STANDBY/32 scram-sha-256`;
/// - `hostnossl all all all reject` goes first, so a plaintext login is refused by name.
///
/// The edited file is then evaluated first-match (``HBAEvaluator``) for every client that
/// must keep working: a consumer that would lose its login, or one whose login could not
/// be decided, blocks the edit rather than being locked out.
public enum HostSSLOnly {
    /// Someone who must still get in over TLS (and, for consumers, be refused in plaintext).
    public struct Client: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case consumer
            case administrator
            case standby
        }

        public var label: String
        public var kind: Kind
        public var user: String
        public var target: HBAConnectionAttempt.Target
        public var address: IPAddress

        public init(label: String, kind: Kind, user: String, target: HBAConnectionAttempt.Target, address: IPAddress) {
            self.label = label
            self.kind = kind
            self.user = user
            self.target = target
            self.address = address
        }
    }

    public struct Result: Sendable, Hashable {
        /// Edits in the planned file's line numbers, in the order ``HBAFile/applying(_:)``
        /// needs; empty when the file already is TLS-only.
        public var edits: [HBAEdit]
        /// The same edits in the order their lines appear in the file (for the plan's diff).
        public var inFileOrder: [HBAEdit]
        /// Why the edits must not be made (a lockout found, a record that cannot be judged).
        public var blockers: [String]
    }

    /// The record refusing every plaintext TCP login.
    public static let rejectPlaintext = HBARule(connectionType: .hostnossl, databases: [.all], users: [.all], address: .all, method: .reject)

    /// The edits for `file`. `serviceHosts` are the addresses services connect from;
    /// `clients` (consumers, pgwarden itself, standbys) are checked against the result.
    public static func plan(file: HBAFile, serviceHosts: [IPAddress], superuser: String, replicationRole: String, clients: [Client]) -> Result {
        var blockers: [String] = []
        var ordered: [HBAEdit] = []
        var present = Set(file.rules.map(\.rule))
        func add(_ rule: HBARule, before line: Int?) {
            guard present.insert(rule).inserted else { return }
            ordered.append(.insert(rule: rule.text, beforeLine: line))
        }
        let firstRecord = file.lines.first { if case .rule = $0.content { true } else if case .include = $0.content { true } else { false } }?.number

        add(rejectPlaintext, before: firstRecord)
        for client in clients where client.kind == .standby {
            guard let range = host(client.address) else { continue }
            add(HBARule(connectionType: .hostssl, databases: [.replication], users: [.name(replicationRole)],
                        address: .range(range), method: .scramSHA256), before: firstRecord)
        }
        let administrator = clients.first { $0.kind == .administrator }?.address
        for numbered in file.rules {
            let rule = numbered.rule
            guard rule.connectionType == .host || (rule.connectionType == .hostnossl && rule.method != .reject) else { continue }
            let admitted: [IPAddress]
            switch rule.address {
            case .range(let range)?:
                admitted = serviceHosts.filter(range.contains)
            case .all?:
                admitted = serviceHosts
            default:
                blockers.append("line \(numbered.line) (\(rule.text)) names clients by \(rule.address?.description ?? "?"); pgwarden cannot tell which service hosts it admits: edit it by hand")
                continue
            }
            let databases = rule.databases.filter { $0 != .replication }
            if !databases.isEmpty {
                for address in admitted {
                    guard let range = host(address) else { continue }
                    add(HBARule(connectionType: .hostssl, databases: databases, users: rule.users, address: .range(range),
                                method: rule.method, options: rule.options), before: numbered.line)
                }
                if let administrator, !admitted.contains(administrator), admits(rule, administrator), admitsUser(rule, superuser),
                   let range = host(administrator) {
                    add(HBARule(connectionType: .hostssl, databases: databases, users: [.name(superuser)], address: .range(range),
                                method: rule.method, options: rule.options), before: numbered.line)
                }
            }
            ordered.append(.disable(line: numbered.line, reason: "hostssl-only (TLS for the service hosts)"))
        }
        // Insertions before the same line land above each other, so the last must go first.
        let edits = Array(ordered.reversed())
        guard !edits.isEmpty, blockers.isEmpty else { return Result(edits: edits, inFileOrder: ordered, blockers: blockers) }
        let edited: HBAFile
        do { edited = try file.applying(edits) } catch {
            return Result(edits: edits, inFileOrder: ordered, blockers: ["the edits do not apply: \(error.message)"])
        }
        return Result(edits: edits, inFileOrder: ordered, blockers: lockouts(in: edited, clients: clients))
    }

    // MARK: Checking the result

    /// Everyone in `clients` who would not get in over TLS, and every consumer who would
    /// still get in without it, in words; empty when the file is safe.
    public static func lockouts(in file: HBAFile, clients: [Client]) -> [String] {
        let evaluator = HBAEvaluator(file: file)
        var problems: [String] = []
        for client in clients {
            let overTLS = HBAConnectionAttempt.tcp(from: client.address, ssl: true, to: client.target, as: client.user)
            switch evaluator.evaluate(overTLS) {
            case .matched(let numbered) where numbered.rule.method == .reject:
                problems.append("\(client.label) would be refused over TLS by line \(numbered.line) (\(numbered.rule.text))")
            case .matched:
                break
            case .noEntry:
                problems.append("\(client.label) would have no pg_hba.conf entry over TLS from \(client.address)")
            case .undecidable(let line, let reason):
                problems.append("cannot tell whether \(client.label) still gets in: line \(line): \(reason)")
            }
            guard client.kind == .consumer else { continue }
            let plaintext = HBAConnectionAttempt.tcp(from: client.address, ssl: false, to: client.target, as: client.user)
            if case .matched(let numbered) = evaluator.evaluate(plaintext), numbered.rule.method != .reject {
                problems.append("\(client.label) would still get in without TLS by line \(numbered.line) (\(numbered.rule.text))")
            }
        }
        return problems
    }

    // MARK: Pieces

    /// The one-address range (`/32`, `/128`) of `address`.
    static func host(_ address: IPAddress) -> IPAddressRange? {
        IPAddressRange(address: address, prefixLength: address.family.byteCount * 8)
    }

    static func admits(_ rule: HBARule, _ address: IPAddress) -> Bool {
        switch rule.address {
        case .range(let range)?: range.contains(address)
        case .all?: true
        default: false
        }
    }

    static func admitsUser(_ rule: HBARule, _ user: String) -> Bool {
        rule.users.contains { entry in
            switch entry {
            case .all: true
            case .name(let name): name == user
            default: false
            }
        }
    }
}
