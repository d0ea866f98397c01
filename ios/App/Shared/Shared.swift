import ClavePIN
import Foundation

/// What the app and its Notification Service Extension share: the store in the app
/// group's container, its key in the shared keychain group, the service, the
/// language. Both targets compile this file (ios/App/project.yml).
enum Shared {
    private static func info(_ key: String) -> String? {
        (Bundle.main.object(forInfoDictionaryKey: key) as? String).flatMap { $0.isEmpty ? nil : $0 }
    }

    static var appGroup: String { info("ClavePINAppGroup") ?? "group.es.clavepin" }
    static var serviceURL: String { info("ClavePINServiceURL") ?? "https://pin.clave.example.es" }
    /// `TEAMID.es.clavepin.shared`, filled in from the build's app identifier prefix.
    static var keychainGroup: String? { info("ClavePINKeychainGroup") }

    /// The phone's language, as the core names it (Catalan, Galician and Basque have their own texts).
    static var locale: ClavePIN.Locale {
        localeForTag(tag: Foundation.Locale.preferredLanguages.first ?? "es")
    }

    static var keyStore: KeychainKeyStore { KeychainKeyStore(accessGroup: keychainGroup) }

    /// The phone's model as the system names it (`iPhone15,2`), for the citizen's "My devices".
    static var model: String? {
        var system = utsname()
        guard uname(&system) == 0 else { return nil }
        return withUnsafeBytes(of: system.machine) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// Opens the shared store. A store whose key is gone (a restore onto another phone,
    /// a reinstall after the keychain was wiped) is set aside, never deleted, and a new
    /// one started: `setAside` says so. `deviceName` is what "My devices" calls the
    /// phone, sent at activation: the app passes `UIDevice.current.name` (main actor
    /// only); the extension, which never activates, need not.
    static func openDevice(deviceName: String? = nil) throws -> (device: ClavePinDevice, setAside: Bool) {
        guard let folder = SharedContainer.dataDirectory(appGroup: appGroup) else {
            throw PlatformError.Failure(explanation: "the app group \(appGroup) is not in the entitlements")
        }
        let settings = DeviceSettings(locale: locale, deviceName: deviceName, deviceModel: model)
        do {
            return (try ClavePinDevice.open(dataDir: folder.path, serviceUrl: serviceURL, keyStore: keyStore, settings: settings), false)
        } catch PlatformError.KeyUnavailable {
            _ = try setAsideLostStore(dataDir: folder.path, keyStore: keyStore, locale: locale)
            keyStore.forget()
            return (try ClavePinDevice.open(dataDir: folder.path, serviceUrl: serviceURL, keyStore: keyStore, settings: settings), true)
        }
    }
}

/// The PIN notification's category: "Copy PIN", which asks for the phone to be
/// unlocked first, and what the lock screen shows when previews are hidden.
enum PinCategory {
    static let identifier = "es.clavepin.pin"
    static let copy = "es.clavepin.copy"
    /// The `userInfo` key under which the extension leaves the request id for "Copy PIN".
    static let requestKey = "clavepin_request"
}
