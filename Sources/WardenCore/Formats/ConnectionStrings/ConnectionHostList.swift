// MARK: - Multi-host lists

/// Splits and joins the host lists that multi-host failover uses.
///
/// The connection-string editors treat `Host=a,b` as one opaque value; this is where its
/// structure lives. Two spellings exist:
/// - ADO.NET (Devart, Npgsql): one value, each host with an optional port,
///   `db1:5432,db2:5433,[fd00::1]:5432`; a host without a port uses the `Port` key.
/// - libpq keyword/value: two parallel lists, `host=db1,db2 port=5432,5433`; one port
///   applies to every host.
public enum ConnectionHostList {
    /// One host of a list, with its own port if it has one.
    public struct Host: Sendable, Hashable {
        /// A DNS name, an IPv4 or IPv6 address (without brackets), or a socket directory.
        public var name: String
        public var port: Int?

        public init(name: String, port: Int? = nil) {
            self.name = name
            self.port = port
        }
    }

    // MARK: ADO.NET spelling

    /// Splits an ADO.NET host value (`a:5432,b,[::1]:5433`). Blanks around entries are
    /// ignored. An unbracketed entry with more than one `:` is an IPv6 address without a port.
    public static func split(_ value: String) throws -> [Host] {
        let entries = splitOnCommas(Array(value.utf8))
        var hosts: [Host] = []
        for (index, raw) in entries.enumerated() {
            let entry = trimmed(raw)
            guard !entry.isEmpty else {
                throw CoreError(.invalid, "host \(index + 1) of \(entries.count) in the host list is empty",
                                hint: "separate host names with single commas: host1,host2:5433")
            }
            hosts.append(try host(fromADOEntry: entry, number: index + 1))
        }
        return hosts
    }

    /// Joins hosts into an ADO.NET host value; IPv6 addresses get brackets when they carry a port
    /// or would otherwise be ambiguous.
    public static func join(_ hosts: [Host]) -> String {
        hosts.map { host in
            let isIPv6 = host.name.utf8.contains(0x3A)
            let name = isIPv6 ? "[\(host.name)]" : host.name
            return host.port.map { "\(name):\($0)" } ?? name
        }.joined(separator: ",")
    }

    // MARK: libpq spelling

    /// Combines libpq's parallel `host` and `port` lists. One port applies to every host;
    /// otherwise there must be one port (possibly empty) per host, as libpq requires.
    public static func split(hosts: String, ports: String?) throws -> [Host] {
        let names = splitOnCommas(Array(hosts.utf8)).map { PlainTextBytes.string($0) }
        guard let ports, !ports.isEmpty else {
            return names.map { Host(name: $0) }
        }
        let portTexts = splitOnCommas(Array(ports.utf8))
        guard portTexts.count == 1 || portTexts.count == names.count else {
            throw CoreError(.invalid, "the port list has \(portTexts.count) entries for \(names.count) hosts",
                            hint: "give one port for all hosts, or one port per host in the same order")
        }
        var hosts: [Host] = []
        for (index, name) in names.enumerated() {
            let text = portTexts.count == 1 ? portTexts[0] : portTexts[index]
            hosts.append(Host(name: name, port: try port(trimmed(text), hostNumber: index + 1)))
        }
        return hosts
    }

    /// Splits hosts into libpq's `host` and `port` values. `ports` is nil when no host has a
    /// port, a single port when all hosts share one, and a per-host list otherwise.
    public static func joinSeparately(_ hosts: [Host]) -> (hosts: String, ports: String?) {
        let names = hosts.map(\.name).joined(separator: ",")
        let ports = hosts.map(\.port)
        if ports.allSatisfy({ $0 == nil }) { return (names, nil) }
        if let first = ports.first, let shared = first, ports.allSatisfy({ $0 == shared }) {
            return (names, String(shared))
        }
        return (names, ports.map { $0.map(String.init) ?? "" }.joined(separator: ","))
    }

    // MARK: Pieces

    /// A port number: decimal digits, 1 through 65535. Empty text means "no port".
    static func port(_ text: [UInt8], hostNumber: Int) throws -> Int? {
        guard !text.isEmpty else { return nil }
        return try writtenPort(text, hostNumber: hostNumber)
    }

    /// A port that must be there (after a `:`).
    private static func writtenPort(_ text: [UInt8], hostNumber: Int) throws -> Int {
        guard let number = parsePortNumber(text) else {
            throw CoreError(.invalid, "host \(hostNumber) has an invalid port '\(PlainTextBytes.string(text))'",
                            hint: "a port is a number from 1 to 65535")
        }
        return number
    }

    /// The port `text` names, or nil unless it is 1–65535 written in decimal digits.
    static func parsePortNumber(_ text: [UInt8]) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let number = text.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (1...65535).contains(number) ? number : nil
    }

    private static func host(fromADOEntry entry: [UInt8], number: Int) throws -> Host {
        if entry.first == 0x5B {  // [IPv6]:port
            guard let close = entry.firstIndex(of: 0x5D) else {
                throw CoreError(.invalid, "host \(number) has '[' without a closing ']'",
                                hint: "write IPv6 addresses as [address] or [address]:port")
            }
            let name = PlainTextBytes.string(entry[1..<close])
            let rest = Array(entry[(close + 1)...])
            if rest.isEmpty { return Host(name: name) }
            guard rest.first == 0x3A else {
                throw CoreError(.invalid, "host \(number) has text after ']' that is not ':port'",
                                hint: "write IPv6 addresses as [address] or [address]:port")
            }
            return Host(name: name, port: try writtenPort(Array(rest.dropFirst()), hostNumber: number))
        }
        let colons = entry.indices.filter { entry[$0] == 0x3A }
        guard colons.count == 1, let colon = colons.first else {
            return Host(name: PlainTextBytes.string(entry))  // plain name, or bare IPv6 address
        }
        return Host(
            name: PlainTextBytes.string(entry[..<colon]),
            port: try writtenPort(Array(entry[(colon + 1)...]), hostNumber: number)
        )
    }

    static func splitOnCommas(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
    }

    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        var slice = bytes[...]
        while let first = slice.first, PlainTextBytes.isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, PlainTextBytes.isSpace(last) { slice = slice.dropLast() }
        return Array(slice)
    }
}
