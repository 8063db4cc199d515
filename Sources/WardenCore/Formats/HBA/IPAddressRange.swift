// MARK: - An address with a mask

/// An address and a mask of the same family: the addresses `x` with
/// `x & mask == address & mask`, which is how PostgreSQL matches a `pg_hba.conf` range
/// (`pg_range_sockaddr`).
///
/// The mask is kept as bytes rather than a prefix length because a separate netmask
/// column may have holes (`255.0.255.0`) and the server still applies it bit by bit.
/// The address keeps its host bits (`10.1.2.3/8` stays as written): the server does, and
/// a network interface (address plus netmask, for `samehost`/`samenet`) needs them.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let mask: IPAddress

    /// Nil when the two are of different families.
    public init?(address: IPAddress, mask: IPAddress) {
        guard address.family == mask.family else { return nil }
        self.address = address
        self.mask = mask
    }

    /// Nil when `prefixLength` is out of range for the address's family.
    public init?(address: IPAddress, prefixLength: Int) {
        guard let mask = IPAddress.mask(prefixLength: prefixLength, family: address.family) else { return nil }
        self.init(address: address, mask: mask)
    }

    /// Parses `address/bits` or a bare address (a single host).
    public init?(cidr text: String) {
        guard let slash = text.firstIndex(of: "/") else {
            guard let address = IPAddress(text),
                  let mask = IPAddress.mask(prefixLength: address.family.byteCount * 8, family: address.family)
            else { return nil }
            self.init(address: address, mask: mask)
            return
        }
        let bits = text[text.index(after: slash)...]
        guard let address = IPAddress(String(text[..<slash])), (1...3).contains(bits.count),
              bits.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(bits)
        else { return nil }
        self.init(address: address, prefixLength: length)
    }

    /// The prefix length when the mask is contiguous.
    public var prefixLength: Int? { mask.prefixLength }

    /// Whether `candidate` is in the range; always false across families.
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.family == address.family else { return false }
        for index in 0..<mask.bytes.count where candidate.bytes[index] & mask.bytes[index] != address.bytes[index] & mask.bytes[index] {
            return false
        }
        return true
    }

    /// Whether every address of `other` is in this range.
    ///
    /// Exact for any masks: it holds iff every bit this mask tests is also tested by
    /// `other`'s mask, and both agree on those bits.
    public func contains(_ other: IPAddressRange) -> Bool {
        guard other.address.family == address.family else { return false }
        for index in 0..<mask.bytes.count {
            let mine = mask.bytes[index]
            guard mine & other.mask.bytes[index] == mine,
                  address.bytes[index] & mine == other.address.bytes[index] & mine
            else { return false }
        }
        return true
    }

    /// `address/bits`, or `address mask` when the mask has holes.
    public var description: String {
        if let prefixLength { return "\(address)/\(prefixLength)" }
        return "\(address) \(mask)"
    }
}
