import ClavePIN
import SwiftUI
import UIKit
import UserNotifications

@main
struct ClavePINApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @StateObject private var model = AppModel.shared
    @Environment(\.scenePhase) private var phase

    var body: some Scene {
        WindowGroup {
            RootView(model: model)
                .onChange(of: phase) { model.phaseChanged($0) }
                // The log-in page's link (a universal link; the service's host lists
                // this app in /.well-known/apple-app-site-association).
                .onOpenURL { url in
                    guard url.scheme == "https", url.host == URL(string: Shared.serviceURL)?.host, url.path == "/approve" else { return }
                    model.open()
                    model.screens?.openApprovalLink(url.absoluteString)
                }
        }
    }
}

/// The app's one device and its screens, opened while the app is in front and
/// released in the background: iOS kills a suspended app that holds a lock on a file
/// in a shared container (the store is shared with the extension), and SQLite holds
/// one while its connection is open.
@MainActor
final class AppModel: ObservableObject {
    static let shared = AppModel()

    @Published private(set) var screens: CitizenApp?
    @Published private(set) var failure: String?

    func phaseChanged(_ phase: ScenePhase) {
        switch phase {
        case .active:
            open()
            // What was delivered is stale or on screen now: the app shows the PIN itself.
            UNUserNotificationCenter.current().removeAllDeliveredNotifications()
        case .background:
            screens?.lockAll()
            screens = nil
        default:
            // Inactive (the app switcher, a call): locked, so the PIN is not left showing.
            screens?.lockAll()
        }
    }

    func open() {
        guard screens == nil else { return }
        do {
            let (device, setAside) = try Shared.openDevice(deviceName: UIDevice.current.name)
            let app = CitizenApp(device: device, locale: { Shared.locale })
            app.home(notice: setAside ? .said(L("notice_set_aside")) : nil)
            screens = app
            failure = nil
        } catch {
            failure = explanation(of: error)
        }
    }

    /// For the push token and the notification's "Copy PIN", with or without the screens open.
    func withDevice<T>(_ body: (ClavePinDevice) async throws -> T) async throws -> T {
        if let device = screens?.device { return try await body(device) }
        return try await body(try Shared.openDevice(deviceName: UIDevice.current.name).device)
    }
}

final class AppDelegate: NSObject, UIApplicationDelegate, UNUserNotificationCenterDelegate {
    func application(
        _ application: UIApplication, didFinishLaunchingWithOptions options: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        let center = UNUserNotificationCenter.current()
        center.delegate = self
        let copy = UNNotificationAction(
            identifier: PinCategory.copy, title: L("pins_copy"), options: [.authenticationRequired, .foreground])
        center.setNotificationCategories([
            UNNotificationCategory(
                identifier: PinCategory.identifier, actions: [copy], intentIdentifiers: [],
                hiddenPreviewsBodyPlaceholder: L("PIN_ARRIVED_BODY"), options: [])
        ])
        center.requestAuthorization(options: [.alert, .sound]) { _, _ in }
        application.registerForRemoteNotifications()
        return true
    }

    func application(_ application: UIApplication, didRegisterForRemoteNotificationsWithDeviceToken token: Data) {
        Task { @MainActor in
            _ = try? await AppModel.shared.withDevice { try await $0.registerAPNsToken(token) }
        }
    }

    /// A PIN arriving while the app is in front still shows as a banner.
    func userNotificationCenter(
        _ center: UNUserNotificationCenter, willPresent notification: UNNotification
    ) async -> UNNotificationPresentationOptions {
        [.banner, .sound]
    }

    /// "Copy PIN" on the notification: the core refuses a PIN that has meanwhile expired or been used.
    func userNotificationCenter(_ center: UNUserNotificationCenter, didReceive response: UNNotificationResponse) async {
        guard response.actionIdentifier == PinCategory.copy,
            let id = response.notification.request.content.userInfo[PinCategory.requestKey] as? String
        else { return }
        let content = try? await AppModel.shared.withDevice { try $0.clipboardContent(notifiedRequest: id) }
        await content?.copyToPasteboard()
    }
}
