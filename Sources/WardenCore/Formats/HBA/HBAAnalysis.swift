// MARK: - What each record can reach, and which records are dead

/// A static reading of a `pg_hba.conf`: for each record the transports and addresses it
/// applies to, and the records no connection can ever reach because earlier records take
/// every connection they would match.
///
/// Exact but conservative: a record is reported unreachable only when that follows from
/// the tokens alone, for every possible connection, role membership, host name and
/// server interface. Coverage by several earlier records is found when each covers some
/// of the later record's transports (`hostssl …` plus `hostnossl …` cover `host …`); a
/// record covered only by a union of address ranges is not reported. A `/regex` entry
/// covers a name only when the server is known to read it as a regular expression
/// (PostgreSQL 16 and later); on 15 it is a name of its own.
public struct HBAAnalysis: Sendable, Hashable {
    /// Which connections a record applies to: the (transport, address) pairs it admits.
    public struct Scope: Sendable, Hashable {
        public let line: Int
        /// In `HBATransport` order.
        public let transports: [HBATransport]
        /// Nil for `local` records.
        public let address: HBARule.Address?
        /// False for `reject` records: they match, but let nobody in.
        public let letsIn: Bool
    }

    /// A record no connection can reach.
    public struct UnreachableRule: Sendable, Hashable {
        public enum Reason: Sendable, Hashable {
            /// Says the same as the earlier record on this line (same scope, method, options).
            case duplicate(of: Int)
            /// Every connection it would match is taken by these earlier records.
            case shadowed(by: [Int])
        }

        public let line: Int
        public let reason: Reason
    }

    public let scopes: [Scope]
    public let unreachable: [UnreachableRule]

    public init(file: HBAFile, version: PostgresVersionTraits? = nil) {
        let regexEntries = version?.hasHBARegexEntries == true
        let rules = file.rules
        scopes = rules.map { numbered in
            Scope(
                line: numbered.line, transports: numbered.rule.transports.sorted(),
                address: numbered.rule.address, letsIn: numbered.rule.method != .reject)
        }
        var unreachable: [UnreachableRule] = []
        for (index, later) in rules.enumerated() {
            let earlier = rules[..<index]
            if let twin = earlier.first(where: { Self.isDuplicate($0.rule, of: later.rule, regexEntries: regexEntries) }) {
                unreachable.append(UnreachableRule(line: later.line, reason: .duplicate(of: twin.line)))
                continue
            }
            var coveringLines: Set<Int> = []
            var covered = true
            for transport in later.rule.transports {
                guard let cover = earlier.first(where: {
                    $0.rule.transports.contains(transport) && Self.covers($0.rule, later.rule, regexEntries: regexEntries)
                }) else {
                    covered = false
                    break
                }
                coveringLines.insert(cover.line)
            }
            if covered {
                unreachable.append(UnreachableRule(line: later.line, reason: .shadowed(by: coveringLines.sorted())))
            }
        }
        self.unreachable = unreachable
    }

    // MARK: Coverage

    static func isDuplicate(_ rule: HBARule, of earlier: HBARule, regexEntries: Bool) -> Bool {
        rule.transports == earlier.transports && rule.method == earlier.method
            && rule.options.count == earlier.options.count
            && zip(rule.options, earlier.options).allSatisfy {
                HBANameMatching.same($0.name, $1.name) && HBANameMatching.same($0.value, $1.value)
            }
            && covers(earlier, rule, regexEntries: regexEntries) && covers(rule, earlier, regexEntries: regexEntries)
    }

    /// Whether every connection that `inner` matches (on a transport both share) also
    /// matches `outer`, as far as the tokens prove. `regexEntries`: whether `/…` entries are
    /// known to be regular expressions (else they cover only themselves).
    static func covers(_ outer: HBARule, _ inner: HBARule, regexEntries: Bool = false) -> Bool {
        addressCovers(outer.address, inner.address)
            && databasesCover(outer.databases, inner.databases, regexEntries: regexEntries)
            && usersCover(outer.users, inner.users, regexEntries: regexEntries)
    }

    static func addressCovers(_ outer: HBARule.Address?, _ inner: HBARule.Address?) -> Bool {
        switch (outer, inner) {
        case (nil, nil), (.all, _?):
            return true
        case (.range(let outerRange), .range(let innerRange)):
            return outerRange.contains(innerRange)
        case (.sameHost, .sameHost), (.sameNet, .sameNet), (.sameNet, .sameHost):
            // The server's own addresses lie in the networks it is connected to.
            return true
        case (.hostName(let outerName), .hostName(let innerName)):
            return HBANameMatching.hostPattern(outerName, covers: innerName)
        default:
            return false
        }
    }

    static func databasesCover(_ outer: [HBARule.Database], _ inner: [HBARule.Database], regexEntries: Bool = false) -> Bool {
        let all = outer.contains(.all)
        let replication = outer.contains(.replication)
        return inner.allSatisfy { entry in
            switch entry {
            case .replication: return replication
            case .all: return all
            // A role is a member of itself, so the database named like the user is also
            // named like a role the user is a member of.
            case .sameUser: return all || outer.contains(.sameUser) || outer.contains(.sameRole)
            case .sameRole: return all || outer.contains(.sameRole)
            case .name(let name):
                return all || outer.contains { listed in
                    switch listed {
                    case .name(let other): HBANameMatching.same(name, other)
                    case .regex(let pattern): regexEntries && HBANameMatching.regex(pattern, matches: name) == true
                    default: false
                    }
                }
            case .regex(let pattern):
                return all || outer.contains { if case .regex(let other) = $0 { HBANameMatching.same(pattern, other) } else { false } }
            case .file(let path):
                // A listed file may hold keywords too, `replication` among them.
                return (all && replication)
                    || outer.contains { if case .file(let other) = $0 { HBANameMatching.same(path, other) } else { false } }
            }
        }
    }

    static func usersCover(_ outer: [HBARule.User], _ inner: [HBARule.User], regexEntries: Bool = false) -> Bool {
        if outer.contains(.all) { return true }
        return inner.allSatisfy { entry in
            outer.contains { listed in
                switch (listed, entry) {
                case (.name(let other), .name(let name)), (.member(let other), .name(let name)),
                     (.member(let other), .member(let name)), (.regex(let other), .regex(let name)),
                     (.file(let other), .file(let name)):
                    // A role is a member of itself, so `+x` covers `x`.
                    return HBANameMatching.same(name, other)
                case (.regex(let pattern), .name(let name)):
                    return regexEntries && HBANameMatching.regex(pattern, matches: name) == true
                default:
                    return false
                }
            }
        }
    }
}
