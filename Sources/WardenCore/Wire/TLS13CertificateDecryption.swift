import Crypto

// MARK: - The certificate a TLS 1.3 server sends encrypted

/// Recovers the server's certificate chain from a TLS 1.3 first flight.
///
/// In TLS 1.3 everything after ServerHello is encrypted with handshake keys that both
/// sides derive from the key exchange, so a server that only speaks TLS 1.3 shows its
/// certificate to no plaintext probe. We hold our own key share, so we can derive the
/// server's handshake traffic key (RFC 8446 §7.1) and read EncryptedExtensions and
/// Certificate. No client Finished is ever sent; nothing is verified here.
///
/// Supports the suites OpenSSL enables by default: TLS_AES_128_GCM_SHA256,
/// TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 (not the CCM ones).
public enum TLS13CertificateDecryption {
    /// The chain (leaf first), or nil when the Certificate message has not fully arrived.
    /// Throws `.unsupported` for a suite or group we cannot handle, `.crypto` when a record
    /// does not decrypt, `.parse` for malformed contents.
    public static func certificates(hello: TLSClientHello, flight: TLSServerFlight) throws -> [[UInt8]]? {
        guard let serverHello = flight.serverHello, let serverHelloMessage = flight.handshakeMessages.first,
              serverHello.version == .tls13, !serverHello.isHelloRetryRequest
        else {
            throw CoreError(.invalid, "not a TLS 1.3 ServerHello: nothing to decrypt")
        }
        guard let keyShare = hello.keyShare, let serverShare = serverHello.keyShare else {
            throw CoreError(.invalid, "the TLS 1.3 exchange has no key share")
        }
        let shared = try sharedSecret(keyShare, group: serverShare.group, serverKey: serverShare.key)
        let transcript = hello.handshakeMessage + serverHelloMessage
        switch serverHello.cipherSuite {
        case 0x1301:
            let keys = trafficKeys(SHA256.self, shared: shared, transcript: transcript, keyLength: 16)
            return try readCertificates(flight.encryptedRecords, keys: keys, cipher: .aesGCM)
        case 0x1302:
            let keys = trafficKeys(SHA384.self, shared: shared, transcript: transcript, keyLength: 32)
            return try readCertificates(flight.encryptedRecords, keys: keys, cipher: .aesGCM)
        case 0x1303:
            let keys = trafficKeys(SHA256.self, shared: shared, transcript: transcript, keyLength: 32)
            return try readCertificates(flight.encryptedRecords, keys: keys, cipher: .chaCha20Poly1305)
        default:
            throw CoreError(.unsupported, "cannot decrypt TLS 1.3 suite 0x\(CipherSuite.hex(serverHello.cipherSuite))")
        }
    }

    // MARK: Key schedule (RFC 8446 §7.1)

    struct TrafficKeys {
        var key: [UInt8]
        var iv: [UInt8]
    }

    enum RecordCipher { case aesGCM, chaCha20Poly1305 }

    static func sharedSecret(_ share: TLSKeyShare, group: UInt16, serverKey: [UInt8]) throws -> [UInt8] {
        do {
            switch group {
            case 0x001D:
                let mine = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: share.x25519PrivateKey)
                let theirs = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: serverKey)
                return try mine.sharedSecretFromKeyAgreement(with: theirs).withUnsafeBytes { Array($0) }
            case 0x0017:
                let mine = try P256.KeyAgreement.PrivateKey(rawRepresentation: share.p256PrivateKey)
                let theirs = try P256.KeyAgreement.PublicKey(x963Representation: serverKey)
                return try mine.sharedSecretFromKeyAgreement(with: theirs).withUnsafeBytes { Array($0) }
            default:
                throw CoreError(.unsupported, "the server chose key-exchange group 0x\(CipherSuite.hex(group)), which we did not offer")
            }
        } catch let error as CoreError {
            throw error
        } catch {
            throw CoreError(.crypto, "the server's key share for group 0x\(CipherSuite.hex(group)) is not a valid public key")
        }
    }

    static func trafficKeys<H: HashFunction>(_: H.Type, shared: [UInt8], transcript: [UInt8], keyLength: Int) -> TrafficKeys {
        let zeros = [UInt8](repeating: 0, count: H.Digest.byteCount)
        let early = extract(H.self, salt: zeros, keyMaterial: zeros)
        let derived = expandLabel(H.self, secret: early, label: "derived", context: Array(H.hash(data: [UInt8]())), length: zeros.count)
        let handshake = extract(H.self, salt: derived, keyMaterial: shared)
        let serverSecret = expandLabel(H.self, secret: handshake, label: "s hs traffic",
                                       context: Array(H.hash(data: transcript)), length: zeros.count)
        return TrafficKeys(
            key: expandLabel(H.self, secret: serverSecret, label: "key", context: [], length: keyLength),
            iv: expandLabel(H.self, secret: serverSecret, label: "iv", context: [], length: 12)
        )
    }

    static func extract<H: HashFunction>(_: H.Type, salt: [UInt8], keyMaterial: [UInt8]) -> [UInt8] {
        Array(HKDF<H>.extract(inputKeyMaterial: SymmetricKey(data: keyMaterial), salt: salt))
    }

    /// HKDF-Expand-Label: info = length(2) ‖ "tls13 " + label (1-byte length) ‖ context (1-byte length).
    static func expandLabel<H: HashFunction>(_: H.Type, secret: [UInt8], label: String, context: [UInt8], length: Int) -> [UInt8] {
        var info: [UInt8] = []
        info.appendUInt16(UInt16(length))
        info.appendLengthPrefixed(1, Array(("tls13 " + label).utf8))
        info.appendLengthPrefixed(1, context)
        let key = HKDF<H>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        return key.withUnsafeBytes { Array($0) }
    }

    // MARK: Records

    static func readCertificates(_ records: [[UInt8]], keys: TrafficKeys, cipher: RecordCipher) throws -> [[UInt8]]? {
        var handshake: [UInt8] = []
        for (sequence, record) in records.enumerated() {
            guard record.count > 5 + 16 else { throw CoreError(.parse, "encrypted TLS record \(sequence + 1) is too short") }
            let plaintext = try open(record, sequence: UInt64(sequence), keys: keys, cipher: cipher)
            // TLSInnerPlaintext: content ‖ content type ‖ zero padding.
            guard let typeIndex = plaintext.lastIndex(where: { $0 != 0 }) else { continue }
            guard plaintext[typeIndex] == TLSRecordType.handshake.rawValue else { continue }
            handshake += plaintext[..<typeIndex]
            var reader = WireReader(handshake, what: "TLS 1.3 handshake")
            while reader.remainingCount >= 4 {
                let type = try reader.readUInt8("handshake type")
                let length = try reader.readUInt24("handshake length")
                guard reader.remainingCount >= length else { break }
                let body = try reader.readBytes(length, "handshake body")
                if type == 11 { return try parseCertificate(body) }
            }
        }
        return nil
    }

    static func open(_ record: [UInt8], sequence: UInt64, keys: TrafficKeys, cipher: RecordCipher) throws -> [UInt8] {
        var nonce = keys.iv
        for index in 0..<8 { nonce[4 + index] ^= UInt8(truncatingIfNeeded: sequence >> (56 - 8 * UInt64(index))) }
        let header = record[0..<5]
        let ciphertext = record[5..<(record.count - 16)]
        let tag = record[(record.count - 16)...]
        let key = SymmetricKey(data: keys.key)
        do {
            switch cipher {
            case .aesGCM:
                let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                return Array(try AES.GCM.open(box, using: key, authenticating: header))
            case .chaCha20Poly1305:
                let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                return Array(try ChaChaPoly.open(box, using: key, authenticating: header))
            }
        } catch {
            throw CoreError(.crypto, "encrypted TLS record \(sequence + 1) does not decrypt with our handshake key",
                            hint: "the server's answer does not belong to this ClientHello")
        }
    }

    /// TLS 1.3 Certificate: request context, then entries of (DER, extensions).
    static func parseCertificate(_ body: ArraySlice<UInt8>) throws -> [[UInt8]] {
        var reader = WireReader(body, what: "TLS 1.3 Certificate message")
        _ = try reader.readLengthPrefixed(1, "certificate_request_context")
        var list = WireReader(try reader.readLengthPrefixed(3, "certificate_list"), what: "certificate_list")
        var certificates: [[UInt8]] = []
        while !list.isAtEnd {
            certificates.append(Array(try list.readLengthPrefixed(3, "certificate \(certificates.count + 1)")))
            _ = try list.readLengthPrefixed(2, "certificate extensions")
        }
        return certificates
    }
}
