// MARK: - Reading a record from its fields

/// Turns the fields of one logical line into an `HBARule`, with the server's checks
/// (`parse_hba_line`) in the server's order, and errors that point at the offending token.
struct HBARuleReader {
    let fields: [HBATokenizer.Field]
    /// Just past the last token of the line, for "end of line before …" errors.
    let lineEnd: Int
    /// Where a file offset is, as line and column.
    let position: (Int) -> TextPosition

    static let recordShape = "A record is: TYPE DATABASE USER [ADDRESS [MASK]] METHOD [name=value …] (no ADDRESS for local)."

    func read() throws(CoreError) -> HBARule {
        let type = try connectionType()
        let databases = try requiredField(1, "end-of-line before database specification").map(Self.database)
        let users = try requiredField(2, "end-of-line before role specification").map(Self.user)
        var next = 3
        var address: HBARule.Address?
        if type != .local {
            (address, next) = try readAddress(at: 3)
        }
        let method = try readMethod(at: next, type: type)
        let options = try readOptions(from: next + 1)
        return HBARule(
            connectionType: type, databases: databases, users: users, address: address,
            method: method, options: options)
    }

    // MARK: Fields

    private func fail(_ message: String, _ hint: String, at offset: Int) -> CoreError {
        CoreError(.parse, message, hint: hint, position: position(offset))
    }

    private func requiredField(_ index: Int, _ message: String) throws(CoreError) -> HBATokenizer.Field {
        guard index < fields.count else { throw fail(message, Self.recordShape, at: lineEnd) }
        return fields[index]
    }

    /// A field that must hold one token (type, address, mask, method).
    private func singleToken(_ index: Int, missing: String, multiple: String, hint: String) throws(CoreError) -> HBATokenizer.Token {
        let field = try requiredField(index, missing)
        guard field.count == 1, let token = field.first else {
            throw fail(multiple, hint, at: field[1].range.lowerBound)
        }
        return token
    }

    private func connectionType() throws(CoreError) -> HBARule.ConnectionType {
        let token = try singleToken(
            0, missing: "empty record", multiple: "multiple values specified for connection type",
            hint: "Specify exactly one connection type per line.")
        guard let type = HBARule.ConnectionType(rawValue: token.text) else {
            throw fail(
                "invalid connection type \"\(token.text)\"",
                "Use local, host, hostssl, hostnossl, hostgssenc or hostnogssenc.", at: token.range.lowerBound)
        }
        return type
    }

    // MARK: Databases and users

    private static func isFileInclusion(_ token: HBATokenizer.Token) -> Bool {
        !token.isQuoted && token.text.utf8.count > 1 && token.text.hasPrefix("@")
    }

    static func database(_ token: HBATokenizer.Token) -> HBARule.Database {
        if isFileInclusion(token) { return .file(String(token.text.dropFirst())) }
        if !token.isQuoted {
            switch token.text {
            case "all": return .all
            case "sameuser": return .sameUser
            case "samerole", "samegroup": return .sameRole
            case "replication": return .replication
            default: break
            }
        }
        // The server compiles any entry starting with a slash as a regex, quoted or not.
        if token.text.hasPrefix("/") { return .regex(String(token.text.dropFirst())) }
        return .name(token.text)
    }

    static func user(_ token: HBATokenizer.Token) -> HBARule.User {
        if isFileInclusion(token) { return .file(String(token.text.dropFirst())) }
        if !token.isQuoted, token.text.hasPrefix("+") { return .member(of: String(token.text.dropFirst())) }
        if !token.isQuoted, token.text == "all" { return .all }
        if token.text.hasPrefix("/") { return .regex(String(token.text.dropFirst())) }
        return .name(token.text)
    }

    // MARK: Address

    /// The address (and, for an address without a prefix length, the mask column after it);
    /// returns the index of the field after them.
    private func readAddress(at index: Int) throws(CoreError) -> (HBARule.Address, Int) {
        let token = try singleToken(
            index, missing: "end-of-line before IP address specification",
            multiple: "multiple values specified for host address", hint: "Specify one address range per line.")
        let start = token.range.lowerBound
        if !token.isQuoted {
            switch token.text {
            case "all": return (.all, index + 1)
            case "samehost": return (.sameHost, index + 1)
            case "samenet": return (.sameNet, index + 1)
            default: break
            }
        }
        if Self.isFileInclusion(token) {
            throw CoreError(
                .unsupported, "pgwarden does not read @file inclusions in the address column",
                hint: "Write the address range in the line itself.", position: position(start))
        }
        let text = token.text
        let slash = text.firstIndex(of: "/")
        let addressText = String(slash.map { text[..<$0] } ?? text[...])
        guard let address = IPAddress(addressText) else {
            if Self.looksNumeric(addressText) {
                throw fail(
                    "invalid IP address \"\(addressText)\"",
                    "Write IPv4 as four decimal numbers without leading zeros (10.0.0.0/8), IPv6 in standard form (fd00::/8).",
                    at: start)
            }
            if slash != nil {
                throw fail(
                    "specifying both host name and CIDR mask is invalid: \"\(text)\"",
                    "A host name matches one host (or, with a leading dot, a domain); use an IP range for networks.",
                    at: start)
            }
            return (.hostName(text), index + 1)
        }
        if let slash {
            let bits = text[text.index(after: slash)...]
            guard (1...3).contains(bits.count), bits.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(bits),
                  let range = IPAddressRange(address: address, prefixLength: length)
            else {
                throw fail(
                    "invalid CIDR mask in address \"\(text)\"",
                    "Write the prefix length after the slash: 0–32 for IPv4, 0–128 for IPv6.", at: start)
            }
            return (.range(range), index + 1)
        }
        let maskToken = try singleToken(
            index + 1, missing: "end-of-line before netmask specification",
            multiple: "multiple values specified for netmask",
            hint: "Specify an address range in CIDR notation, or provide a separate netmask.")
        guard let mask = IPAddress(maskToken.text) else {
            throw fail(
                "invalid IP mask \"\(maskToken.text)\"",
                "Write the mask as an address (255.255.255.0), or use CIDR notation (10.0.0.0/24).",
                at: maskToken.range.lowerBound)
        }
        guard let range = IPAddressRange(address: address, mask: mask) else {
            throw fail(
                "IP address and mask do not match",
                "Use an IPv4 mask with an IPv4 address and an IPv6 mask with an IPv6 address.",
                at: maskToken.range.lowerBound)
        }
        return (.range(range), index + 2)
    }

    /// Text the C resolver would read as a (possibly odd) numeric address, such as `10.1`,
    /// `0x7f.1` or `010.0.0.1`, or that contains a colon; never a host name.
    static func looksNumeric(_ text: String) -> Bool {
        if text.contains(":") { return true }
        if text.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) { return true }
        let lower = text.lowercased()
        return lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy { $0 == "." || ($0.isASCII && $0.isHexDigit) }
    }

    // MARK: Method and options

    private func readMethod(at index: Int, type: HBARule.ConnectionType) throws(CoreError) -> HBARule.Method {
        let methods = HBARule.Method.allCases.map(\.rawValue).joined(separator: ", ")
        let token = try singleToken(
            index, missing: "end-of-line before authentication method",
            multiple: "multiple values specified for authentication type",
            hint: "Specify exactly one authentication type per line.")
        let start = token.range.lowerBound
        guard let method = HBARule.Method(rawValue: token.text) else {
            throw fail("invalid authentication method \"\(token.text)\"", "Use one of: \(methods).", at: start)
        }
        if type == .local, method == .gss {
            throw fail(
                "gssapi authentication is not supported on local sockets",
                "Use peer or scram-sha-256 on local lines.", at: start)
        }
        if type != .local, method == .peer {
            throw fail(
                "peer authentication is only supported on local sockets",
                "Use scram-sha-256 (or cert on hostssl) for TCP connections.", at: start)
        }
        if type != .hostssl, method == .cert {
            throw fail(
                "cert authentication is only supported on hostssl connections",
                "Make the line hostssl, or use another method.", at: start)
        }
        return method
    }

    /// Options never appear in messages: their values may be secrets.
    private func readOptions(from index: Int) throws(CoreError) -> [HBARule.Option] {
        var options: [HBARule.Option] = []
        for field in fields.dropFirst(index) {
            for token in field {
                guard let equals = token.text.firstIndex(of: "=") else {
                    throw fail(
                        "authentication option not in name=value format",
                        "Options follow the method as name=value, e.g. clientcert=verify-full.",
                        at: token.range.lowerBound)
                }
                let name = String(token.text[..<equals])
                guard !name.isEmpty else {
                    throw fail(
                        "authentication option without a name",
                        "Options follow the method as name=value, e.g. clientcert=verify-full.",
                        at: token.range.lowerBound)
                }
                options.append(HBARule.Option(name: name, value: String(token.text[token.text.index(after: equals)...])))
            }
        }
        return options
    }
}
