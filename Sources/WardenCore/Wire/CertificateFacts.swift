import Foundation

// MARK: - What a server certificate says

/// The facts an audit needs from one DER certificate: names, key, signature, validity,
/// CA flag, and whether it names a given host.
///
/// This is description, not trust: whether the chain leads to a trusted CA is checked by
/// a real TLS client (NIOSSL verify-full) elsewhere.
public struct CertificateFacts: Sendable, Hashable {
    /// The last (most specific) CN of the subject, if any.
    public var subjectCommonName: String?
    /// Subject and issuer as `C=US, O=Example, CN=db1` (certificate order).
    public var subject: String
    public var issuer: String
    /// dNSName entries of subjectAltName, as written (lower-cased for matching only).
    public var dnsNames: [String]
    /// iPAddress entries of subjectAltName, as text (`127.0.0.1`, IPv6 unabbreviated).
    public var ipAddresses: [String]
    public var keyType: KeyType
    /// Key size in bits: RSA/DSA modulus, EC field size (256, 384, 521), 256 for Ed25519.
    public var keyBits: Int?
    /// Signature algorithm name, e.g. `sha256WithRSAEncryption` (dotted OID when unknown).
    public var signatureAlgorithm: String
    public var notBefore: Date
    public var notAfter: Date
    /// basicConstraints cA: a CA certificate should not be a server's leaf.
    public var isCA: Bool
    /// True when subject and issuer are the same name (self-issued, e.g. `openssl req -x509`).
    public var isSelfIssued: Bool { subject == issuer }

    public enum KeyType: Sendable, Hashable, CustomStringConvertible {
        case rsa
        case rsaPSS
        case dsa
        /// An elliptic-curve key on the named curve (`P-256`, or a dotted OID).
        case ec(curve: String)
        case ed25519
        case ed448
        case other(oid: String)

        public var description: String {
            switch self {
            case .rsa: "RSA"
            case .rsaPSS: "RSA-PSS"
            case .dsa: "DSA"
            case .ec(let curve): "EC \(curve)"
            case .ed25519: "Ed25519"
            case .ed448: "Ed448"
            case .other(let oid): oid
            }
        }
    }

    // MARK: Parsing

    /// Reads the facts from a DER certificate. Throws `.parse` for malformed DER.
    public init(der: [UInt8]) throws {
        var outer = DERReader(der[...], what: "certificate")
        let certificate = try outer.read(DERReader.sequence, "Certificate")
        var parts = try certificate.children("Certificate")
        var tbs = try parts.read(DERReader.sequence, "tbsCertificate").children("tbsCertificate")
        _ = try tbs.readIfPresent(0xA0, "version")
        _ = try tbs.read(DERReader.integer, "serialNumber")
        let signature = try tbs.read(DERReader.sequence, "signature")
        let issuer = try tbs.read(DERReader.sequence, "issuer")
        var validity = try tbs.read(DERReader.sequence, "validity").children("validity")
        let notBefore = try validity.read("notBefore")
        let notAfter = try validity.read("notAfter")
        let subject = try tbs.read(DERReader.sequence, "subject")
        let publicKeyInfo = try tbs.read(DERReader.sequence, "subjectPublicKeyInfo")
        _ = try tbs.readIfPresent(0x81, "issuerUniqueID")
        _ = try tbs.readIfPresent(0x82, "subjectUniqueID")
        let extensions = try tbs.readIfPresent(0xA3, "extensions")

        guard let start = DERReader.time(tag: notBefore.tag, value: notBefore.value),
              let end = DERReader.time(tag: notAfter.tag, value: notAfter.value)
        else {
            throw CoreError(.parse, "certificate validity is not a UTCTime/GeneralizedTime ending in Z",
                            hint: "RFC 5280 §4.1.2.5 requires UTC times")
        }
        var algorithm = try signature.children("signature")
        let signatureOID = DERReader.objectIdentifier(try algorithm.read(DERReader.objectIdentifier, "algorithm").value)

        let subjectNames = try Self.names(subject)
        self.subject = Self.render(subjectNames)
        self.issuer = Self.render(try Self.names(issuer))
        self.subjectCommonName = subjectNames.last { $0.type == "CN" }?.value
        self.signatureAlgorithm = Self.signatureNames[signatureOID] ?? signatureOID
        self.notBefore = Date(timeIntervalSince1970: TimeInterval(start))
        self.notAfter = Date(timeIntervalSince1970: TimeInterval(end))
        (self.keyType, self.keyBits) = try Self.key(publicKeyInfo)
        self.dnsNames = []
        self.ipAddresses = []
        self.isCA = false
        if let extensions { try readExtensions(extensions) }
    }

    /// Facts for every certificate of a chain, leaf first.
    public static func chain(_ certificates: [[UInt8]]) throws -> [CertificateFacts] {
        try certificates.enumerated().map { index, der in
            do { return try CertificateFacts(der: der) } catch let error as CoreError {
                var copy = error
                copy.message = "certificate \(index + 1) of the chain: " + error.message
                throw copy
            }
        }
    }

    // MARK: Names

    struct NameAttribute: Hashable {
        var type: String
        var value: String
    }

    static let attributeNames: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O",
        "2.5.4.11": "OU", "2.5.4.5": "serialNumber", "1.2.840.113549.1.9.1": "emailAddress",
        "0.9.2342.19200300.100.1.25": "DC",
    ]

    static func names(_ name: DERReader.Element) throws -> [NameAttribute] {
        var rdns = try name.children("Name")
        var attributes: [NameAttribute] = []
        while !rdns.isAtEnd {
            var set = try rdns.read(DERReader.set, "RelativeDistinguishedName").children("RelativeDistinguishedName")
            while !set.isAtEnd {
                var pair = try set.read(DERReader.sequence, "AttributeTypeAndValue").children("AttributeTypeAndValue")
                let oid = DERReader.objectIdentifier(try pair.read(DERReader.objectIdentifier, "attribute type").value)
                let value = try pair.read("attribute value")
                attributes.append(NameAttribute(
                    type: attributeNames[oid] ?? oid,
                    value: DERReader.string(tag: value.tag, value: value.value) ?? "#" + value.value.map { String($0, radix: 16) }.joined()
                ))
            }
        }
        return attributes
    }

    static func render(_ attributes: [NameAttribute]) -> String {
        attributes.map { "\($0.type)=\($0.value)" }.joined(separator: ", ")
    }

    // MARK: Key

    static func key(_ info: DERReader.Element) throws -> (KeyType, Int?) {
        var parts = try info.children("subjectPublicKeyInfo")
        var algorithm = try parts.read(DERReader.sequence, "algorithm").children("algorithm")
        let oid = DERReader.objectIdentifier(try algorithm.read(DERReader.objectIdentifier, "algorithm").value)
        let parameters = algorithm.isAtEnd ? nil : try algorithm.read("parameters")
        let bits = try parts.read(DERReader.bitString, "subjectPublicKey").value.dropFirst()  // unused-bits byte
        switch oid {
        case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10":
            var key = try DERReader.element(bits, DERReader.sequence, "RSAPublicKey").children("RSAPublicKey")
            let modulus = try key.read(DERReader.integer, "modulus")
            let type: KeyType = oid.hasSuffix(".1") ? .rsa : .rsaPSS
            return (type, DERReader.bitLength(ofInteger: modulus.value))
        case "1.2.840.10040.4.1":
            guard let parameters, parameters.tag == DERReader.sequence else { return (.dsa, nil) }
            var domain = try parameters.children("DSS parameters")
            return (.dsa, DERReader.bitLength(ofInteger: try domain.read(DERReader.integer, "p").value))
        case "1.2.840.10045.2.1":
            guard let parameters, parameters.tag == DERReader.objectIdentifier else { return (.ec(curve: "explicit"), nil) }
            let curve = DERReader.objectIdentifier(parameters.value)
            switch curve {
            case "1.2.840.10045.3.1.7": return (.ec(curve: "P-256"), 256)
            case "1.3.132.0.34": return (.ec(curve: "P-384"), 384)
            case "1.3.132.0.35": return (.ec(curve: "P-521"), 521)
            case "1.3.132.0.10": return (.ec(curve: "secp256k1"), 256)
            default: return (.ec(curve: curve), nil)
            }
        case "1.3.101.112": return (.ed25519, 256)
        case "1.3.101.113": return (.ed448, 456)
        default: return (.other(oid: oid), nil)
        }
    }

    static let signatureNames: [String: String] = [
        "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10": "rsassaPss",
        "1.2.840.10045.4.1": "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
        "1.2.840.10040.4.3": "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2": "dsa-with-SHA256",
        "1.3.101.112": "ED25519",
        "1.3.101.113": "ED448",
    ]

    // MARK: Extensions

    private mutating func readExtensions(_ wrapper: DERReader.Element) throws {
        var explicit = try wrapper.children("extensions")
        var list = try explicit.read(DERReader.sequence, "Extensions").children("Extensions")
        while !list.isAtEnd {
            var ext = try list.read(DERReader.sequence, "Extension").children("Extension")
            let oid = DERReader.objectIdentifier(try ext.read(DERReader.objectIdentifier, "extnID").value)
            _ = try ext.readIfPresent(DERReader.boolean, "critical")
            let value = try ext.read(DERReader.octetString, "extnValue").value
            switch oid {
            case "2.5.29.17": try readSubjectAltNames(value)
            case "2.5.29.19": try readBasicConstraints(value)
            default: break
            }
        }
    }

    private mutating func readSubjectAltNames(_ value: ArraySlice<UInt8>) throws {
        var names = try DERReader.element(value, DERReader.sequence, "subjectAltName").children("GeneralNames")
        while !names.isAtEnd {
            let name = try names.read("GeneralName")
            switch name.tag {
            case 0x82: dnsNames.append(String(decoding: name.value, as: UTF8.self))
            case 0x87 where name.value.count == 4 || name.value.count == 16:
                ipAddresses.append(IPAddressText.text(Array(name.value)))
            default: break
            }
        }
    }

    private mutating func readBasicConstraints(_ value: ArraySlice<UInt8>) throws {
        var constraints = try DERReader.element(value, DERReader.sequence, "basicConstraints").children("BasicConstraints")
        if let flag = try constraints.readIfPresent(DERReader.boolean, "cA") {
            isCA = flag.value.first.map { $0 != 0 } ?? false
        }
    }
}
