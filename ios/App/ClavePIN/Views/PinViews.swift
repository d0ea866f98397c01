import ClavePIN
import SwiftUI
import UIKit

/// The PIN screen: the request's code, the PIN in large type, the time left (the core
/// sends a new screen every 10 seconds and whenever something changes), "Copy PIN",
/// "This wasn't me", and the citizen's other actions. A PIN that can no longer be used
/// shows its code and what became of it. While it shows, the direct channel is open.
/// The PIN is hidden while the screen is recorded or mirrored, and in the app switcher.
struct PinScreenView: View {
    let document: DocumentNumber
    let notice: Notice?
    let screens: CitizenApp
    @State private var latest: PinView?
    @State private var channel: ChannelStatus?
    @State private var said: String?
    @State private var removing = false
    @State private var notMe: RequestId?
    @State private var confirmingNotMe = false
    @State private var captured = UIScreen.main.isCaptured
    @Environment(\.scenePhase) private var phase

    var body: some View {
        VStack(alignment: .leading, spacing: 16) { content }
            .task(id: document) { await follow() }
            .onReceive(NotificationCenter.default.publisher(for: UIScreen.capturedDidChangeNotification)) { _ in
                captured = UIScreen.main.isCaptured
            }
    }

    @ViewBuilder private var content: some View {
        Title(document.normalised)
        if let notice { Text(text(notice, device: screens.device)).accessibilityAddTraits(.updatesFrequently) }
        if let line = label(channel) { Text(line).font(.footnote).foregroundStyle(.secondary) }
        if let latest {
            Text(L("pins_code", latest.code)).font(.title3)
            // The core hands the value over only while the PIN is live (and the citizen unlocked).
            if let pin = latest.pin {
                let value = pin.reveal()
                Text(captured || phase != .active ? "•••" : value)
                    .font(.system(.largeTitle, design: .monospaced).bold())
                    .privacySensitive()
                    // VoiceOver reads it character by character: "X, 7, K".
                    .accessibilityLabel(L("pins_pin") + ": " + value.map(String.init).joined(separator: ", "))
                ProgressView(value: Double(latest.countdown.secondsLeft), total: 600)
                Text(latest.countdown.display).font(.title2).accessibilityAddTraits(.updatesFrequently)
                Button(L("pins_copy")) {
                    do {
                        try screens.device.clipboardContent(requestId: latest.requestId).copyToPasteboard()
                        said = L("pins_copied")
                    } catch {
                        said = explanation(of: error)
                    }
                }
                .buttonStyle(.borderedProminent)
            } else {
                Text(label(latest.state)).font(.headline)
            }
            // Any PIN shown can be reported, once: the notice then says what followed.
            if !reported(latest.requestId) {
                Button(L("pins_not_me"), role: .destructive) {
                    notMe = latest.requestId
                    confirmingNotMe = true
                }
                .confirmationDialog(
                    L("not_me_title"), isPresented: $confirmingNotMe, titleVisibility: .visible, presenting: notMe
                ) { requestId in
                    Button(L("not_me_confirm"), role: .destructive) { screens.reportNotMe(requestId) }
                    Button(L("cancel"), role: .cancel) {}
                } message: { _ in
                    Text(L("not_me_body"))
                }
            }
        } else {
            Text(L("pins_none"))
        }
        if let said { Text(said).accessibilityAddTraits(.updatesFrequently) }
        Button(L("pins_approve")) { screens.approveSignIn(document) }
        Button(L("pins_history")) { screens.history(document) }
        Button(L("pins_change_pattern")) { screens.changePattern(document) }
        Button(L("pins_lock")) { screens.lockAll() }
        Button(L("pins_remove"), role: .destructive) { removing = true }
            .confirmationDialog(L("remove_title", document.normalised), isPresented: $removing, titleVisibility: .visible) {
                Button(L("remove_confirm"), role: .destructive) { screens.remove(document) }
                Button(L("cancel"), role: .cancel) {}
            } message: {
                Text(L("remove_body"))
            }
    }

    /// Whether the notice already says this PIN was reported.
    private func reported(_ requestId: RequestId) -> Bool {
        if case let .notMeReported(id, _)? = notice { return id == requestId }
        return false
    }

    /// The screen model and the direct channel, for as long as this screen shows.
    private func follow() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { @MainActor in
                for await update in screens.device.screenUpdates() {
                    guard case let .shown(screen) = update else { continue }
                    latest = screen.citizens.first { $0.document == document }?.latest
                }
            }
            group.addTask { @MainActor in
                for await event in screens.device.directChannel(document: document) {
                    guard case let .status(status) = event else { continue }
                    channel = status
                    // Replaced or removed elsewhere: home says so.
                    if status == .replaced || status == .removed { screens.home() }
                }
            }
        }
    }
}

/// The PINs received and what became of them; the values themselves are never listed.
struct HistoryView: View {
    let pins: [PinView]

    var body: some View {
        Title(L("pins_history"))
        if pins.isEmpty { Text(L("history_empty")) }
        ForEach(pins, id: \.requestId) { pin in
            Text(L("history_item", pin.issuedAt.formatted(date: .numeric, time: .shortened), pin.code, label(pin.state)))
        }
    }
}
