// MARK: - The server's first flight

/// The TLS record content types.
public enum TLSRecordType: UInt8, Sendable, Hashable {
    case changeCipherSpec = 20
    case alert = 21
    case handshake = 22
    case applicationData = 23
}

/// Reads the server's answer to a ClientHello as it arrives, in whatever pieces the
/// network delivers: a record may be split across reads, one record may carry several
/// handshake messages, and one handshake message (a long certificate chain) may span
/// several records. Feed it bytes; ask `isComplete`.
///
/// It stops understanding at the point where the server starts encrypting (right after
/// ServerHello in TLS 1.3): those records are kept raw in `encryptedRecords`.
public struct TLSServerFlight: Sendable {
    /// Wait for the certificate chain (TLS ≤ 1.2) before calling the flight complete.
    public let wantsCertificate: Bool

    public private(set) var serverHello: TLSServerHello?
    /// DER certificates, leaf first, from the (TLS ≤ 1.2) Certificate message.
    public private(set) var certificates: [[UInt8]] = []
    /// The first alert received (a fatal one ends the flight).
    public private(set) var alert: TLSAlert?
    public private(set) var sawServerHelloDone = false
    /// Every plaintext handshake message in order, with its 4-byte header (a transcript).
    public private(set) var handshakeMessages: [[UInt8]] = []
    /// Whole records (header included) that arrived after a TLS 1.3 ServerHello.
    public private(set) var encryptedRecords: [[UInt8]] = []

    private var recordBuffer: [UInt8] = []
    private var handshakeBuffer: [UInt8] = []
    /// Bytes received so far, for error positions.
    private var consumed = 0

    /// TLS records carry at most 2^14 bytes of plaintext (plus expansion when encrypted).
    static let maximumRecordLength = (1 << 14) + 2048
    /// A certificate chain larger than this is not something we buffer.
    static let maximumHandshakeMessageLength = 1 << 20

    public init(wantsCertificate: Bool) {
        self.wantsCertificate = wantsCertificate
    }

    // MARK: Progress

    /// True once the answer is known: a fatal alert, a TLS 1.3 ServerHello (the rest is
    /// encrypted), or a TLS ≤ 1.2 ServerHello (plus its chain when `wantsCertificate`).
    public var isComplete: Bool {
        if alert?.isFatal == true { return true }
        guard let serverHello else { return false }
        if serverHello.versionCode >= TLSVersion.tls13.rawValue || serverHello.isHelloRetryRequest { return true }
        return !wantsCertificate || sawServerHelloDone || !certificates.isEmpty
    }

    /// True when the server is talking TLS 1.3 and further records are encrypted.
    var isEncrypting: Bool {
        guard let serverHello else { return false }
        return serverHello.versionCode >= TLSVersion.tls13.rawValue && !serverHello.isHelloRetryRequest
    }

    // MARK: Feeding bytes

    /// Takes the next bytes from the server. Throws `.parse` when they are not TLS.
    public mutating func receive(_ bytes: some Sequence<UInt8>) throws {
        recordBuffer.append(contentsOf: bytes)
        while recordBuffer.count >= 5 {
            var header = WireReader(recordBuffer, what: "TLS record")
            let typeByte = try header.readUInt8("content type")
            let recordVersion = try header.readUInt16("record version")
            let length = Int(try header.readUInt16("record length"))
            guard let type = TLSRecordType(rawValue: typeByte), recordVersion >> 8 == 3 else {
                throw CoreError(
                    .parse,
                    "the answer to ClientHello is not a TLS record: type \(typeByte), version 0x\(String(recordVersion, radix: 16)) (at byte \(consumed))",
                    hint: "the server did not answer in TLS after accepting SSLRequest"
                )
            }
            guard length <= Self.maximumRecordLength else {
                throw CoreError(.parse, "a TLS record claims \(length) bytes, more than TLS allows (at byte \(consumed + 3))")
            }
            guard recordBuffer.count >= 5 + length else { return }
            let record = Array(recordBuffer[0..<(5 + length)])
            recordBuffer.removeFirst(5 + length)
            try handle(type: type, record: record)
            consumed += record.count
        }
    }

    private mutating func handle(type: TLSRecordType, record: [UInt8]) throws {
        let fragment = record[5...]
        if isEncrypting {
            // TLS 1.3 sends a dummy ChangeCipherSpec for middleboxes; everything else is sealed.
            if type != .changeCipherSpec { encryptedRecords.append(record) }
            return
        }
        switch type {
        case .alert:
            var reader = WireReader(fragment, what: "alert")
            let level = try reader.readUInt8("alert level")
            let code = try reader.readUInt8("alert description")
            if alert == nil || alert?.isFatal == false { alert = TLSAlert(level: level, code: code) }
        case .handshake:
            handshakeBuffer.append(contentsOf: fragment)
            try takeHandshakeMessages()
        case .changeCipherSpec, .applicationData:
            break
        }
    }

    private mutating func takeHandshakeMessages() throws {
        while handshakeBuffer.count >= 4 {
            var header = WireReader(handshakeBuffer, what: "handshake message")
            let type = try header.readUInt8("handshake type")
            let length = try header.readUInt24("handshake length")
            guard length <= Self.maximumHandshakeMessageLength else {
                throw CoreError(.parse, "a TLS handshake message claims \(length) bytes (at byte \(consumed + 5))")
            }
            guard handshakeBuffer.count >= 4 + length else { return }
            let message = Array(handshakeBuffer[0..<(4 + length)])
            handshakeBuffer.removeFirst(4 + length)
            handshakeMessages.append(message)
            try handle(handshakeType: type, body: message[4...])
            if isEncrypting { return }
        }
    }

    private mutating func handle(handshakeType: UInt8, body: ArraySlice<UInt8>) throws {
        switch handshakeType {
        case 2:
            serverHello = try TLSServerHello.parse(body: body)
        case 11 where certificates.isEmpty:
            certificates = try Self.parseCertificateList(body)
        case 14:
            sawServerHelloDone = true
        default:
            break
        }
    }

    /// TLS ≤ 1.2 Certificate body: a 24-bit-length list of 24-bit-length DER certificates.
    static func parseCertificateList(_ body: ArraySlice<UInt8>) throws -> [[UInt8]] {
        var reader = WireReader(body, what: "Certificate message")
        let list = try reader.readLengthPrefixed(3, "certificate_list")
        var inner = WireReader(list, what: "certificate_list")
        var certificates: [[UInt8]] = []
        while !inner.isAtEnd {
            certificates.append(Array(try inner.readLengthPrefixed(3, "certificate \(certificates.count + 1)")))
        }
        return certificates
    }
}
