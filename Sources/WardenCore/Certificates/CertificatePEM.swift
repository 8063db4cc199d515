import Foundation
import SwiftASN1
import X509

// MARK: - PEM in and out

/// The one place certificates and keys become PEM text and back, with errors a user can act
/// on (which file, what it held instead).
public enum CertificatePEM {
    /// `-----BEGIN CERTIFICATE-----` text for `certificate`, ending in a newline.
    public static func text(of certificate: Certificate) throws -> String {
        do {
            return try certificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw CoreError(.crypto, "could not encode a certificate as PEM: \(error)")
        }
    }

    /// PEM text for `key`: PKCS#8 (`PRIVATE KEY`) for EC keys, PKCS#1 (`RSA PRIVATE KEY`) for
    /// RSA keys, the forms OpenSSL (and so PostgreSQL) reads without being told the type.
    public static func text(of key: Certificate.PrivateKey) throws -> String {
        do {
            return try key.serializeAsPEM().pemString + "\n"
        } catch {
            throw CoreError(.crypto, "could not encode a private key as PEM: \(error)")
        }
    }

    /// Every certificate in a PEM file, in file order (leaf first for a server's chain).
    public static func certificates(in text: String, file: String? = nil) throws -> [Certificate] {
        let ders = try PEMCertificates.der(in: text)
        return try ders.enumerated().map { index, der in
            do {
                return try Certificate(derEncoded: der)
            } catch {
                throw CoreError(.parse, "certificate \(index + 1) is not a valid X.509 certificate: \(error)",
                                hint: "give the PEM file as exported (-----BEGIN CERTIFICATE-----)", file: file)
            }
        }
    }

    /// The first certificate of a PEM file.
    public static func certificate(in text: String, file: String? = nil) throws -> Certificate {
        guard let first = try certificates(in: text, file: file).first else {
            throw CoreError(.parse, "no certificate in the file", file: file)
        }
        return first
    }

    /// The private key of a PEM file: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or
    /// SEC 1 (`EC PRIVATE KEY`). An encrypted key is refused with a hint: PostgreSQL cannot
    /// read one without a passphrase command either. Errors never quote the key.
    public static func privateKey(in text: Secret, file: String? = nil) throws -> Certificate.PrivateKey {
        let revealed = text.revealed
        if revealed.contains("ENCRYPTED PRIVATE KEY") || revealed.contains("Proc-Type: 4,ENCRYPTED") {
            throw CoreError(.unsupported, "the private key is encrypted with a passphrase",
                            hint: "PostgreSQL cannot read an encrypted key at start-up; export it without a passphrase (openssl pkey -in KEY -out PLAIN) and import that", file: file)
        }
        guard let block = keyBlock(in: revealed) else {
            throw CoreError(.parse, "no private key in the file (no -----BEGIN … PRIVATE KEY----- block)",
                            hint: "give the key file, not the certificate", file: file)
        }
        do {
            return try Certificate.PrivateKey(pemEncoded: block)
        } catch {
            throw CoreError(.parse, "the private key cannot be read (a PKCS#8, RSA or EC key is expected)",
                            hint: "check that this is the key that belongs to the certificate, in PEM form", file: file)
        }
    }

    /// SHA-256 of the certificate's DER, as colon-separated upper-case hex (what
    /// `openssl x509 -fingerprint -sha256` prints): how a certificate is recognised on the wire.
    public static func fingerprint(der: [UInt8]) -> String {
        FileDigest.sha256(der).uppercased().enumerated().reduce(into: "") { text, pair in
            if pair.offset > 0, pair.offset % 2 == 0 { text.append(":") }
            text.append(pair.element)
        }
    }

    /// The DER bytes of `certificate`.
    public static func der(of certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate)
        } catch {
            throw CoreError(.crypto, "could not encode a certificate as DER: \(error)")
        }
        return serializer.serializedBytes
    }

    /// The first private-key PEM block (files often hold parameters or a certificate too).
    static func keyBlock(in text: String) -> String? {
        var lines: [Substring] = []
        var inside = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if !inside, line.hasPrefix("-----BEGIN "), line.hasSuffix("PRIVATE KEY-----") {
                inside = true
            }
            if inside { lines.append(line) }
            if inside, line.hasPrefix("-----END "), line.hasSuffix("PRIVATE KEY-----") {
                return lines.joined(separator: "\n")
            }
        }
        return nil
    }
}
