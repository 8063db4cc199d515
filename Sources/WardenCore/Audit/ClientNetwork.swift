// MARK: - A client network of the policy

/// A CIDR range (`10.0.0.0/24`, `::1/128`) from the inventory's `client_networks`, and the
/// one question the audit asks of it: does a pg_hba line's client range lie inside it?
///
/// This is not pg_hba evaluation (that is `HBAEvaluator`'s job); it only compares two
/// address ranges, so a line admitting more than the policy's networks is reported.
struct ClientNetwork: Sendable, Hashable {
    var address: [UInt8]
    var prefixLength: Int

    /// Parses `a.b.c.d/n`, `x::y/n`, or a bare address (a single host).
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let bytes = IPAddressText.bytes(first) else { return nil }
        let maximum = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : maximum
        guard let prefix, (0...maximum).contains(prefix) else { return nil }
        address = bytes
        prefixLength = prefix
    }

    init(address: [UInt8], prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The range of a pg_hba line (address plus netmask), nil for names and keywords.
    init?(rule: HBARuleFact) {
        guard let text = rule.address, let bytes = IPAddressText.bytes(text) else { return nil }
        let prefix = rule.netmask == nil ? bytes.count * 8 : rule.prefixLength
        guard let prefix else { return nil }
        self.init(address: bytes, prefixLength: prefix)
    }

    /// Whether every address of `other` is in this network.
    func contains(_ other: ClientNetwork) -> Bool {
        guard other.address.count == address.count, other.prefixLength >= prefixLength else { return false }
        var remaining = prefixLength
        for index in address.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[index] & mask != other.address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
