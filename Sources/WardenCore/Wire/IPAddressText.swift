// MARK: - IP address literals

/// Recognises IP address literals in host names, as raw bytes (4 or 16), so that SNI is
/// skipped for them and certificate matching compares them against iPAddress SANs.
///
/// Strict on purpose: `1.2.3` or `0x7f.1` are not IPv4 literals here (they are not what a
/// user means when they type a host name, and RFC 6125 matches exact addresses).
enum IPAddressText {
    /// Four bytes for a dotted-quad IPv4 literal, else nil.
    static func ipv4Bytes(_ text: some StringProtocol) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// Sixteen bytes for an IPv6 literal (optionally in brackets, with a `%zone`), else nil.
    static func ipv6Bytes(_ text: some StringProtocol) -> [UInt8]? {
        var literal = Substring(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        if let zone = literal.firstIndex(of: "%") { literal = literal[..<zone] }
        guard literal.contains(":") else { return nil }

        let halves = literal.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let count = head.count + tail.count
        if halves.count == 2 {
            guard count <= 14 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - count) + tail
        }
        return count == 16 ? head : nil
    }

    /// Bytes of colon-separated hex groups; the last group may be a dotted IPv4 address.
    private static func groups(_ text: String) -> [UInt8]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, part.contains(".") {
                guard let v4 = ipv4Bytes(part) else { return nil }
                bytes += v4
                continue
            }
            guard (1...4).contains(part.count), let value = UInt16(part, radix: 16) else { return nil }
            bytes += [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)]
        }
        return bytes
    }

    /// Either form.
    static func bytes(_ text: some StringProtocol) -> [UInt8]? {
        ipv4Bytes(text) ?? ipv6Bytes(text)
    }

    /// Text for 4 or 16 address bytes (IPv6 without `::` shortening, lower-case hex).
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
        return stride(from: 0, to: 16, by: 2)
            .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
