// MARK: - Writing new values in the file's style

/// Writes a ``JSONCValue`` as JSON text for splicing into a document: strings escaped
/// minimally (quote, backslash, control characters; everything else as itself), numbers in
/// their own spelling, objects and arrays laid out in the style the surrounding text uses.
struct JSONCWriter {
    /// How containers are laid out; taken from the text around the edit.
    struct Style {
        var multiLine: Bool
        var unit: [UInt8]
        var newline: [UInt8]
        var colon: [UInt8]
        /// One-line containers: what follows a comma, and what pads the brackets.
        var separator: [UInt8] = [JSONCByte.space]
        var padding: [UInt8] = []
        var trailingCommas = false
    }

    let style: Style

    /// `value` as text; `indent` is the indentation of the line it starts on.
    func render(_ value: JSONCValue, indent: [UInt8]) -> [UInt8] {
        switch value {
        case .object(let members):
            let items = members.map { member in
                { (inner: [UInt8]) in
                    Self.quoted(member.key) + style.colon + render(member.value, indent: inner)
                }
            }
            return container(open: JSONCByte.openBrace, close: JSONCByte.closeBrace, items: items, indent: indent)
        case .array(let elements):
            let items = elements.map { element in { (inner: [UInt8]) in render(element, indent: inner) } }
            return container(open: JSONCByte.openBracket, close: JSONCByte.closeBracket, items: items, indent: indent)
        default:
            return Self.scalar(value)
        }
    }

    /// A member as it appears in an object: `"key": value`.
    func member(_ key: String, _ value: JSONCValue, indent: [UInt8]) -> [UInt8] {
        Self.quoted(key) + style.colon + render(value, indent: indent)
    }

    private func container(
        open: UInt8, close: UInt8, items: [([UInt8]) -> [UInt8]], indent: [UInt8]
    ) -> [UInt8] {
        guard !items.isEmpty else { return [open, close] }
        if style.multiLine {
            let inner = indent + style.unit
            var text = [open]
            for (index, item) in items.enumerated() {
                text += style.newline + inner + item(inner)
                if index < items.count - 1 || style.trailingCommas { text.append(JSONCByte.comma) }
            }
            return text + style.newline + indent + [close]
        }
        var text = [open] + style.padding
        for (index, item) in items.enumerated() {
            if index > 0 { text += [JSONCByte.comma] + style.separator }
            text += item(indent)
        }
        return text + style.padding + [close]
    }

    // MARK: Scalars

    /// A scalar's JSON text; containers are not scalars and come out as `{}` / `[]` when empty.
    static func scalar(_ value: JSONCValue) -> [UInt8] {
        switch value {
        case .string(let string): quoted(string)
        case .number(let number): Array(number.spelling.utf8)
        case .bool(let bool): Array((bool ? "true" : "false").utf8)
        case .null: Array("null".utf8)
        case .object: [JSONCByte.openBrace, JSONCByte.closeBrace]
        case .array: [JSONCByte.openBracket, JSONCByte.closeBracket]
        }
    }

    /// `string` in double quotes, escaping only what JSON requires.
    static func quoted(_ string: String) -> [UInt8] {
        var text: [UInt8] = [JSONCByte.quote]
        for byte in string.utf8 {
            switch byte {
            case JSONCByte.quote: text += [JSONCByte.backslash, JSONCByte.quote]
            case JSONCByte.backslash: text += [JSONCByte.backslash, JSONCByte.backslash]
            case JSONCByte.lineFeed: text += Array("\\n".utf8)
            case JSONCByte.carriageReturn: text += Array("\\r".utf8)
            case JSONCByte.tab: text += Array("\\t".utf8)
            case 0x08: text += Array("\\b".utf8)
            case 0x0C: text += Array("\\f".utf8)
            case 0x00..<0x20:
                let hex = Array("0123456789ABCDEF".utf8)
                text += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: text.append(byte)
            }
        }
        text.append(JSONCByte.quote)
        return text
    }
}
