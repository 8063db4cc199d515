// MARK: - The elements of an XML file, with their exact byte ranges

/// Finds every element of an XML document — name, attributes (decoded), parent, and the byte
/// ranges of its start and end tags — and skips everything else exactly: the XML declaration,
/// processing instructions, comments (an `<add …>` inside `<!-- -->` is not an element),
/// CDATA sections, a DOCTYPE, and text.
///
/// This is not a general XML library: no namespaces, no DTD processing, no text decoding. It is
/// a correct tokenizer for what a .NET `.config` file can contain, checking what an XML reader
/// would refuse (unclosed or mismatched tags, bad attributes, unknown entities), so that a file
/// .NET cannot load is reported here with its line and column instead of being edited.
struct XMLMarkupScanner {
    struct Attribute: Sendable, Hashable {
        let name: String
        /// The text between the quotes.
        let valueRange: Range<Int>
        /// `"` or `'`.
        let quote: UInt8
        /// The value as an XML reader returns it (references replaced, whitespace normalized).
        let value: String
    }

    struct Element: Sendable, Hashable {
        let name: String
        /// Index of the enclosing element in the scan's list; nil for the root.
        let parent: Int?
        /// From `<` to `>` of the start tag (or of the whole `<x/>`).
        let startTag: Range<Int>
        let attributes: [Attribute]
        /// Offset just after the name or the last attribute: where `>` or `/>` may be rewritten.
        let attributesEnd: Int
        let position: TextPosition
        /// From `<` to `>` of the end tag; nil for `<x/>`.
        var endTag: Range<Int>?

        var isSelfClosing: Bool { endTag == nil }
        /// The offset after the element's last byte.
        var end: Int { endTag?.upperBound ?? startTag.upperBound }

        func attribute(_ name: String) -> Attribute? {
            attributes.first { $0.name == name }
        }
    }

    private let bytes: [UInt8]
    private let positions: UTF8PositionTable
    private var index = 0
    private var elements: [Element] = []
    /// Indices of the elements whose end tag has not come yet.
    private var open: [Int] = []
    private var rootClosed = false

    /// All elements of `bytes` in document order; the first one is the root.
    static func scan(_ bytes: [UInt8]) throws(CoreError) -> [Element] {
        var scanner = XMLMarkupScanner(bytes: bytes)
        try scanner.scanDocument()
        return scanner.elements
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        self.positions = UTF8PositionTable(bytes)
    }

    // MARK: Document

    private mutating func scanDocument() throws(CoreError) {
        index = UTF8PositionTable.bomLength(bytes)
        while let lessThan = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = lessThan
            if startsWith("<!--") {
                index = try skip(past: "-->", from: index + 4, what: "comment", hint: "close the comment with -->")
            } else if startsWith("<![CDATA[") {
                index = try skip(past: "]]>", from: index + 9, what: "CDATA section", hint: "close it with ]]>")
            } else if startsWith("<?") {
                index = try skip(
                    past: "?>", from: index + 2, what: "XML declaration or processing instruction",
                    hint: "close it with ?>")
            } else if startsWith("<!") {
                try skipDeclaration()
            } else if startsWith("</") {
                try scanEndTag()
            } else {
                try scanStartTag()
            }
        }
        if let unclosed = open.last {
            let element = elements[unclosed]
            throw failure(
                "the <\(element.name)> element opened at \(element.position) is not closed", at: bytes.count,
                hint: "add </\(element.name)> (the file may be cut off)")
        }
        if elements.isEmpty {
            throw failure(
                "the file has no root element", at: bytes.count,
                hint: "a .NET config file starts with <configuration>")
        }
    }

    // MARK: Tags

    private mutating func scanStartTag() throws(CoreError) {
        let start = index
        index += 1
        guard index < bytes.count, Self.isNameStart(bytes[index]) else {
            throw failure("expected an element name after '<'", at: start, hint: "write a literal < in text as &lt;")
        }
        let name = readName()
        if open.isEmpty, rootClosed {
            throw failure(
                "a second root element <\(name)>", at: start,
                hint: "an XML file has exactly one root element; move it inside the first one")
        }
        var attributes: [Attribute] = []
        var attributesEnd = index
        var selfClosing = false
        while true {
            let spaced = skipWhitespace()
            guard index < bytes.count, bytes[index] != UInt8(ascii: "<") else {
                throw failure("the tag <\(name)> is not closed", at: start, hint: "end the tag with > or />")
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            if bytes[index] == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else {
                    throw failure("expected '/>' in the tag <\(name)>", at: index, hint: "end the tag with > or />")
                }
                index += 2
                selfClosing = true
                break
            }
            guard Self.isNameStart(bytes[index]) else {
                throw failure(
                    "unexpected character in the tag <\(name)>", at: index,
                    hint: "attributes are written name=\"value\"")
            }
            guard spaced else {
                throw failure(
                    "attributes of <\(name)> must be separated by whitespace", at: index,
                    hint: "put a space between one attribute's closing quote and the next name")
            }
            let attributeStart = index
            let attribute = try scanAttribute(in: name)
            if attributes.contains(where: { $0.name == attribute.name }) {
                throw failure(
                    "the attribute \"\(attribute.name)\" appears twice in <\(name)>", at: attributeStart,
                    hint: "keep one of them")
            }
            attributes.append(attribute)
            attributesEnd = index
        }
        elements.append(
            Element(
                name: name, parent: open.last, startTag: start..<index, attributes: attributes,
                attributesEnd: attributesEnd, position: positions.position(of: start), endTag: nil))
        if selfClosing {
            rootClosed = rootClosed || open.isEmpty
        } else {
            open.append(elements.count - 1)
        }
    }

    private mutating func scanAttribute(in element: String) throws(CoreError) -> Attribute {
        let name = readName()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
            throw failure(
                "expected '=' after the attribute name \"\(name)\" in <\(element)>", at: index,
                hint: "attributes are written name=\"value\"")
        }
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw failure(
                "the value of attribute \"\(name)\" must be in quotes", at: index,
                hint: "write \(name)=\"value\"")
        }
        let quote = bytes[index]
        let opening = index
        index += 1
        while index < bytes.count, bytes[index] != quote, bytes[index] != UInt8(ascii: "<") { index += 1 }
        guard index < bytes.count, bytes[index] == quote else {
            throw failure(
                "the value of attribute \"\(name)\" is not closed before the next '<'", at: opening,
                hint: "close the value with its quote; write a literal < inside a value as &lt;")
        }
        let valueRange = opening + 1..<index
        index += 1
        let value = try XMLAttributeText.decode(bytes, valueRange, attribute: name, positions: positions)
        return Attribute(name: name, valueRange: valueRange, quote: quote, value: value)
    }

    private mutating func scanEndTag() throws(CoreError) {
        let start = index
        index += 2
        guard index < bytes.count, Self.isNameStart(bytes[index]) else {
            throw failure("expected an element name after '</'", at: start, hint: "an end tag is written </name>")
        }
        let name = readName()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
            throw failure("the end tag </\(name)> is not closed", at: start, hint: "end it with >")
        }
        index += 1
        guard let innermost = open.last else {
            throw failure(
                "the end tag </\(name)> has no start tag", at: start,
                hint: "remove it, or add <\(name)> before it")
        }
        let element = elements[innermost]
        guard element.name == name else {
            throw failure(
                "the end tag </\(name)> does not match <\(element.name)> opened at \(element.position)", at: start,
                hint: "close <\(element.name)> first (or fix the tag's spelling)")
        }
        elements[innermost].endTag = start..<index
        open.removeLast()
        rootClosed = rootClosed || open.isEmpty
    }

    // MARK: Everything else

    /// Skips `<!DOCTYPE …>` (with an internal subset in brackets) or another `<!…>` declaration.
    private mutating func skipDeclaration() throws(CoreError) {
        let start = index
        index += 2
        var brackets = 0
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                brackets += 1
            } else if byte == UInt8(ascii: "]") {
                brackets -= 1
            } else if byte == UInt8(ascii: ">"), brackets <= 0 {
                index += 1
                return
            } else if brackets > 0, startsWith("<!--") {
                index = try skip(past: "-->", from: index + 4, what: "comment", hint: "close the comment with -->")
                continue
            }
            index += 1
        }
        throw failure("unterminated <!…> declaration", at: start, hint: "close it with >")
    }

    /// The offset after the first `terminator` at or after `from`; throws at the construct's start.
    private func skip(past terminator: String, from: Int, what: String, hint: String) throws(CoreError) -> Int {
        let pattern = Array(terminator.utf8)
        var candidate = from
        while candidate + pattern.count <= bytes.count {
            if bytes[candidate] == pattern[0], bytes[candidate..<candidate + pattern.count].elementsEqual(pattern) {
                return candidate + pattern.count
            }
            candidate += 1
        }
        throw failure("unterminated \(what)", at: index, hint: hint)
    }

    private func startsWith(_ prefix: String) -> Bool {
        bytes[index...].starts(with: prefix.utf8)
    }

    private mutating func readName() -> String {
        let start = index
        while index < bytes.count, Self.isNameCharacter(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Skips XML whitespace; says whether there was any.
    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        return index > start
    }

    private func failure(_ message: String, at offset: Int, hint: String) -> CoreError {
        CoreError(.parse, message, hint: hint, position: positions.position(of: offset))
    }

    // MARK: Character classes

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }
}
