import Testing
@testable import WardenCore

/// Property tests over generated postgresql.conf files: round trip, what the file sets,
/// and that edits touch only their line.
@Suite("postgresql.conf: properties")
struct PostgresConfPropertyTests {
    static let names = ["port", "Port", "ssl", "work_mem", "shared_buffers", "pg_stat_statements.max", "listen_addresses", "custom.x"]
    static let bareValues = ["on", "off", "5432", "128MB", "5min", "-1", "0.25", "replica", "scram-sha-256", "C:/x", "0x1F"]
    static let alphabet: [String] = ["a", "Z", "0", " ", "\t", "'", "\\", "#", "=", ",", "é", "😀", "\n", "\r", "%", "/"]

    struct Generated {
        var text: String
        /// Lowercased name → value of the last active line.
        var expected: [String: String]
    }

    static func randomString(_ rng: inout SplitMix64, maxLength: Int = 12) -> String {
        let length = Int.random(in: 0...maxLength, using: &rng)
        return (0..<length).map { _ in alphabet.randomElement(using: &rng) ?? "a" }.joined()
    }

    static func spelledValue(_ rng: inout SplitMix64) -> (spelled: String, value: String) {
        if Bool.random(using: &rng) {
            let value = bareValues.randomElement(using: &rng) ?? "on"
            return (value, value)
        }
        let value = randomString(&rng)
        return (PostgresConfQuoting.quoted(value), value)
    }

    static func commentText(_ rng: inout SplitMix64) -> String {
        randomString(&rng).filter { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
    }

    static func generate(_ rng: inout SplitMix64) -> Generated {
        var lines: [String] = []
        var expected: [String: String] = [:]
        for _ in 0..<Int.random(in: 0...25, using: &rng) {
            let indent = ["", " ", "\t", "  "].randomElement(using: &rng) ?? ""
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                lines.append(["", " ", "\t ", " \t"].randomElement(using: &rng) ?? "")
            case 1:
                lines.append(indent + "#" + commentText(&rng))
            case 2:
                let name = names.randomElement(using: &rng) ?? "port"
                lines.append("#" + name + " = " + spelledValue(&rng).spelled + "\t\t# default")
            case 3:
                lines.append(indent + "include_dir = 'conf.d'")
            default:
                let name = names.randomElement(using: &rng) ?? "port"
                let separator = [" = ", "=", " ", "\t=\t", "  =  "].randomElement(using: &rng) ?? " = "
                let (spelled, value) = spelledValue(&rng)
                let comment = ["", "\t\t# " + commentText(&rng), " #x", "#" + commentText(&rng), "   "].randomElement(using: &rng) ?? ""
                lines.append(indent + name + separator + spelled + comment)
                expected[PostgresConfFile.normalizedName(name)] = value
            }
        }
        var text = ""
        for (index, line) in lines.enumerated() {
            text += line
            let isLast = index == lines.count - 1
            if !isLast || Bool.random(using: &rng) { text += Bool.random(using: &rng) ? "\r\n" : "\n" }
        }
        if Int.random(in: 0..<8, using: &rng) == 0 { text = "\u{FEFF}" + text }
        return Generated(text: text, expected: expected)
    }

    @Test("generated files render back byte for byte and set what they say")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED_C0F1)
        for _ in 0..<400 {
            let generated = Self.generate(&rng)
            let file = try PostgresConfFile(parsing: generated.text)
            #expect(file.bytes == Array(generated.text.utf8))
            #expect(file.render() == generated.text)
            for (name, value) in generated.expected {
                #expect(file.setting(name)?.value == value)
            }
            #expect(file.settings.count == generated.expected.count)
        }
    }

    @Test("set changes only the line in effect (or appends one) and reads back the value")
    func setIsLocal() throws {
        var rng = SplitMix64(seed: 0xED17)
        for _ in 0..<300 {
            let generated = Self.generate(&rng)
            var file = try PostgresConfFile(parsing: generated.text)
            let before = file
            let name = Self.names.randomElement(using: &rng) ?? "port"
            let value = Bool.random(using: &rng) ? (Self.bareValues.randomElement(using: &rng) ?? "on") : Self.randomString(&rng)
            let target = before.lines.last { line in
                if case .setting(let setting) = line.content {
                    return PostgresConfFile.normalizedName(setting.name) == PostgresConfFile.normalizedName(name)
                }
                return false
            }
            try file.set(name, to: value)
            #expect(file.setting(name)?.value == value)
            if let target {
                // Everything before the value and after the line's end is untouched.
                let valueStart = try #require(target.valueRange?.lowerBound)
                #expect(file.bytes.prefix(valueStart) == before.bytes.prefix(valueStart))
                let tail = before.bytes.count - target.range.upperBound
                #expect(file.bytes.suffix(tail) == before.bytes.suffix(tail))
                #expect(file.lines.count == before.lines.count)
            } else {
                #expect(file.bytes.starts(with: before.bytes), "appending only adds bytes at the end")
                #expect(file.lines.count == before.lines.count + 1)
                #expect(Array(file.lines.dropLast().map(\.text)) == before.lines.map(\.text))
            }
            // Every other parameter keeps its value.
            for (other, otherValue) in generated.expected where other != PostgresConfFile.normalizedName(name) {
                #expect(file.setting(other)?.value == otherValue)
            }
        }
    }

    @Test("remove only prefixes the lines that set the parameter")
    func removeIsLocal() throws {
        var rng = SplitMix64(seed: 0x0DE1)
        for _ in 0..<300 {
            let generated = Self.generate(&rng)
            var file = try PostgresConfFile(parsing: generated.text)
            let before = file
            let name = Self.names.randomElement(using: &rng) ?? "port"
            let key = PostgresConfFile.normalizedName(name)
            let count = try file.remove(name)
            #expect(file.setting(name) == nil)
            #expect(file.lines.count == before.lines.count)
            var removed = 0
            for (old, new) in zip(before.lines, file.lines) {
                if case .setting(let setting) = old.content, PostgresConfFile.normalizedName(setting.name) == key {
                    #expect(new.text == "#" + old.text)
                    removed += 1
                } else {
                    #expect(new.text == old.text)
                }
            }
            #expect(removed == count)
            #expect(generated.expected[key] == nil ? count == 0 : count > 0)
        }
    }

    @Test("quoted values read back as the same string")
    func quotingRoundTrip() throws {
        var rng = SplitMix64(seed: 0x0017)
        for _ in 0..<500 {
            let value = Self.randomString(&rng, maxLength: 30)
            let file = try PostgresConfFile(parsing: "x = " + PostgresConfQuoting.quoted(value) + "\n")
            #expect(file.setting("x")?.value == value)
            if PostgresConfQuoting.canBeWrittenBare(value) {
                #expect(try PostgresConfFile(parsing: "x = " + value).setting("x")?.value == value)
            }
        }
    }
}
