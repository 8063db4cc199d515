// MARK: - Reading network bytes

/// A cursor over bytes received from a server, reading big-endian integers and
/// length-prefixed fields the way both the PostgreSQL protocol and TLS lay them out.
///
/// Every read is bounds-checked and throws a `CoreError` of kind `.parse` that names
/// what was being read and at which byte, so a truncated or hostile answer can never
/// crash the probe. `what` names the protocol element (for the error message).
struct WireReader {
    private let bytes: ArraySlice<UInt8>
    /// Absolute index of the next unread byte (indices of `bytes`).
    private(set) var index: Int
    /// What the bytes are, for error messages ("ServerHello", "ErrorResponse").
    let what: String

    init(_ bytes: ArraySlice<UInt8>, what: String) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.what = what
    }

    init(_ bytes: [UInt8], what: String) {
        self.init(bytes[...], what: what)
    }

    /// Bytes not read yet.
    var remainingCount: Int { bytes.endIndex - index }
    var isAtEnd: Bool { index >= bytes.endIndex }
    /// Offset of the cursor from the start of what is being read (0-based).
    var offset: Int { index - bytes.startIndex }

    // MARK: Integers

    mutating func readUInt8(_ field: String) throws -> UInt8 {
        try need(1, field)
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readUInt16(_ field: String) throws -> UInt16 {
        UInt16(try readUInt(2, field))
    }

    mutating func readUInt24(_ field: String) throws -> Int {
        Int(try readUInt(3, field))
    }

    mutating func readUInt32(_ field: String) throws -> UInt32 {
        UInt32(try readUInt(4, field))
    }

    mutating func readInt32(_ field: String) throws -> Int32 {
        Int32(bitPattern: try readUInt32(field))
    }

    private mutating func readUInt(_ width: Int, _ field: String) throws -> UInt64 {
        try need(width, field)
        var value: UInt64 = 0
        for byte in bytes[index..<(index + width)] {
            value = value << 8 | UInt64(byte)
        }
        index += width
        return value
    }

    // MARK: Byte runs

    mutating func readBytes(_ count: Int, _ field: String) throws -> ArraySlice<UInt8> {
        try need(count, field)
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    /// A field preceded by its length in `lengthWidth` bytes (TLS vectors).
    mutating func readLengthPrefixed(_ lengthWidth: Int, _ field: String) throws -> ArraySlice<UInt8> {
        let count = Int(try readUInt(lengthWidth, field + " length"))
        return try readBytes(count, field)
    }

    /// A NUL-terminated string (PostgreSQL). Invalid UTF-8 is repaired, not rejected:
    /// a server message in a legacy encoding must still be reportable.
    mutating func readCString(_ field: String) throws -> String {
        guard let end = bytes[index...].firstIndex(of: 0) else {
            throw failure("\(field) is not NUL-terminated", at: index)
        }
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        index = end + 1
        return text
    }

    /// The bytes from absolute index `start` up to the cursor.
    func bytesRead(since start: Int) -> ArraySlice<UInt8> {
        bytes[start..<index]
    }

    mutating func readRemaining() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    // MARK: Errors

    private func need(_ count: Int, _ field: String) throws {
        if count < 0 || remainingCount < count {
            throw failure("\(what) is truncated: \(field) needs \(count) byte(s), \(max(remainingCount, 0)) left", at: index)
        }
    }

    /// A parse error that says where in the message the problem is.
    func failure(_ message: String, at absoluteIndex: Int? = nil) -> CoreError {
        let at = (absoluteIndex ?? index) - bytes.startIndex
        return CoreError(
            .parse,
            "\(message) (at byte \(at))",
            hint: "the server's answer does not follow the protocol; is this port really a PostgreSQL server?"
        )
    }
}

// MARK: - Writing network bytes

extension Array where Element == UInt8 {
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt24(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends `body` preceded by its length in `lengthWidth` (1, 2 or 3) bytes.
    mutating func appendLengthPrefixed(_ lengthWidth: Int, _ body: [UInt8]) {
        switch lengthWidth {
        case 1: append(UInt8(truncatingIfNeeded: body.count))
        case 2: appendUInt16(UInt16(truncatingIfNeeded: body.count))
        default: appendUInt24(body.count)
        }
        append(contentsOf: body)
    }

    /// Appends a PostgreSQL NUL-terminated string.
    mutating func appendCString(_ text: String) {
        append(contentsOf: Array(text.utf8))
        append(0)
    }
}
