import ClavePIN
import SwiftUI

/// A text from Localizable.strings (Spanish, English, Catalan, Galician, Basque),
/// with its placeholders filled in.
func L(_ key: String, _ arguments: CVarArg...) -> String {
    let format = NSLocalizedString(key, comment: "")
    return arguments.isEmpty ? format : String(format: format, arguments: arguments)
}

/// The app's own words for the core's states; what the core explains, it says itself.
func label(_ state: CitizenState, unlocked: Bool) -> String {
    switch state {
    case .active: return unlocked ? L("state_unlocked") : L("state_active")
    case .needsPattern: return L("state_needs_pattern")
    case .replaced: return L("state_replaced")
    }
}

func label(_ state: PinState) -> String {
    switch state {
    case .live: return L("pin_state_live")
    case .used: return L("pin_state_used")
    case .expired: return L("pin_state_expired")
    case .superseded: return L("pin_state_superseded")
    case .dead: return L("pin_state_dead")
    }
}

/// The channel's state in a line; nil once it is final (the screen changes then).
func label(_ status: ChannelStatus?) -> String? {
    switch status {
    case nil, .connecting?: return L("channel_connecting")
    case .connected?: return L("channel_connected")
    case .reconnecting?: return L("channel_reconnecting")
    case .locked?, .replaced?, .removed?: return nil
    }
}

/// `device` puts the times the service gave on the phone's own clock.
func text(_ notice: Notice, device: ClavePinDevice) -> String {
    switch notice {
    case let .removed(document, serviceTold):
        return L(serviceTold ? "notice_removed_told" : "notice_removed_later", document.normalised)
    case .patternChanged: return L("notice_pattern_changed")
    case let .notMeReported(_, smsUntil): return L("notice_not_me", phoneTime(smsUntil, device: device))
    case let .approved(site, _): return L("notice_approved", site ?? L("approve_portal"))
    case let .approvalRefused(smsUntil?, _): return L("notice_approval_not_me", phoneTime(smsUntil, device: device))
    case .approvalRefused(nil, _): return L("notice_approval_refused")
    case .chooseWhoApproves: return L("notice_choose_who_approves")
    case let .said(text): return text
    }
}

/// An instant on the service's clock as the time of day the phone's status bar shows
/// then (the phone's own clock may be minutes off the service's; the core knows by how much).
func phoneTime(_ date: Date, device: ClavePinDevice) -> String {
    date.addingTimeInterval(-TimeInterval(device.clockOffsetSecs())).formatted(date: .omitted, time: .shortened)
}

/// Colours chosen for WCAG 2.1 AA (EN 301 549): text at 4.5:1 or more against its
/// background, controls at 3:1 or more, in the light and the dark appearance.
extension Color {
    static let clavePin = Color(UIColor { traits in
        traits.userInterfaceStyle == .dark
            ? UIColor(red: 0.61, green: 0.80, blue: 1.00, alpha: 1)  // 10.4:1 on black
            : UIColor(red: 0.04, green: 0.31, blue: 0.54, alpha: 1)  // 8.6:1 on white
    })
}

/// A screen's title, a heading for VoiceOver's rotor.
struct Title: View {
    let text: String
    init(_ text: String) { self.text = text }
    var body: some View {
        Text(text).font(.title2.bold()).accessibilityAddTraits(.isHeader)
    }
}

/// An error the core explained, announced as it appears.
struct ErrorText: View {
    let text: String
    init(_ text: String) { self.text = text }
    var body: some View {
        Text(text)
            .foregroundStyle(Color(UIColor.systemRed))
            .onAppear { UIAccessibility.post(notification: .announcement, argument: text) }
    }
}
