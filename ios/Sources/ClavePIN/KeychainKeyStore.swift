import CryptoKit
import Foundation
import Security

/// The platform key store on Apple devices: wraps the core's data key so that only
/// this device can open it.
///
/// Where there is a Secure Enclave (every iPhone since the 5s), the wrapping key is a
/// P-256 key made inside it that never leaves it: the data key is sealed to its public
/// key (ECDH with a fresh key, HKDF-SHA256, AES-256-GCM) and only the enclave can open
/// it. Elsewhere (the simulator, a Mac without one) it is a 256-bit AES key in the
/// Keychain. Either way the Keychain item is `AfterFirstUnlockThisDeviceOnly`: it is
/// not in backups, never moves to another device, and is readable while the phone is
/// locked after its first unlock, which the Notification Service Extension needs.
/// Give the app and the extension the same `accessGroup` (a keychain group both have).
public final class KeychainKeyStore: PlatformKeyStore, @unchecked Sendable {
    private let service: String
    private let accessGroup: String?
    private let secureEnclave: Bool
    private let lock = NSLock()

    private static let account = "data-key-wrapping"
    private static let info = Data("es.clavepin store key".utf8)
    private static let sealedToEnclave: UInt8 = 1
    private static let sealedWithKeychainKey: UInt8 = 2

    public init(
        service: String = "es.clavepin.store", accessGroup: String? = nil,
        secureEnclave: Bool = SecureEnclave.isAvailable
    ) {
        self.service = service
        self.accessGroup = accessGroup
        self.secureEnclave = secureEnclave
    }

    public func wrap(dataKey: Data) throws -> Data {
        try guarded {
            if secureEnclave {
                let recipient = try enclaveKey(createIfMissing: true).publicKey
                let ephemeral = P256.KeyAgreement.PrivateKey()
                let key = try Self.sealingKey(
                    ephemeral.sharedSecretFromKeyAgreement(with: recipient), ephemeral.publicKey)
                let sealed = try AES.GCM.seal(dataKey, using: key)
                return try Data([Self.sealedToEnclave]) + ephemeral.publicKey.x963Representation + Self.combined(sealed)
            }
            let sealed = try AES.GCM.seal(dataKey, using: try keychainKey(createIfMissing: true))
            return try Data([Self.sealedWithKeychainKey]) + Self.combined(sealed)
        }
    }

    public func unwrapKey(wrapped: Data) throws -> Data {
        try guarded {
            guard let kind = wrapped.first else { throw PlatformError.KeyUnavailable(explanation: Self.gone) }
            let body = wrapped.dropFirst()
            switch kind {
            case Self.sealedToEnclave:
                guard body.count > 65 else { throw PlatformError.KeyUnavailable(explanation: Self.gone) }
                let sender = try P256.KeyAgreement.PublicKey(x963Representation: body.prefix(65))
                let key = try Self.sealingKey(
                    try enclaveKey(createIfMissing: false).sharedSecretFromKeyAgreement(with: sender), sender)
                return try AES.GCM.open(AES.GCM.SealedBox(combined: body.dropFirst(65)), using: key)
            case Self.sealedWithKeychainKey:
                return try AES.GCM.open(
                    AES.GCM.SealedBox(combined: body), using: try keychainKey(createIfMissing: false))
            default:
                throw PlatformError.KeyUnavailable(explanation: Self.gone)
            }
        }
    }

    /// Forgets the wrapping key (after `setAsideLostStore`, to start afresh).
    public func forget() {
        lock.lock()
        defer { lock.unlock() }
        SecItemDelete(baseQuery() as CFDictionary)
    }

    // MARK: - Keys

    private func enclaveKey(createIfMissing: Bool) throws -> SecureEnclave.P256.KeyAgreement.PrivateKey {
        if let blob = try readItem() {
            // The blob is the enclave's own encryption of the key: useless elsewhere,
            // so one that does not open here is a key that is gone.
            do {
                return try SecureEnclave.P256.KeyAgreement.PrivateKey(dataRepresentation: blob)
            } catch {
                throw PlatformError.KeyUnavailable(explanation: Self.gone)
            }
        }
        guard createIfMissing else { throw PlatformError.KeyUnavailable(explanation: Self.gone) }
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly, .privateKeyUsage, &error)
        else {
            throw PlatformError.Failure(explanation: "key store: no access control")
        }
        let key = try SecureEnclave.P256.KeyAgreement.PrivateKey(accessControl: access)
        try addItem(key.dataRepresentation)
        return key
    }

    private func keychainKey(createIfMissing: Bool) throws -> SymmetricKey {
        if let bytes = try readItem() { return SymmetricKey(data: bytes) }
        guard createIfMissing else { throw PlatformError.KeyUnavailable(explanation: Self.gone) }
        let key = SymmetricKey(size: .bits256)
        try addItem(key.withUnsafeBytes { Data($0) })
        return key
    }

    private static func sealingKey(_ secret: SharedSecret, _ sender: P256.KeyAgreement.PublicKey) throws -> SymmetricKey {
        secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: sender.x963Representation, sharedInfo: info, outputByteCount: 32)
    }

    private static func combined(_ box: AES.GCM.SealedBox) throws -> Data {
        guard let data = box.combined else { throw PlatformError.Failure(explanation: "key store: sealing failed") }
        return data
    }

    // MARK: - Keychain

    private func baseQuery() -> [String: Any] {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: Self.account,
        ]
        #if !os(macOS)
            // On a Mac the data-protection keychain needs a signed, entitled binary;
            // `swift test` runs unsigned there, on the login keychain.
            query[kSecUseDataProtectionKeychain as String] = true
        #endif
        if let accessGroup { query[kSecAttrAccessGroup as String] = accessGroup }
        return query
    }

    private func readItem() throws -> Data? {
        var query = baseQuery()
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess: return result as? Data
        case errSecItemNotFound: return nil
        // Before the first unlock after a restart the item cannot be read yet: transient.
        case errSecInteractionNotAllowed:
            throw PlatformError.Failure(explanation: "key store: the phone has not been unlocked since it started")
        default: throw PlatformError.Failure(explanation: "key store: keychain error \(status)")
        }
    }

    private func addItem(_ data: Data) throws {
        var query = baseQuery()
        query[kSecValueData as String] = data
        query[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(query as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw PlatformError.Failure(explanation: "key store: keychain error \(status)")
        }
    }

    /// One caller at a time: the app and its extension each have their own instance.
    private func guarded(_ body: () throws -> Data) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body()
        } catch let error as PlatformError {
            throw error
        } catch CryptoKitError.authenticationFailure {
            throw PlatformError.KeyUnavailable(explanation: Self.gone)
        } catch {
            throw PlatformError.Failure(explanation: "key store: \(type(of: error))")
        }
    }

    private static let gone = "the platform key does not open the stored key"
}
