import Testing

@testable import WardenCore

// MARK: - Random documents

/// Random JSON trees, written in random but valid styles by a writer that shares no code with
/// the one under test: indentation unit or one line, LF or CRLF, trailing commas, comments in
/// every place trivia may go, colon spacing, escapes where none are needed, BOM.
struct RandomJSONC {
    var random: SplitMix64

    // MARK: Values

    mutating func value(depth: Int) -> JSONCValue {
        let roll = Int.random(in: 0..<10, using: &random)
        if depth < 3, roll < 3 { return object(depth: depth) }
        if depth < 3, roll < 4 { return array(depth: depth) }
        return scalar()
    }

    mutating func object(depth: Int) -> JSONCValue {
        var members: [JSONCValue.Member] = []
        var folded: Set<String> = []
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            let key = self.key()
            guard folded.insert(key.lowercased()).inserted else { continue }
            members.append(JSONCValue.Member(key, value(depth: depth + 1)))
        }
        return .object(members)
    }

    mutating func array(depth: Int) -> JSONCValue {
        .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1) })
    }

    mutating func scalar() -> JSONCValue {
        switch Int.random(in: 0..<6, using: &random) {
        case 0, 1: .string(string())
        case 2, 3: .number(number())
        case 4: .bool(Bool.random(using: &random))
        default: .null
        }
    }

    mutating func key() -> String {
        let pool = ["Host", "Port", "Security", "Enable", "Mode", "Ssl Mode", "quo\"te", "back\\slash", "ünï", "😀", "", "a/b", "Password"]
        return Bool.random(using: &random) ? pool[Int.random(in: 0..<pool.count, using: &random)] : string()
    }

    mutating func string() -> String {
        let alphabet: [String] = [
            "a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "e\u{301}", "😀", "中", "\u{2028}", ":", ",", "{", "]",
        ]
        let length = Int.random(in: 0...12, using: &random)
        return (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }.joined()
    }

    mutating func number() -> JSONCNumber {
        let spellings = ["0", "-0", "7", "-12", "4432", "1e10", "1E+2", "2.5e-3", "-0.5", "100.50", "123456789012345678901234567890"]
        if Bool.random(using: &random) { return JSONCNumber(Int.random(in: -100_000...100_000, using: &random)) }
        return JSONCNumber(spelling: spellings[Int.random(in: 0..<spellings.count, using: &random)]) ?? JSONCNumber(0)
    }

    // MARK: Writing

    struct Style {
        var unit: String?
        var newline: String
        var colon: String
        var comments: Bool
        var trailingCommas: Bool
        var escapeEverything: Bool
    }

    mutating func style() -> Style {
        let units: [String?] = ["  ", "    ", "\t", nil]
        return Style(
            unit: units[Int.random(in: 0..<units.count, using: &random)],
            newline: Bool.random(using: &random) ? "\n" : "\r\n",
            colon: [":", ": ", " : ", ":\t"][Int.random(in: 0..<4, using: &random)],
            comments: Bool.random(using: &random),
            trailingCommas: Bool.random(using: &random),
            escapeEverything: Bool.random(using: &random))
    }

    mutating func document(_ value: JSONCValue, style: Style) -> String {
        var text = Bool.random(using: &random) ? "\u{FEFF}" : ""
        if style.comments { text += "// generated" + style.newline + "/* lead */ " }
        text += write(value, style: style, indent: "")
        if style.comments { text += " /* tail */" }
        if Bool.random(using: &random) { text += style.newline }
        return text
    }

    private mutating func comment() -> String {
        Bool.random(using: &random) ? " /* c*/ " : ""
    }

    mutating func write(_ value: JSONCValue, style: Style, indent: String) -> String {
        switch value {
        case .string(let string): return quote(string, style: style)
        case .number(let number): return number.spelling
        case .bool(let bool): return bool ? "true" : "false"
        case .null: return "null"
        case .object(let members):
            let items = members.map { member in
                { (me: inout RandomJSONC, inner: String) -> String in
                    let key = me.quote(member.key, style: style)
                    let between = style.comments ? me.comment() : ""
                    return key + between + style.colon + me.write(member.value, style: style, indent: inner)
                }
            }
            return container("{", "}", items, style: style, indent: indent)
        case .array(let elements):
            let items = elements.map { element in
                { (me: inout RandomJSONC, inner: String) -> String in me.write(element, style: style, indent: inner) }
            }
            return container("[", "]", items, style: style, indent: indent)
        }
    }

    private mutating func container(
        _ open: String, _ close: String, _ items: [(inout RandomJSONC, String) -> String], style: Style, indent: String
    ) -> String {
        if items.isEmpty { return open + (style.comments ? comment() : "") + close }
        let trailing = style.trailingCommas && Bool.random(using: &random)
        guard let unit = style.unit else {
            var text = open
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," + (style.comments ? comment() : " ") }
                text += item(&self, indent)
            }
            return text + (trailing ? "," : "") + close
        }
        let inner = indent + unit
        var text = open
        if style.comments, Bool.random(using: &random) { text += style.newline + inner + "// heading" }
        for (index, item) in items.enumerated() {
            text += style.newline + inner + item(&self, inner)
            if index < items.count - 1 || trailing {
                text += (style.comments ? comment() : "") + ","
                if style.comments, Bool.random(using: &random) { text += " // note" }
            }
        }
        return text + style.newline + indent + close
    }

    mutating func quote(_ string: String, style: Style) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += Bool.random(using: &random) ? "\\t" : "\\u0009"
            case "/" where style.escapeEverything: text += "\\/"
            case _ where scalar.value < 0x20: text += "\\u" + hex4(scalar.value)
            case _ where style.escapeEverything && scalar.value > 0x7F:
                if scalar.value > 0xFFFF {
                    let offset = scalar.value - 0x10000
                    text += "\\u" + hex4(0xD800 + (offset >> 10)) + "\\u" + hex4(0xDC00 + (offset & 0x3FF))
                } else {
                    text += "\\u" + hex4(scalar.value)
                }
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private mutating func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: Bool.random(using: &random))
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

// MARK: - Paths of a value

extension XMLJSONText {
    /// Every path in `value` with the value found there, the root included.
    static func jsoncPaths(_ value: JSONCValue, under prefix: JSONCPath = .root) -> [(path: JSONCPath, value: JSONCValue)] {
        var found = [(prefix, value)]
        switch value {
        case .object(let members):
            for member in members { found += XMLJSONText.jsoncPaths(member.value, under: prefix.appending(.key(member.key))) }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                found += XMLJSONText.jsoncPaths(element, under: prefix.appending(.index(index)))
            }
        default:
            break
        }
        return found
    }

    static func isPrefix(_ prefix: JSONCPath, of path: JSONCPath) -> Bool {
        path.components.starts(with: prefix.components)
    }

    /// True when every byte of `small` appears in `large` in order (an edit only added bytes).
    static func isSubsequence(_ small: String, of large: String) -> Bool {
        var remaining = large.utf8.makeIterator()
        nextByte: for byte in small.utf8 {
            while let candidate = remaining.next() {
                if candidate == byte { continue nextByte }
            }
            return false
        }
        return true
    }
}

// MARK: - The properties

@Suite("JSONC: properties over random documents")
struct JSONCPropertyTests {
    static let cases = 300

    /// A random tree, its text, and the generator to keep drawing from.
    static func sample(_ seed: UInt64) -> (tree: JSONCValue, text: String, random: RandomJSONC) {
        var random = RandomJSONC(random: SplitMix64(seed: seed))
        let tree = Int.random(in: 0..<8, using: &random.random) == 0 ? random.value(depth: 1) : random.object(depth: 0)
        let style = random.style()
        return (tree, random.document(tree, style: style), random)
    }

    @Test("parse → render is the identity, and the tree read is the tree written")
    func roundTrip() throws {
        for seed in 0..<UInt64(Self.cases) {
            let (tree, text, _) = Self.sample(seed)
            let document = try JSONCDocument(parsing: text)
            #expect(XMLJSONText.sameBytes(document.render(), text), "seed \(seed)")
            #expect(XMLJSONText.strictlyEqual(document.root.value, tree), "seed \(seed)")
        }
    }

    @Test("set then reparse: the path holds the new value, every unrelated path is unchanged, only the node's bytes moved")
    func setExisting() throws {
        for seed in 0..<UInt64(Self.cases) {
            var (tree, text, random) = Self.sample(seed)
            let paths = XMLJSONText.jsoncPaths(tree)
            let target = paths[Int.random(in: 0..<paths.count, using: &random.random)].path
            let newValue = Bool.random(using: &random.random) ? random.scalar() : random.value(depth: 2)
            var document = try JSONCDocument(parsing: text)
            let range = try #require(document.node(at: target)).range
            try document.set(newValue, at: target)

            let rendered = document.render()
            let reread = try JSONCDocument(parsing: rendered)
            #expect(reread.value(at: target).map { XMLJSONText.strictlyEqual($0, newValue) } == true, "seed \(seed)")
            for (path, value) in paths where !XMLJSONText.isPrefix(path, of: target) && !XMLJSONText.isPrefix(target, of: path) {
                #expect(reread.value(at: path).map { XMLJSONText.strictlyEqual($0, value) } == true, "seed \(seed) \(path)")
            }
            let old = Array(text.utf8)
            let new = Array(rendered.utf8)
            #expect(new.starts(with: old[..<range.lowerBound]), "seed \(seed)")
            #expect(new.reversed().starts(with: old[range.upperBound...].reversed()), "seed \(seed)")
        }
    }

    @Test("inserting a new key: readable at once, nothing else changes, no original byte is lost")
    func insertNew() throws {
        for seed in 0..<UInt64(Self.cases) {
            var (tree, text, random) = Self.sample(seed)
            let objects = XMLJSONText.jsoncPaths(tree).filter { if case .object = $0.value { return true } else { return false } }
            guard let (target, object) = objects.isEmpty ? nil : objects[Int.random(in: 0..<objects.count, using: &random.random)],
                case .object(let members) = object
            else { continue }
            let taken = Set(members.map { $0.key.lowercased() })
            var key = random.key()
            while taken.contains(key.lowercased()) { key += "x" }
            let newValue = random.value(depth: 2)

            var document = try JSONCDocument(parsing: text)
            try document.set(newValue, at: target.appending(.key(key)))
            let rendered = document.render()
            let reread = try JSONCDocument(parsing: rendered)
            let added = reread.value(at: target.appending(.key(key)))
            #expect(added.map { XMLJSONText.strictlyEqual($0, newValue) } == true, "seed \(seed)")
            for (path, value) in XMLJSONText.jsoncPaths(tree) where !XMLJSONText.isPrefix(path, of: target) {
                #expect(reread.value(at: path).map { XMLJSONText.strictlyEqual($0, value) } == true, "seed \(seed) \(path)")
            }
            #expect(XMLJSONText.isSubsequence(text, of: rendered), "seed \(seed)")
        }
    }

    @Test("removing a member or element: gone, the rest unchanged, only bytes were taken away")
    func removeExisting() throws {
        for seed in 0..<UInt64(Self.cases) {
            var (tree, text, random) = Self.sample(seed)
            let removable = XMLJSONText.jsoncPaths(tree).filter { !$0.path.components.isEmpty }
            guard !removable.isEmpty else { continue }
            let target = removable[Int.random(in: 0..<removable.count, using: &random.random)].path
            var document = try JSONCDocument(parsing: text)
            try document.remove(at: target)
            let rendered = document.render()
            let reread = try JSONCDocument(parsing: rendered)
            #expect(XMLJSONText.isSubsequence(rendered, of: text), "seed \(seed)")

            guard let parentPath = target.parent, let last = target.components.last,
                let parent = XMLJSONText.jsoncPaths(tree).first(where: { $0.path == parentPath })?.value
            else { continue }
            switch (last, parent) {
            case (.key(let key), .object(let members)):
                #expect(reread.value(at: target) == nil, "seed \(seed)")
                let expected = JSONCValue.object(members.filter { !$0.key.unicodeScalars.elementsEqual(key.unicodeScalars) })
                #expect(reread.value(at: parentPath).map { XMLJSONText.strictlyEqual($0, expected) } == true, "seed \(seed)")
            case (.index(let index), .array(var elements)):
                elements.remove(at: index)
                #expect(reread.value(at: parentPath).map { XMLJSONText.strictlyEqual($0, .array(elements)) } == true, "seed \(seed)")
            default:
                Issue.record("seed \(seed): the parent of \(target) is neither object nor array")
            }
            // Everything outside the parent container is untouched.
            for (path, value) in XMLJSONText.jsoncPaths(tree) where !XMLJSONText.isPrefix(parentPath, of: path) {
                if XMLJSONText.isPrefix(path, of: parentPath) { continue }
                #expect(reread.value(at: path).map { XMLJSONText.strictlyEqual($0, value) } == true, "seed \(seed) \(path)")
            }
        }
    }
}
