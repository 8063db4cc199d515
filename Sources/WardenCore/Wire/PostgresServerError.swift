// MARK: - An ErrorResponse or NoticeResponse

/// The fields of a PostgreSQL `ErrorResponse` (or `NoticeResponse`): what the server said
/// when it refused us, e.g. SQLSTATE 28000 `no pg_hba.conf entry for host …`.
///
/// Kept whole (every field by its one-letter code) because the hba rejection reasons
/// an audit needs sit in the message and detail text, not in a dedicated field.
public struct PostgresServerError: Sendable, Hashable, CustomStringConvertible {
    /// Every field by its one-byte code (`S`, `V`, `C`, `M`, `D`, `H`, …), in arrival order.
    public var fields: [Field]

    public struct Field: Sendable, Hashable {
        public var code: UInt8
        public var value: String

        public init(code: UInt8, value: String) {
            self.code = code
            self.value = value
        }
    }

    public init(fields: [Field]) {
        self.fields = fields
    }

    // MARK: Well-known fields

    public func field(_ code: Character) -> String? {
        guard let ascii = code.asciiValue else { return nil }
        return fields.first { $0.code == ascii }?.value
    }

    /// Non-localised severity (`V`, PostgreSQL 9.6+) or else the localised one (`S`).
    public var severity: String { field("V") ?? field("S") ?? "" }
    /// SQLSTATE, e.g. `28000` (invalid authorization), `28P01` (bad password), `3D000`.
    public var sqlState: String { field("C") ?? "" }
    public var message: String { field("M") ?? "" }
    public var detail: String? { field("D") }
    public var hint: String? { field("H") }

    /// True for the rejections that mean "pg_hba.conf has no line for you" or "a reject
    /// line matched". SQLSTATE 28000 alone also covers "role does not exist", so the
    /// message is checked too; that text is English only (`lc_messages`), hence best effort.
    public var isHBARejection: Bool {
        sqlState == "28000" && message.contains("pg_hba.conf")
    }

    public var description: String { "\(severity) \(sqlState): \(message)" }

    // MARK: Parsing

    /// Parses the body of an `E`/`N` message: (code byte, C-string)* then a NUL.
    static func parse(body: ArraySlice<UInt8>, what: String) throws -> PostgresServerError {
        var reader = WireReader(body, what: what)
        var fields: [Field] = []
        while true {
            let code = try reader.readUInt8("field code")
            if code == 0 { break }
            fields.append(Field(code: code, value: try reader.readCString("field \(Character(Unicode.Scalar(code)))")))
        }
        guard reader.isAtEnd else {
            throw reader.failure("\(what) has \(reader.remainingCount) byte(s) after its final NUL")
        }
        return PostgresServerError(fields: fields)
    }
}
