import Testing
@testable import WardenCore

/// Property tests over generated pg_hba.conf files: round trip and model, edit locality,
/// and soundness of the shadow analysis against the evaluator.
@Suite("pg_hba.conf: properties")
struct HBAPropertyTests {
    // MARK: Generating rules and files

    static let databases: [HBARule.Database] = [
        .all, .sameUser, .sameRole, .replication, .name("QSR"), .name("all"), .name("my db"), .name("u1"),
        .name("g"), .regex("^app_"), .file("dbs.txt"),
    ]
    static let users: [HBARule.User] = [
        .all, .name("u1"), .name("all"), .name("svc_a"), .member(of: "g"), .regex("^svc_"), .file("users.txt"),
    ]

    static func addresses() -> [HBARule.Address] {
        [
            .all, .sameHost, .sameNet, .hostName(".example.com"), .hostName("a.example.com"),
            IPAddressRange(cidr: "10.0.0.0/8").map { .range($0) }, IPAddressRange(cidr: "10.1.0.0/16").map { .range($0) },
            IPAddressRange(cidr: "0.0.0.0/0").map { .range($0) }, IPAddressRange(cidr: "::1/128").map { .range($0) },
            IPAddressRange(cidr: "::/0").map { .range($0) },
            IPAddress("192.168.0.0").flatMap { address in IPAddress("255.255.0.255").flatMap { IPAddressRange(address: address, mask: $0) } }.map { .range($0) },
        ].compactMap { $0 }
    }

    static func pick<T>(_ values: [T], _ rng: inout SplitMix64) -> T {
        values[Int.random(in: 0..<values.count, using: &rng)]
    }

    static func subset<T>(_ values: [T], _ rng: inout SplitMix64) -> [T] {
        (0..<Int.random(in: 1...2, using: &rng)).map { _ in pick(values, &rng) }
    }

    static func method(for type: HBARule.ConnectionType, _ rng: inout SplitMix64) -> HBARule.Method {
        let methods = HBARule.Method.allCases.filter { method in
            switch method {
            case .peer: type == .local
            case .gss: type != .local
            case .cert: type == .hostssl
            default: true
            }
        }
        return pick(methods, &rng)
    }

    static func rule(_ rng: inout SplitMix64, decidable: Bool = false) -> HBARule {
        // The analysis test wants overlapping records: fewer connection types there.
        let type = decidable ? pick([.host, .host, .hostssl, .hostnossl, .local], &rng) : pick(HBARule.ConnectionType.allCases, &rng)
        let databasePool = decidable ? databases.filter { if case .file = $0 { false } else { true } } : databases
        let userPool = decidable ? users.filter { if case .file = $0 { false } else { true } } : users
        let options = decidable ? [] : subset([
            HBARule.Option(name: "map", value: "ops"), HBARule.Option(name: "ldapprefix", value: "cn= x,y"),
            HBARule.Option(name: "clientcert", value: "verify-full"),
        ], &rng).prefix(Int.random(in: 0...2, using: &rng))
        if decidable, Bool.random(using: &rng) {
            // Broad records, so that later ones are often shadowed.
            let broad = addresses().filter { address in
                switch address {
                case .all, .sameNet, .hostName(".example.com"): true
                case .range(let range): range.prefixLength == 0
                default: false
                }
            }
            return HBARule(
                connectionType: type, databases: pick([[.all], [.all, .replication], [.sameRole]], &rng),
                users: pick([[.all], [.member(of: "g")], [.regex("^svc_")]], &rng),
                address: type == .local ? nil : pick(broad, &rng), method: method(for: type, &rng))
        }
        return HBARule(
            connectionType: type, databases: subset(databasePool, &rng), users: subset(userPool, &rng),
            address: type == .local ? nil : pick(addresses(), &rng), method: method(for: type, &rng),
            options: Array(options))
    }

    /// The rule written with random blanks, comma spacing, an optional continuation and
    /// an optional trailing comment.
    static func spelled(_ rule: HBARule, _ rng: inout SplitMix64) -> String {
        var columns = rule.columns
        if Bool.random(using: &rng) {
            // Only the name lists: a comma inside an option's quoted value is part of the value.
            columns[1] = columns[1].replacing(",", with: ", ")
            columns[2] = columns[2].replacing(",", with: ", ")
        }
        var text = ""
        for (index, column) in columns.enumerated() {
            if index > 0 {
                var blank = pick([" ", "\t", "  \t", "        "], &rng)
                if Int.random(in: 0..<6, using: &rng) == 0 { blank = pick([" \\\n  ", " \\\r\n\t", "\\\n "], &rng) }
                text += blank
            }
            text += column
        }
        if Bool.random(using: &rng) { text += pick(["  # note", "\t#x", "#", " # a \"quoted\" note"], &rng) }
        return text
    }

    struct Generated {
        var text: String
        var rules: [HBAFile.NumberedRule]
    }

    static func file(_ rng: inout SplitMix64, decidable: Bool = false, maxLines: Int = 14) -> Generated {
        var text = Int.random(in: 0..<10, using: &rng) == 0 ? "\u{FEFF}" : ""
        var rules: [HBAFile.NumberedRule] = []
        var line = 1
        let count = Int.random(in: 0...maxLines, using: &rng)
        for index in 0..<count {
            let chunk: String
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: chunk = pick(["", "  ", "\t"], &rng)
            case 1: chunk = "# " + pick(["TYPE  DATABASE", "comment, with \"quotes\"", "host all all all trust"], &rng)
            default:
                let generated = rule(&rng, decidable: decidable)
                rules.append(HBAFile.NumberedRule(line: line, rule: generated))
                chunk = spelled(generated, &rng)
            }
            text += chunk
            line += chunk.utf8.filter { $0 == 0x0A }.count
            if index < count - 1 || Bool.random(using: &rng) {
                text += Bool.random(using: &rng) ? "\n" : "\r\n"
                line += 1
            }
        }
        return Generated(text: text, rules: rules)
    }

    // MARK: Round trip

    @Test("generated files render back byte for byte and read as the rules they were made from")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 0x00DB_A5E5)
        for _ in 0..<300 {
            let generated = Self.file(&rng)
            let file = try HBAFile(parsing: generated.text)
            #expect(file.bytes == Array(generated.text.utf8))
            #expect(file.rules == generated.rules)
            for numbered in generated.rules {
                #expect(try HBARule(parsing: numbered.rule.text) == numbered.rule)
            }
        }
    }

    // MARK: Edit locality

    /// `after` equals `before` outside `before[range]`, which became `after[range.lowerBound..<end]`.
    static func changedOnly(_ before: [UInt8], _ after: [UInt8], _ range: Range<Int>) -> Bool {
        let tail = before.count - range.upperBound
        return after.prefix(range.lowerBound) == before.prefix(range.lowerBound)
            && after.count >= range.lowerBound + tail && after.suffix(tail) == before.suffix(tail)
    }

    @Test("every edit changes only the bytes of its own line(s)")
    func editsAreLocal() throws {
        var rng = SplitMix64(seed: 0x10CA_1)
        var edits = 0
        for _ in 0..<300 {
            let original = try HBAFile(parsing: Self.file(&rng).text)
            var file = original
            let records = original.lines.filter(\.isRule)
            guard let target = records.isEmpty ? nil : Self.pick(records, &rng),
                  case .rule(let rule) = target.content
            else {
                try file.insert(Self.rule(&rng), at: .end)
                #expect(file.bytes.starts(with: original.bytes))
                continue
            }
            let span = target.range.lowerBound..<target.end
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                let method = Self.method(for: rule.connectionType, &rng)
                try file.setMethod(method, forRuleAtLine: target.number)
                #expect(file.rule(atLine: target.number)?.method == method)
                #expect(Self.changedOnly(original.bytes, file.bytes, target.range))
            case 1:
                try file.disableRule(atLine: target.number, reason: "test")
                #expect(Self.changedOnly(original.bytes, file.bytes, span))
                #expect(file.rules.count == original.rules.count - 1)
            case 2:
                let replacement = Self.rule(&rng)
                try file.replaceRule(atLine: target.number, with: replacement)
                #expect(file.rule(atLine: target.number) == replacement)
                #expect(Self.changedOnly(original.bytes, file.bytes, target.range))
            default:
                let inserted = Self.rule(&rng)
                let point = Self.pick([HBAFile.InsertionPoint.top, .end, .before(line: target.number), .after(line: target.number)], &rng)
                try file.insert(inserted, at: point)
                #expect(file.rules.count == original.rules.count + 1)
                #expect(file.rules.contains { $0.rule == inserted })
                // Taking the one new line out again gives back the original bytes (plus
                // the line break added when the file did not end with one).
                let undoable = file.lines.filter { $0.content == .rule(inserted) }.contains { added in
                    var undone = file.bytes
                    undone.removeSubrange(added.range.lowerBound..<added.end)
                    return undone == original.bytes || undone == original.bytes + [0x0A] || undone == original.bytes + [0x0D, 0x0A]
                }
                #expect(undoable)
            }
            edits += 1
        }
        #expect(edits > 150)
    }

    // MARK: Analysis soundness

    static let pg16 = try? PostgresVersionTraits(major: 16)
    static let clients = ["10.1.2.3", "10.200.0.1", "192.168.1.5", "192.169.1.5", "127.0.0.1", "::1", "::ffff:10.1.2.3", "fe80::1"]

    static func attempt(_ rng: inout SplitMix64) -> HBAConnectionAttempt {
        let transport = pick(HBATransport.allCases, &rng)
        let target: HBAConnectionAttempt.Target = Int.random(in: 0..<5, using: &rng) == 0
            ? .physicalReplication : .database(pick(["QSR", "all", "app_x", "u1", "g", "replication", "my db"], &rng))
        var memberships: Set<String> = []
        if Bool.random(using: &rng) { memberships.insert("g") }
        if Bool.random(using: &rng) { memberships.insert("QSR") }
        return HBAConnectionAttempt(
            transport: transport,
            clientAddress: transport == .localSocket ? nil : IPAddress(pick(clients, &rng)),
            clientHostName: pick([.unresolved, .verified("a.example.com"), .verified("b.EXAMPLE.com"), .verified("example.com")], &rng),
            target: target, role: pick(["u1", "svc_a", "g", "x", "QSR"], &rng), memberships: memberships)
    }

    @Test("no connection ever reaches a record the analysis calls unreachable, and disabling it changes no decision")
    func analysisIsSound() throws {
        var rng = SplitMix64(seed: 0x5AD0)
        let interfaces = [IPAddressRange(cidr: "10.1.2.3/16"), IPAddressRange(cidr: "::1/128")].compactMap { $0 }
        var unreachableSeen = 0
        for _ in 0..<250 {
            let file = try HBAFile(parsing: Self.file(&rng, decidable: true, maxLines: 10).text)
            // The generator writes /regex entries, which the analysis reads as PostgreSQL 16 does.
            let evaluator = HBAEvaluator(file: file, serverInterfaces: interfaces, version: Self.pg16)
            let unreachable = evaluator.analysis.unreachable
            unreachableSeen += unreachable.count
            var trimmed = file
            for dead in unreachable.reversed() {
                try trimmed.disableRule(atLine: dead.line)
            }
            let trimmedEvaluator = HBAEvaluator(file: trimmed, serverInterfaces: interfaces, version: Self.pg16)
            for _ in 0..<25 {
                let attempt = Self.attempt(&rng)
                let decision = evaluator.evaluate(attempt)
                if case .undecidable = decision { Issue.record("undecidable in a decidable universe: \(decision)") }
                if case .matched(let numbered) = decision {
                    #expect(!unreachable.contains { $0.line == numbered.line })
                }
                switch (decision, trimmedEvaluator.evaluate(attempt)) {
                case (.noEntry, .noEntry): break
                case (.matched(let full), .matched(let reduced)): #expect(full.rule == reduced.rule)
                default: Issue.record("disabling unreachable records changed a decision")
                }
            }
        }
        #expect(unreachableSeen > 40, "the generator must produce shadowed records for this test to mean anything")
    }
}
