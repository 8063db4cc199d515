/// How a password value stored in a service's config file is protected, for the audit and
/// for deciding what `connstr set` must do with it.
///
/// The vendor's installer writes appsettings.json passwords protected with **Windows DPAPI**
/// (`ProtectedData.Protect`). pgwarden cannot open those (only the Windows account that made
/// them can), but it must recognise them so it neither reports them as plaintext nor
/// overwrites them unasked.
public enum ConfigPasswordKind: Sendable, Hashable {
    /// The entry has no password key at all.
    case absent
    /// The key is there with an empty value.
    case empty
    /// A pgwarden `SealedSecret`, sealed with the key `keyID`.
    case sealed(keyID: String)
    /// A Windows DPAPI blob in base64.
    case windowsDPAPI
    /// Anything else: a password in clear text.
    case plaintext

    /// Base64 of the first 20 bytes every DPAPI blob starts with: the version (1, as a 32-bit
    /// little-endian integer) and the provider GUID `df9d8cd0-1501-11d1-8c7a-00c04fc297eb`.
    /// The 27th character also covers the top two bits of the next field (the master key
    /// version, 1), which is how the vendor's samples all share these 27 characters.
    public static let dpapiBase64Prefix = "AQAAANCMnd8BFdERjHoAwE/Cl+s"

    /// Classifies a config value (nil when the key is absent).
    ///
    /// DPAPI is recognised by its header plus a base64 alphabet, not by decoding the whole
    /// value: copies in the wild (and in the vendor's own manual) are sometimes truncated, and a
    /// damaged DPAPI blob is still not a clear-text password.
    public init(value: String?) {
        guard let value else {
            self = .absent
            return
        }
        if value.isEmpty {
            self = .empty
        } else if let sealed = try? SealedSecret(parsing: value) {
            self = .sealed(keyID: sealed.keyID)
        } else if Self.isDPAPI(value) {
            self = .windowsDPAPI
        } else {
            self = .plaintext
        }
    }

    /// How a plan shows the value: its kind, never the value.
    public var summary: String {
        switch self {
        case .absent: "(not set)"
        case .empty: "empty"
        case .sealed(let keyID): "sealed with key \(keyID)"
        case .windowsDPAPI: "protected by Windows (DPAPI)"
        case .plaintext: "plaintext (redacted)"
        }
    }

    private static func isDPAPI(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.starts(with: dpapiBase64Prefix.utf8) else { return false }
        let unpadded = bytes.reversed().drop(while: { $0 == UInt8(ascii: "=") })
        return unpadded.allSatisfy(BinaryText.isBase64Character)
    }
}
