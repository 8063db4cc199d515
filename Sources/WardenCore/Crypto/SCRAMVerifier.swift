import Crypto
import _CryptoExtras

/// A SCRAM-SHA-256 password verifier, exactly as PostgreSQL stores it in
/// `pg_authid.rolpassword`:
///
///     SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
///
/// pgwarden computes verifiers itself (like psql's `\password`) so a password never travels
/// to the server, or into its logs, in clear: `ALTER ROLE ... PASSWORD '<verifier>'`.
///
/// Derivation (RFC 5802 §3, RFC 7677): SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password),
/// salt, iterations); ClientKey = HMAC(SaltedPassword, "Client Key"); StoredKey =
/// SHA-256(ClientKey); ServerKey = HMAC(SaltedPassword, "Server Key").
///
/// The verifier is not the password, but it is password-equivalent for an attacker who can
/// also watch a login, and it can be brute-forced offline: `description` hides the keys.
public struct SCRAMVerifier: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// PostgreSQL's default `scram_iterations` (configurable from PostgreSQL 16).
    public static let defaultIterations = 4096
    /// PostgreSQL's salt length (`SCRAM_DEFAULT_SALT_LEN`).
    public static let defaultSaltByteCount = 16
    /// Largest iteration count PostgreSQL accepts (`scram_iterations` is an int GUC).
    public static let maximumIterations = Int(Int32.max)

    static let prefix = "SCRAM-SHA-256$"
    static let keyByteCount = SHA256.byteCount

    public let iterations: Int
    public let salt: [UInt8]
    public let storedKey: [UInt8]
    public let serverKey: [UInt8]

    // MARK: - Making one

    /// The verifier for `password` with a given salt; use `make` for a fresh random salt.
    /// Throws `.invalid` for an empty salt or an iteration count outside 1...Int32.max.
    public init(password: Secret, salt: [UInt8], iterations: Int = defaultIterations) throws {
        try self.init(passwordBytes: password.utf8Bytes, salt: salt, iterations: iterations)
    }

    /// The byte form: the password as PostgreSQL receives it, which need not be UTF-8.
    public init(passwordBytes: [UInt8], salt: [UInt8], iterations: Int = defaultIterations) throws {
        try Self.checkParameters(salt: salt, iterations: iterations)
        let keys = try Keys(passwordBytes: passwordBytes, salt: salt, iterations: iterations)
        self.init(iterations: iterations, salt: salt, storedKey: keys.storedKey, serverKey: keys.serverKey)
    }

    /// A verifier with a fresh 16-byte salt from `generator`.
    public static func make(
        password: Secret,
        iterations: Int = defaultIterations,
        using generator: inout some RandomNumberGenerator
    ) throws -> SCRAMVerifier {
        let salt = BinaryText.randomBytes(defaultSaltByteCount, using: &generator)
        return try SCRAMVerifier(password: password, salt: salt, iterations: iterations)
    }

    /// A verifier with a fresh 16-byte salt from the system's secure generator.
    public static func make(password: Secret, iterations: Int = defaultIterations) throws -> SCRAMVerifier {
        var generator = SystemRandomNumberGenerator()
        return try make(password: password, iterations: iterations, using: &generator)
    }

    init(iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    private static func checkParameters(salt: [UInt8], iterations: Int) throws {
        guard (1...maximumIterations).contains(iterations) else {
            throw CoreError(
                .invalid, "SCRAM iteration count must be between 1 and \(maximumIterations)",
                hint: "PostgreSQL uses \(defaultIterations) unless scram_iterations says otherwise")
        }
        guard !salt.isEmpty else {
            throw CoreError(.invalid, "SCRAM salt must not be empty",
                            hint: "use a random salt of \(defaultSaltByteCount) bytes")
        }
    }

    // MARK: - Checking a password

    /// Whether `password` is the one this verifier was made from. Both keys are compared in
    /// constant time. (The key derivation itself costs `iterations` HMACs, by design.)
    public func verify(_ password: Secret) -> Bool {
        verify(passwordBytes: password.utf8Bytes)
    }

    /// Byte form of `verify(_:)`.
    public func verify(passwordBytes: [UInt8]) -> Bool {
        guard let keys = try? Keys(passwordBytes: passwordBytes, salt: salt, iterations: iterations)
        else { return false }
        let storedMatches = BinaryText.constantTimeEqual(keys.storedKey, storedKey)
        let serverMatches = BinaryText.constantTimeEqual(keys.serverKey, serverKey)
        return storedMatches && serverMatches
    }

    // MARK: - Text form

    /// The `rolpassword` text, ready for `ALTER ROLE ... PASSWORD`. Handle it like a secret.
    public var text: String {
        "\(Self.prefix)\(iterations):\(BinaryText.base64(salt))$"
            + "\(BinaryText.base64(storedKey)):\(BinaryText.base64(serverKey))"
    }

    /// Shows the iteration count only; use `text` for the stored form.
    public var description: String { "SCRAM-SHA-256$\(iterations):<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: ["iterations": iterations]) }

    /// Parses a stored verifier. Errors are `.parse` with the 1-based column of the part that
    /// is wrong (line 1); they never quote the verifier.
    public init(parsing text: String) throws {
        var fields = Scanner(text)
        guard text.unicodeScalars.starts(with: Self.prefix.unicodeScalars) else {
            throw fields.error(atColumn: 1, "not a SCRAM-SHA-256 verifier: it must start with 'SCRAM-SHA-256$'")
        }
        fields.skip(Self.prefix.unicodeScalars.count)

        let (iterationText, iterationColumn) = try fields.field(until: ":", named: "iteration count")
        guard iterationText.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
              let iterations = Int(iterationText), (1...Self.maximumIterations).contains(iterations)
        else {
            throw fields.error(atColumn: iterationColumn,
                               "SCRAM iteration count must be a whole number between 1 and \(Self.maximumIterations)")
        }

        let (saltText, saltColumn) = try fields.field(until: "$", named: "salt")
        guard let salt = BinaryText.bytes(base64: saltText), !salt.isEmpty else {
            throw fields.error(atColumn: saltColumn, "SCRAM salt is not valid base64")
        }

        let (storedText, storedColumn) = try fields.field(until: ":", named: "StoredKey")
        let storedKey = try Self.key(storedText, named: "StoredKey", column: storedColumn, scanner: fields)

        let (serverText, serverColumn) = fields.rest()
        let serverKey = try Self.key(serverText, named: "ServerKey", column: serverColumn, scanner: fields)

        self.init(iterations: iterations, salt: salt, storedKey: storedKey, serverKey: serverKey)
    }

    private static func key(_ text: Substring, named name: String, column: Int, scanner: Scanner) throws -> [UInt8] {
        guard let bytes = BinaryText.bytes(base64: text) else {
            throw scanner.error(atColumn: column, "SCRAM \(name) is not valid base64")
        }
        guard bytes.count == keyByteCount else {
            throw scanner.error(atColumn: column, "SCRAM \(name) must be \(keyByteCount) bytes, found \(bytes.count)")
        }
        return bytes
    }
}

// MARK: - Key derivation

extension SCRAMVerifier {
    /// Every intermediate value of RFC 5802 §3, kept internal: the tests check them against
    /// RFC 7677's worked example.
    struct Keys {
        let saltedPassword: [UInt8]
        let clientKey: [UInt8]
        let storedKey: [UInt8]
        let serverKey: [UInt8]

        init(passwordBytes: [UInt8], salt: [UInt8], iterations: Int) throws {
            let normalized = SASLprep.normalizedPassword(passwordBytes)
            let derived: SymmetricKey
            do {
                derived = try KDF.Insecure.PBKDF2.deriveKey(
                    from: normalized, salt: salt, using: .sha256,
                    outputByteCount: SCRAMVerifier.keyByteCount, unsafeUncheckedRounds: iterations)
            } catch {
                throw CoreError(.crypto, "could not derive the SCRAM salted password")
            }
            saltedPassword = derived.withUnsafeBytes { Array($0) }
            clientKey = Self.hmac(saltedPassword, "Client Key".utf8)
            storedKey = Array(SHA256.hash(data: clientKey))
            serverKey = Self.hmac(saltedPassword, "Server Key".utf8)
        }

        /// ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage).
        func clientProof(authMessage: String) -> [UInt8] {
            let signature = Self.hmac(storedKey, authMessage.utf8)
            return zip(clientKey, signature).map { $0 ^ $1 }
        }

        /// ServerSignature = HMAC(ServerKey, AuthMessage).
        func serverSignature(authMessage: String) -> [UInt8] {
            Self.hmac(serverKey, authMessage.utf8)
        }

        static func hmac(_ key: [UInt8], _ message: some Sequence<UInt8>) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(message), using: SymmetricKey(data: key)))
        }
    }
}

// MARK: - Scanning the text form

extension SCRAMVerifier {
    /// Walks a one-line verifier by Unicode scalars so error columns match what an editor shows.
    fileprivate struct Scanner {
        private let scalars: [Unicode.Scalar]
        private var offset = 0

        init(_ text: String) {
            scalars = Array(text.unicodeScalars)
        }

        mutating func skip(_ count: Int) {
            offset += count
        }

        /// The text up to `separator` and its 1-based column; moves past the separator.
        mutating func field(until separator: Unicode.Scalar, named name: String) throws -> (Substring, Int) {
            let start = offset
            guard let end = scalars[start...].firstIndex(of: separator) else {
                throw error(atColumn: scalars.count + 1, "SCRAM verifier ends before its \(name) is complete (missing '\(separator)')")
            }
            offset = end + 1
            return (substring(start..<end), start + 1)
        }

        /// Everything left, and its 1-based column.
        mutating func rest() -> (Substring, Int) {
            let start = offset
            offset = scalars.count
            return (substring(start..<scalars.count), start + 1)
        }

        /// A parse error at a 1-based column of the (one-line) verifier.
        func error(atColumn column: Int, _ message: String) -> CoreError {
            CoreError(.parse, message,
                      hint: "a SCRAM verifier looks like SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>",
                      position: TextPosition(line: 1, column: column))
        }

        private func substring(_ range: Range<Int>) -> Substring {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            return Substring(String(view))
        }
    }
}

extension SCRAMVerifier {
    /// The base64 salt field of a stored verifier (`SCRAM-SHA-256$4096:SALT$…`), or nil when
    /// `text` is not a SCRAM verifier. Salts are public: journals may hold them.
    public static func saltField(of text: String) -> String? {
        guard text.hasPrefix("SCRAM-SHA-256$") else { return nil }
        let parts = text.dropFirst("SCRAM-SHA-256$".count).split(separator: "$", omittingEmptySubsequences: false)
        guard let head = parts.first, let colon = head.firstIndex(of: ":") else { return nil }
        let salt = head[head.index(after: colon)...]
        return salt.isEmpty ? nil : String(salt)
    }
}
