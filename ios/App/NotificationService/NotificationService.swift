import ClavePIN
import UserNotifications

/// Opens the sealed PIN a push carries and rewrites the notification with it. APNs
/// delivers an alert that says only that a PIN arrived (`mutable-content`); this
/// extension hands the payload to the core, which opens the seal with the key it
/// shares with the app, and shows what the core says: the PIN and its code, whose PIN
/// on a family phone. The category hides it from lock-screen previews. Whatever
/// fails, the citizen still gets the original "a PIN arrived" alert.
final class NotificationService: UNNotificationServiceExtension {
    private let lock = NSLock()
    private var handler: ((UNNotificationContent) -> Void)?
    private var original: UNNotificationContent?

    override func didReceive(
        _ request: UNNotificationRequest, withContentHandler contentHandler: @escaping (UNNotificationContent) -> Void
    ) {
        lock.withLock {
            handler = contentHandler
            original = request.content
        }
        Task {
            let content = await Self.rewrite(request.content)
            deliver(content)
        }
    }

    /// iOS is about to stop the extension (about 30 s): the original alert goes out.
    override func serviceExtensionTimeWillExpire() {
        deliver(lock.withLock { original } ?? UNNotificationContent())
    }

    /// Once only, whichever comes first.
    private func deliver(_ content: UNNotificationContent) {
        let handler = lock.withLock { () -> ((UNNotificationContent) -> Void)? in
            defer { self.handler = nil }
            return self.handler
        }
        handler?(content)
    }

    /// The device is opened for this push only and released before returning, so the
    /// extension never holds the shared SQLite file once it is done.
    private static func rewrite(_ received: UNNotificationContent) async -> UNNotificationContent {
        guard let content = received.mutableCopy() as? UNMutableNotificationContent else { return received }
        do {
            let device = try Shared.openDevice().device
            let shown: NotificationContent
            switch try await device.handlePush(userInfo: received.userInfo) {
            case let .received(pin):
                shown = try device.notification(requestId: pin.requestId, locale: Shared.locale)
            case let .pendingUnlock(document):
                shown = try device.pendingNotification(document: document, locale: Shared.locale)
            }
            content.title = shown.title.reveal()
            content.body = shown.body.reveal()
            content.threadIdentifier = shown.document.normalised
            content.interruptionLevel = .timeSensitive
            if let id = shown.requestId, shown.copyAction != nil {
                content.categoryIdentifier = PinCategory.identifier
                content.userInfo[PinCategory.requestKey] = id.value
            }
            return content
        } catch {
            return received
        }
    }
}
