// MARK: - A client network of the policy

/// An address range (`10.0.0.0/24`, `::1/128`) from the inventory's `client_networks` or a
/// pg_hba line, and the one question the audit asks of it: does a pg_hba line's client
/// range lie inside it?
///
/// The mask is kept bit by bit, not as a prefix length: a pg_hba netmask column may have
/// holes (`10.0.0.77 255.0.0.255` admits every `10.x.y.77`), and the server applies it as
/// written, so reading it as a prefix would judge the wrong range.
///
/// This is not pg_hba evaluation (that is `HBAEvaluator`'s job); it only compares two
/// address ranges, so a line admitting more than the policy's networks is reported.
struct ClientNetwork: Sendable, Hashable {
    var address: [UInt8]
    var mask: [UInt8]

    /// Parses `a.b.c.d/n`, `x::y/n`, or a bare address (a single host).
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let bytes = IPAddressText.bytes(first) else { return nil }
        let maximum = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : maximum
        guard let prefix, (0...maximum).contains(prefix) else { return nil }
        self.init(address: bytes, prefixLength: prefix)
    }

    init(address: [UInt8], prefixLength: Int) {
        self.init(address: address, mask: address.indices.map { index in
            let bits = max(0, min(8, prefixLength - index * 8))
            return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        })
    }

    init(address: [UInt8], mask: [UInt8]) {
        self.address = address
        self.mask = mask
    }

    /// The range of a pg_hba line (address plus netmask, holes kept), nil for names and
    /// keywords.
    init?(rule: HBARuleFact) {
        guard let text = rule.address, let bytes = IPAddressText.bytes(text) else { return nil }
        guard let netmask = rule.netmask else {
            self.init(address: bytes, prefixLength: bytes.count * 8)
            return
        }
        guard let mask = IPAddressText.bytes(netmask), mask.count == bytes.count else { return nil }
        self.init(address: bytes, mask: mask)
    }

    /// The prefix length when the mask has no holes, else nil.
    var prefixLength: Int? {
        let ones = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        let contiguous = ClientNetwork(address: address, prefixLength: ones).mask == mask
        return contiguous ? ones : nil
    }

    /// Whether every address of `other` is in this network: every bit this mask tests is
    /// tested by `other`'s too, and both agree on those bits.
    func contains(_ other: ClientNetwork) -> Bool {
        guard other.address.count == address.count else { return false }
        for index in address.indices {
            let mine = mask[index]
            guard mine & other.mask[index] == mine, address[index] & mine == other.address[index] & mine else { return false }
        }
        return true
    }

    /// 127.0.0.0/8 and ::1: a line whose whole range lies inside admits only this machine.
    static let loopback = [ClientNetwork("127.0.0.0/8"), ClientNetwork("::1/128")].compactMap { $0 }
}
