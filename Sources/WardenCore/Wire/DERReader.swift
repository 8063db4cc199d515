// MARK: - Just enough DER to read a certificate

/// A minimal DER (ASN.1 distinguished encoding) reader: tag, length, value. Enough to walk
/// an X.509 certificate and pick out the facts an audit needs.
///
/// Why not swift-certificates for this: its `Certificate` refuses RSA keys under 2048 bits
/// and DSA keys (swift-crypto will not hold them), and those are exactly the certificates
/// an audit must describe rather than fail on. Chain *verification* stays with NIOSSL.
struct DERReader {
    /// One tag-length-value element.
    struct Element {
        var tag: UInt8
        /// The value bytes (without tag and length).
        var value: ArraySlice<UInt8>
        /// Tag, length and value together (for re-parsing or hashing).
        var encoded: ArraySlice<UInt8>

        var isConstructed: Bool { tag & 0x20 != 0 }

        func children(_ what: String) throws -> DERReader { DERReader(value, what: what) }
    }

    private var reader: WireReader
    let what: String

    init(_ bytes: ArraySlice<UInt8>, what: String) {
        self.reader = WireReader(bytes, what: what)
        self.what = what
    }

    var isAtEnd: Bool { reader.isAtEnd }

    // MARK: Reading

    mutating func read(_ field: String) throws -> Element {
        let start = reader.index
        let tag = try reader.readUInt8(field + " tag")
        guard tag & 0x1F != 0x1F else { throw reader.failure("\(field) uses a multi-byte tag, which X.509 never needs") }
        let first = try reader.readUInt8(field + " length")
        var length = Int(first)
        if first & 0x80 != 0 {
            let width = Int(first & 0x7F)
            guard (1...4).contains(width) else { throw reader.failure("\(field) has an unsupported length form") }
            length = 0
            for _ in 0..<width { length = length << 8 | Int(try reader.readUInt8(field + " length")) }
        }
        let value = try reader.readBytes(length, field)
        return Element(tag: tag, value: value, encoded: reader.bytesRead(since: start))
    }

    /// Reads an element and checks its tag.
    mutating func read(_ tag: UInt8, _ field: String) throws -> Element {
        let offsetBefore = reader.offset
        let element = try read(field)
        guard element.tag == tag else {
            throw CoreError(
                .parse,
                "\(what): expected \(field) (tag 0x\(String(tag, radix: 16))), found tag 0x\(String(element.tag, radix: 16)) (at byte \(offsetBefore))",
                hint: "the certificate is not valid DER"
            )
        }
        return element
    }

    /// The single element encoded in `bytes` (e.g. inside an OCTET STRING), checked for `tag`.
    static func element(_ bytes: ArraySlice<UInt8>, _ tag: UInt8, _ what: String) throws -> Element {
        var reader = DERReader(bytes, what: what)
        return try reader.read(tag, what)
    }

    /// Reads the next element only if it has `tag`.
    mutating func readIfPresent(_ tag: UInt8, _ field: String) throws -> Element? {
        var copy = self
        guard !copy.isAtEnd, let element = try? copy.read(field), element.tag == tag else { return nil }
        self = copy
        return element
    }

    // MARK: Value decoders

    static let sequence: UInt8 = 0x30
    static let set: UInt8 = 0x31
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06
    static let boolean: UInt8 = 0x01

    /// Dotted text of an OBJECT IDENTIFIER value, e.g. `2.5.4.3`.
    static func objectIdentifier(_ value: ArraySlice<UInt8>) -> String {
        var arcs: [UInt64] = []
        var current: UInt64 = 0
        for byte in value {
            current = current << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if arcs.isEmpty {
                    let first = min(current / 40, 2)
                    arcs += [first, current - first * 40]
                } else {
                    arcs.append(current)
                }
                current = 0
            }
        }
        return arcs.map(String.init).joined(separator: ".")
    }

    /// Bit length of a non-negative INTEGER value (leading zero bytes ignored).
    static func bitLength(ofInteger value: ArraySlice<UInt8>) -> Int {
        guard let firstNonZero = value.firstIndex(where: { $0 != 0 }) else { return 0 }
        let leading = value[firstNonZero]
        return (value.endIndex - firstNonZero - 1) * 8 + (8 - leading.leadingZeroBitCount)
    }

    /// Text of a directory string (UTF8String, PrintableString, IA5String, T61String,
    /// BMPString, UniversalString); nil for other tags.
    static func string(tag: UInt8, value: ArraySlice<UInt8>) -> String? {
        switch tag {
        case 0x0C, 0x13, 0x16, 0x14, 0x1A:
            return String(decoding: value, as: UTF8.self)
        case 0x1E:  // BMPString: UTF-16BE
            var units: [UInt16] = []
            var index = value.startIndex
            while index + 1 < value.endIndex {
                units.append(UInt16(value[index]) << 8 | UInt16(value[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        case 0x1C:  // UniversalString: UTF-32BE
            var scalars = String.UnicodeScalarView()
            var index = value.startIndex
            while index + 3 < value.endIndex {
                let code = value[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                index += 4
            }
            return String(scalars)
        default:
            return nil
        }
    }

    /// Seconds since 1970 for a UTCTime (tag 0x17) or GeneralizedTime (0x18) in the
    /// `…Z` form RFC 5280 requires.
    static func time(tag: UInt8, value: ArraySlice<UInt8>) -> Int64? {
        let text = Array(value)
        let digits: Int
        switch tag {
        case 0x17: digits = 12
        case 0x18: digits = 14
        default: return nil
        }
        guard text.count == digits + 1, text.last == UInt8(ascii: "Z"),
              text.dropLast().allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        func number(_ start: Int, _ count: Int) -> Int {
            text[start..<(start + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        var year: Int
        var at: Int
        if tag == 0x17 {
            year = number(0, 2)
            year += year >= 50 ? 1900 : 2000  // RFC 5280 §4.1.2.5.1
            at = 2
        } else {
            year = number(0, 4)
            at = 4
        }
        let month = number(at, 2), day = number(at + 2, 2)
        let hour = number(at + 4, 2), minute = number(at + 6, 2), second = number(at + 8, 2)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return (daysFromCivil(year: year, month: month, day: day) * 86_400)
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
