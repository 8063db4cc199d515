// MARK: - What the probe sends to PostgreSQL

/// The few frontend (client → server) messages the wire probe needs, as exact bytes.
///
/// Only messages that carry no secret: the probe asks for TLS, starts a session and
/// says goodbye. It never answers a password request, so there is no password message.
public enum PostgresFrontendMessage: Sendable, Hashable {
    /// `SSLRequest`: "can we switch to TLS?" (the server answers one byte, `S` or `N`).
    case sslRequest
    /// `StartupMessage` for protocol 3.0 with the given parameters, in order.
    case startup(PostgresStartupParameters)
    /// `Terminate`: polite goodbye once a session is open.
    case terminate

    /// The magic number that, in the protocol-version slot, means "SSLRequest" (1234.5679).
    public static let sslRequestCode: UInt32 = 80_877_103
    /// Protocol 3.0 as the StartupMessage writes it (major 3 in the high 16 bits).
    public static let protocolVersion30: UInt32 = 3 << 16

    /// The message as it goes on the wire.
    public var bytes: [UInt8] {
        switch self {
        case .sslRequest:
            var out: [UInt8] = []
            out.appendUInt32(8)
            out.appendUInt32(Self.sslRequestCode)
            return out
        case .startup(let parameters):
            // No type byte: Int32 length (including itself), Int32 version, then
            // name/value C-string pairs and a final NUL.
            var body: [UInt8] = []
            body.appendUInt32(Self.protocolVersion30)
            for (name, value) in parameters.pairs {
                body.appendCString(name)
                body.appendCString(value)
            }
            body.append(0)
            var out: [UInt8] = []
            out.appendUInt32(UInt32(body.count + 4))
            out.append(contentsOf: body)
            return out
        case .terminate:
            var out: [UInt8] = [UInt8(ascii: "X")]
            out.appendUInt32(4)
            return out
        }
    }
}

// MARK: - Startup parameters

/// Who the probe says it is when it starts a session: never a password, only names.
public struct PostgresStartupParameters: Sendable, Hashable {
    public var user: String
    public var database: String?
    public var applicationName: String?

    /// Throws `.invalid` for an empty user name or a NUL byte in any value: the wire
    /// format ends each string at the first NUL, so such a value cannot be sent as given.
    public init(user: String, database: String? = nil, applicationName: String? = "pgwarden-probe") throws {
        guard !user.isEmpty else {
            throw CoreError(.invalid, "the startup user name is empty", hint: "name the role to probe with")
        }
        for (name, value) in [("user", user), ("database", database), ("application_name", applicationName)] {
            if let value, value.utf8.contains(0) {
                throw CoreError(.invalid, "the startup parameter \(name) contains a NUL byte",
                                hint: "PostgreSQL names cannot contain NUL")
            }
        }
        self.user = user
        self.database = database
        self.applicationName = applicationName
    }

    /// The parameters in the order they are sent (user first, as libpq does).
    var pairs: [(String, String)] {
        var pairs = [("user", user)]
        if let database { pairs.append(("database", database)) }
        if let applicationName { pairs.append(("application_name", applicationName)) }
        return pairs
    }
}
