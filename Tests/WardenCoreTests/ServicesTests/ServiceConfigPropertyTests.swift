import Testing

@testable import WardenCore

/// Random edits through the facade, on every shape: each edit reads back as written, every
/// other entry and field is unchanged, and the result parses again.
@Suite("ServiceConfig properties: edit-then-reread")
struct ServiceConfigPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 1_000_003]

    static func randomValue(for field: ConnectionField, using generator: inout SplitMix64) -> ConnectionValue? {
        let words = ["db", "pg", "node", "ÿ-host", "x.example.test"]
        switch field {
        case .host:
            return .hosts([ConnectionHostList.Host(name: words.randomElement(using: &generator)! + String(Int.random(in: 0...99, using: &generator)))])
        case .port: return .port(Int.random(in: 1...65535, using: &generator))
        case .database, .user: return .text("n\(Int.random(in: 0...9999, using: &generator))")
        case .sslMode: return .sslMode(SSLMode.allCases.randomElement(using: &generator)!)
        case .sslEnabled: return .switchedOn(Bool.random(using: &generator))
        case .tlsProtocol: return .tlsMinimum([.tls1_0, .tls1_1, .tls1_2].randomElement(using: &generator)!)
        case .tlsOptions: return .tlsMinimum([.tls1_2, .tls1_3].randomElement(using: &generator)!)
        case .rootCertificate, .clientCertificate, .clientKey:
            return .text(#"C:\certs\"# + "f\(Int.random(in: 0...99, using: &generator)).pem")
        case .password: return nil
        }
    }

    @Test("random edits read back; everything else stays", arguments: seeds)
    func editThenReread(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for fixture in ServiceFixtures.all {
            var config = try ServiceConfig(text: fixture.text, profile: fixture.profile, file: fixture.file)
            for _ in 0..<6 {
                let entry = config.entries.randomElement(using: &generator)!
                let fields = config.supportedFields(of: entry).filter { $0 != .password }
                let field = fields.randomElement(using: &generator)!
                guard let value = Self.randomValue(for: field, using: &generator) else { continue }
                if fixture.profile.driver == .devart, field == .tlsProtocol, case .tlsMinimum(.tls1_3) = value { continue }
                let others = try config.allSettings().filter { $0.entry != entry.name }
                let beforeSame = try config.settings(of: entry.name)
                try config.set(field, value, in: entry.name)
                let reread = try ServiceConfig(text: config.render(), profile: fixture.profile, file: fixture.file)
                let after = try reread.settings(of: entry.name)
                #expect(ServiceConfig.holds(field, value, in: after), "seed \(seed) \(fixture.file) \(entry.name) \(field) = \(value)")
                #expect(try reread.allSettings().filter { $0.entry != entry.name } == others, "seed \(seed) \(fixture.file)")
                for other in ConnectionField.allCases where other != field && other != .port && other != .host {
                    #expect(after.written[other] == beforeSame.written[other], "seed \(seed) \(fixture.file) \(entry.name): \(other) changed")
                }
                #expect(after.passwordKind == beforeSame.passwordKind)
                config = reread
            }
        }
    }
}
