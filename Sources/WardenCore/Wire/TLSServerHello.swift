// MARK: - The server's ServerHello

/// A parsed ServerHello: which version and cipher suite the server chose.
public struct TLSServerHello: Sendable, Hashable {
    /// `legacy_version` as sent (the real version for TLS ≤ 1.2).
    public var legacyVersion: UInt16
    public var random: [UInt8]
    public var sessionID: [UInt8]
    public var cipherSuite: UInt16
    public var compressionMethod: UInt8
    /// Extensions in arrival order.
    public var extensions: [Extension]

    public struct Extension: Sendable, Hashable {
        public var type: UInt16
        public var data: [UInt8]
    }

    /// `SHA-256("HelloRetryRequest")`: a ServerHello with this random is a HelloRetryRequest.
    public static let helloRetryRequestRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    // MARK: What was chosen

    /// The negotiated version code: from `supported_versions` (TLS 1.3) when present,
    /// else `legacy_version`.
    public var versionCode: UInt16 {
        guard let data = extensions.first(where: { $0.type == 0x002B })?.data, data.count == 2 else {
            return legacyVersion
        }
        return UInt16(data[0]) << 8 | UInt16(data[1])
    }

    /// The negotiated version, or nil for a code this type does not know.
    public var version: TLSVersion? { TLSVersion(rawValue: versionCode) }

    /// A HelloRetryRequest still means "TLS 1.3 and this suite are accepted"; the server
    /// only wants a key share for another group.
    public var isHelloRetryRequest: Bool { random == Self.helloRetryRequestRandom }

    /// RFC 8446 §4.1.3: a TLS 1.3 server that negotiates an older version marks its random.
    /// True means the server also speaks TLS 1.3 (and a client was downgraded).
    public var hasDowngradeSentinel: Bool {
        random.count == 32 && Array(random[24..<31]) == Array("DOWNGRD".utf8)
    }

    /// The server's key share (TLS 1.3): group and public key.
    public var keyShare: (group: UInt16, key: [UInt8])? {
        guard let data = extensions.first(where: { $0.type == 0x0033 })?.data else { return nil }
        var reader = WireReader(data, what: "key_share")
        guard let group = try? reader.readUInt16("group"),
              let key = try? reader.readLengthPrefixed(2, "key_exchange")
        else { return nil }
        return (group, Array(key))
    }

    // MARK: Parsing

    /// Parses a ServerHello handshake body (after the 4-byte handshake header).
    public static func parse(body: ArraySlice<UInt8>) throws -> TLSServerHello {
        var reader = WireReader(body, what: "ServerHello")
        let legacyVersion = try reader.readUInt16("legacy_version")
        let random = Array(try reader.readBytes(32, "random"))
        let sessionID = Array(try reader.readLengthPrefixed(1, "session id"))
        let cipherSuite = try reader.readUInt16("cipher_suite")
        let compression = try reader.readUInt8("compression_method")
        var extensions: [Extension] = []
        if !reader.isAtEnd {
            let block = try reader.readLengthPrefixed(2, "extensions")
            var inner = WireReader(block, what: "ServerHello extensions")
            while !inner.isAtEnd {
                let type = try inner.readUInt16("extension type")
                let data = try inner.readLengthPrefixed(2, "extension data")
                extensions.append(Extension(type: type, data: Array(data)))
            }
        }
        guard reader.isAtEnd else {
            throw reader.failure("ServerHello has \(reader.remainingCount) byte(s) after its extensions")
        }
        return TLSServerHello(
            legacyVersion: legacyVersion, random: random, sessionID: sessionID,
            cipherSuite: cipherSuite, compressionMethod: compression, extensions: extensions
        )
    }
}
