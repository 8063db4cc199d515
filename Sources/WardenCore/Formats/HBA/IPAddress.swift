// MARK: - An IPv4 or IPv6 address

/// An IPv4 or IPv6 address as plain bytes in network order.
///
/// PostgreSQL compares client addresses with `pg_hba.conf` ranges per family: an IPv4
/// client only matches IPv4 ranges and an IPv6 client only IPv6 ranges. An IPv4-mapped
/// IPv6 address (`::ffff:10.1.2.3`) is therefore an IPv6 address here, exactly as the
/// server treats it: it does not match `10.0.0.0/8`, only an IPv6 range such as
/// `::ffff:10.0.0.0/104`.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Family: Sendable, Hashable, Comparable {
        case v4, v6

        /// Bytes in an address of this family.
        public var byteCount: Int { self == .v4 ? 4 : 16 }
    }

    public let family: Family
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    public let bytes: [UInt8]

    /// An address from its bytes; nil unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: family = .v4
        case 16: family = .v6
        default: return nil
        }
        self.bytes = bytes
    }

    /// Parses dotted-quad IPv4 (`192.168.0.1`) or RFC 4291 IPv6 (`::1`, `fe80::1%eth0`,
    /// `::ffff:10.1.2.3`). A zone (`%eth0`) is accepted and dropped, as the server's
    /// comparison ignores it.
    ///
    /// Deliberately stricter than `inet_aton`: `10.1`, `0x7f.1` and leading zeros
    /// (`010.0.0.1`, which C reads as octal) are refused rather than guessed at.
    public init?(_ text: String) {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%"), text.contains(":") {
            guard text.index(after: percent) < text.endIndex else { return nil }
            text = text[..<percent]
        }
        if let bytes = Self.parseIPv4(text) {
            self.init(bytes: bytes)
        } else if let bytes = Self.parseIPv6(text) {
            self.init(bytes: bytes)
        } else {
            return nil
        }
    }

    /// The all-ones mask of `prefixLength` bits for `family` (`/24` → `255.255.255.0`);
    /// nil when the length is out of range for the family.
    public static func mask(prefixLength: Int, family: Family) -> IPAddress? {
        let width = family.byteCount * 8
        guard (0...width).contains(prefixLength) else { return nil }
        var bytes = [UInt8](repeating: 0, count: family.byteCount)
        for bit in 0..<prefixLength {
            bytes[bit / 8] |= 0x80 >> UInt8(bit % 8)
        }
        return IPAddress(bytes: bytes)
    }

    /// The number of leading one bits, when the address is a contiguous mask
    /// (`255.255.240.0` → 20); nil for a mask with holes (`255.0.255.0`).
    public var prefixLength: Int? {
        var length = 0
        var seenZero = false
        for byte in bytes {
            for shift in (0..<8).reversed() {
                if byte >> UInt8(shift) & 1 == 1 {
                    if seenZero { return nil }
                    length += 1
                } else {
                    seenZero = true
                }
            }
        }
        return length
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
    public var mappedIPv4: IPAddress? {
        guard family == .v6, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else {
            return nil
        }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    /// Dotted quad, or RFC 5952 IPv6 (lowercase, the longest run of zero groups as `::`,
    /// IPv4-mapped addresses as `::ffff:a.b.c.d`).
    public var description: String {
        if family == .v4 { return bytes.map(String.init).joined(separator: ".") }
        if let mappedIPv4 { return "::ffff:" + mappedIPv4.description }
        let groups = (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family < rhs.family }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    // MARK: Parsing

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        guard let gap = text.firstRange(of: "::") else {
            guard let groups = parseGroups(text, allowIPv4Tail: true), groups.count == 16 else { return nil }
            return groups
        }
        let tailText = text[gap.upperBound...]
        guard tailText.firstRange(of: "::") == nil,
              let head = parseGroups(text[..<gap.lowerBound], allowIPv4Tail: false),
              let tail = parseGroups(tailText, allowIPv4Tail: true),
              head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// Colon-separated hex groups (1–4 digits each), the last one optionally a dotted quad.
    private static func parseGroups(_ text: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
        guard !text.isEmpty else { return [] }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, allowIPv4Tail, group.contains(".") {
                guard let ipv4 = parseIPv4(group) else { return nil }
                bytes += ipv4
                continue
            }
            guard (1...4).contains(group.count), group.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                  let value = UInt16(group, radix: 16)
            else { return nil }
            bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        return bytes
    }
}
