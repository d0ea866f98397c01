import Foundation

public extension ClavePinDevice {
    /// `didRegisterForRemoteNotificationsWithDeviceToken` hands its token here: the core
    /// registers it for every unlocked citizen and keeps it for the locked ones.
    func registerAPNsToken(_ token: Data) async throws -> PushTokenReport {
        try await registerPushToken(platform: .apns, token: token.map { String(format: "%02x", $0) }.joined())
    }

    /// A push's `userInfo`, as APNs delivered it, to the core: it reads the `clavepin`
    /// object and ignores the rest.
    func handlePush(userInfo: [AnyHashable: Any]) async throws -> PushOutcome {
        let strings = Dictionary(uniqueKeysWithValues: userInfo.compactMap { key, value in
            (key as? String).map { ($0, value) }
        })
        guard JSONSerialization.isValidJSONObject(strings) else {
            throw PinsError.MalformedPush(explanation: "the notification is not a PIN")
        }
        let payload = try JSONSerialization.data(withJSONObject: strings)
        return try await handlePush(payload: String(decoding: payload, as: UTF8.self))
    }
}

/// Where the app and its Notification Service Extension keep the one store they share.
public enum SharedContainer {
    /// The store's folder in the app group's container, made if missing; nil when the
    /// app group is not in the entitlements.
    public static func dataDirectory(appGroup: String) -> URL? {
        guard let container = FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: appGroup)
        else { return nil }
        let folder = container.appendingPathComponent("clavepin", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
