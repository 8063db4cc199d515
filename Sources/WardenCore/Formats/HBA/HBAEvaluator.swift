// MARK: - Which record does a connection get?

/// Answers what the server answers when a client connects: the first record of
/// `pg_hba.conf` whose connection type, address, database and user all match, or none
/// (the server then rejects the connection).
///
/// It never guesses. Host name records need the client's verified name, `samehost` and
/// `samenet` need the server's interfaces, `@file` lists and included files need their
/// contents; when the first record that might match depends on something not given, the
/// answer is `undecidable`, naming that record and what is missing.
///
/// What it models of the server (`check_hba`, `check_db`, `check_role`): first match over
/// connection type, SSL, address (masks applied bit by bit, host bits ignored), database
/// and role; `+group` and `samerole` through the closure of role memberships (superusers
/// are members of nothing); quoted keywords as names; `/regex` entries as regular
/// expressions only from PostgreSQL 16 (a plain name before). A driver's second try over
/// the other transport is ``login(_:over:credentialsAccepted:)``.
public struct HBAEvaluator: Sendable, Hashable {
    /// The outcome for one connection attempt.
    public enum Decision: Sendable, Hashable {
        /// This record decides (its method may be `reject`).
        case matched(HBAFile.NumberedRule)
        /// No record matches: the server rejects the connection ("no pg_hba.conf entry").
        case noEntry
        /// The record on `line` might match, and whether it does depends on `reason`.
        case undecidable(line: Int, reason: String)
    }

    public let file: HBAFile
    /// The server's network interfaces (each address with its netmask), for `samehost` and
    /// `samenet`; nil when unknown.
    public var serverInterfaces: [IPAddressRange]?
    /// The server's version, for what `/…` entries mean; nil when unknown (such entries are
    /// then decided only where both readings agree).
    public var version: PostgresVersionTraits?

    public init(file: HBAFile, serverInterfaces: [IPAddressRange]? = nil, version: PostgresVersionTraits? = nil) {
        self.file = file
        self.serverInterfaces = serverInterfaces
        self.version = version
    }

    /// Whether `/…` entries are regular expressions on this server (nil: not known).
    var regexEntries: Bool? { version?.hasHBARegexEntries }

    /// The record the server would use for `attempt`.
    public func evaluate(_ attempt: HBAConnectionAttempt) -> Decision {
        for line in file.lines {
            switch line.content {
            case .blank, .comment:
                continue
            case .include(let inclusion):
                return .undecidable(
                    line: line.number,
                    reason: "the records that \(inclusion.kind.rawValue) \"\(inclusion.path)\" adds here are not known")
            case .rule(let rule):
                switch match(rule, attempt) {
                case .yes: return .matched(HBAFile.NumberedRule(line: line.number, rule: rule))
                case .no: continue
                case .unknown(let reason): return .undecidable(line: line.number, reason: reason)
                }
            }
        }
        return .noEntry
    }

    /// Shadowed and duplicate records, and what each record applies to.
    public var analysis: HBAAnalysis { HBAAnalysis(file: file, version: version) }

    // MARK: Matching one record

    /// Yes, no, or cannot tell (and why).
    enum Match: Hashable {
        case yes, no
        case unknown(String)

        /// Both must hold: a definite no wins over an unknown.
        func and(_ other: @autoclosure () -> Match) -> Match {
            switch self {
            case .no: return .no
            case .yes: return other()
            case .unknown:
                let next = other()
                return next == .no ? .no : self
            }
        }

        /// One must hold: a definite yes wins over an unknown.
        static func any(_ matches: [Match]) -> Match {
            if matches.contains(.yes) { return .yes }
            return matches.first { $0 != .no } ?? .no
        }
    }

    func match(_ rule: HBARule, _ attempt: HBAConnectionAttempt) -> Match {
        guard rule.transports.contains(attempt.transport) else { return .no }
        return matchAddress(rule.address, attempt)
            .and(Self.matchDatabases(rule.databases, attempt, regexEntries: regexEntries))
            .and(Self.matchUsers(rule.users, attempt, regexEntries: regexEntries))
    }

    private func matchAddress(_ address: HBARule.Address?, _ attempt: HBAConnectionAttempt) -> Match {
        guard let address else { return .yes }
        if case .all = address { return .yes }
        if case .hostName(let pattern) = address {
            switch attempt.clientHostName {
            case .unknown: return .unknown("host name \"\(pattern)\" needs the client's verified host name")
            case .unresolved: return .no
            case .verified(let name): return HBANameMatching.hostName(name, matches: pattern) ? .yes : .no
            }
        }
        guard let client = attempt.clientAddress else { return .unknown("the client address is not given") }
        switch address {
        case .range(let range):
            return range.contains(client) ? .yes : .no
        case .sameHost:
            guard let serverInterfaces else { return .unknown("samehost needs the server's own addresses") }
            return serverInterfaces.contains { $0.address == client } ? .yes : .no
        case .sameNet:
            guard let serverInterfaces else { return .unknown("samenet needs the server's networks") }
            return serverInterfaces.contains { $0.contains(client) } ? .yes : .no
        case .all, .hostName:
            return .yes
        }
    }

    /// The server's `check_db`. `regexEntries`: whether `/…` is a regular expression
    /// (PostgreSQL 16 and later), nil when the version is not known.
    static func matchDatabases(_ entries: [HBARule.Database], _ attempt: HBAConnectionAttempt, regexEntries: Bool? = nil) -> Match {
        Match.any(entries.map { entry in
            switch (attempt.target, entry) {
            case (_, .file(let path)):
                return .unknown("database names listed in @\(path) are not known")
            case (.physicalReplication, .replication):
                return .yes
            case (.physicalReplication, _), (.database, .replication):
                return .no
            case (.database, .all):
                return .yes
            case (.database(let name), .sameUser):
                return HBANameMatching.same(name, attempt.role) ? .yes : .no
            case (.database(let name), .sameRole):
                return attempt.isMember(of: name) ? .yes : .no
            case (.database(let name), .name(let listed)):
                return HBANameMatching.same(name, listed) ? .yes : .no
            case (.database(let name), .regex(let pattern)):
                return matchSlashEntry(pattern, name, regexEntries: regexEntries)
            }
        })
    }

    /// The server's `check_role` (`regexEntries` as for ``matchDatabases(_:_:regexEntries:)``).
    static func matchUsers(_ entries: [HBARule.User], _ attempt: HBAConnectionAttempt, regexEntries: Bool? = nil) -> Match {
        Match.any(entries.map { entry in
            switch entry {
            case .all:
                return .yes
            case .name(let name):
                return HBANameMatching.same(name, attempt.role) ? .yes : .no
            case .member(let group):
                return attempt.isMember(of: group) ? .yes : .no
            case .regex(let pattern):
                return matchSlashEntry(pattern, attempt.role, regexEntries: regexEntries)
            case .file(let path):
                return .unknown("role names listed in @\(path) are not known")
            }
        })
    }

    // MARK: Entries starting with a slash

    /// `/pattern` against `name`: a regular expression from PostgreSQL 16, the literal name
    /// `/pattern` before (PostgreSQL 15 compares it with `strcmp` like any name). With the
    /// version unknown, the entry is decided only when both readings give the same answer.
    static func matchSlashEntry(_ pattern: String, _ name: String, regexEntries: Bool?) -> Match {
        let literal: Match = HBANameMatching.same("/" + pattern, name) ? .yes : .no
        let regex: Match = HBANameMatching.regex(pattern, matches: name).map { $0 ? .yes : .no }
            ?? .unknown("pgwarden cannot evaluate the regular expression /\(pattern)")
        switch regexEntries {
        case true?: return regex
        case false?: return literal
        case nil:
            return regex == literal
                ? literal
                : .unknown("whether /\(pattern) is a regular expression (PostgreSQL 16 and later) or a name depends on the server version, which is not known")
        }
    }
}
