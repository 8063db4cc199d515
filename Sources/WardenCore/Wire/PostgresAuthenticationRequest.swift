// MARK: - Authentication requests

/// What an `R` message asks for. The probe reports it and never answers.
public enum PostgresAuthenticationRequest: Sendable, Hashable {
    /// 0: logged in (no password was needed: `trust`, or a password already accepted).
    case ok
    /// 2: Kerberos V5 (long removed from servers, still decodable).
    case kerberosV5
    /// 3: `password` method: the password would travel in clear text.
    case cleartextPassword
    /// 5: `md5` method, with its 4-byte salt.
    case md5Password(salt: [UInt8])
    /// 7: GSSAPI.
    case gss
    /// 8: GSSAPI continuation data.
    case gssContinue
    /// 9: SSPI (Windows).
    case sspi
    /// 10: SASL, with the mechanisms offered (`SCRAM-SHA-256`, `SCRAM-SHA-256-PLUS`).
    case sasl(mechanisms: [String])
    /// 11 and 12: SASL exchange steps (never reached by the probe).
    case saslContinue
    case saslFinal
    /// A code this version does not know.
    case other(code: Int32)

    /// The numeric code, as the protocol documentation lists it.
    public var code: Int32 {
        switch self {
        case .ok: 0
        case .kerberosV5: 2
        case .cleartextPassword: 3
        case .md5Password: 5
        case .gss: 7
        case .gssContinue: 8
        case .sspi: 9
        case .sasl: 10
        case .saslContinue: 11
        case .saslFinal: 12
        case .other(let code): code
        }
    }

    static func parse(body: ArraySlice<UInt8>) throws -> PostgresAuthenticationRequest {
        var reader = WireReader(body, what: "Authentication request")
        let code = try reader.readInt32("request code")
        let request: PostgresAuthenticationRequest
        switch code {
        case 0: request = .ok
        case 2: request = .kerberosV5
        case 3: request = .cleartextPassword
        case 5: request = .md5Password(salt: Array(try reader.readBytes(4, "MD5 salt")))
        case 7: request = .gss
        case 8:
            _ = reader.readRemaining()
            request = .gssContinue
        case 9: request = .sspi
        case 10:
            var mechanisms: [String] = []
            while true {
                let name = try reader.readCString("SASL mechanism")
                if name.isEmpty { break }
                mechanisms.append(name)
            }
            request = .sasl(mechanisms: mechanisms)
        case 11, 12:
            _ = reader.readRemaining()
            request = code == 11 ? .saslContinue : .saslFinal
        default:
            _ = reader.readRemaining()
            request = .other(code: code)
        }
        guard reader.isAtEnd else {
            throw reader.failure("Authentication request \(code) has \(reader.remainingCount) unexpected trailing byte(s)")
        }
        return request
    }
}
