import ClavePIN
import SwiftUI

/// Draws the screen `CitizenApp` decides; every button calls back into it.
struct RootView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        if let screens = model.screens {
            ScreensView(screens: screens)
        } else if let failure = model.failure {
            VStack(spacing: 16) {
                ErrorText(failure)
                Button(L("continue_")) { model.open() }
            }
            .padding()
        } else {
            ProgressView(L("busy"))
        }
    }
}

struct ScreensView: View {
    @ObservedObject var screens: CitizenApp

    var body: some View {
        NavigationStack {
            ScrollView {
                VStack(alignment: .leading, spacing: 16) {
                    content
                }
                .padding()
                .frame(maxWidth: .infinity, alignment: .leading)
            }
            .toolbar {
                if !isHome {
                    ToolbarItem(placement: .navigationBarLeading) {
                        Button(L("back")) { screens.back() }
                    }
                }
            }
            .overlay(alignment: .top) {
                if screens.busy { ProgressView().accessibilityLabel(L("busy")) }
            }
        }
        .tint(.clavePin)
    }

    private var isHome: Bool {
        if case .home = screens.screen { return true }
        return false
    }

    @ViewBuilder private var content: some View {
        switch screens.screen {
        case let .home(citizens, waiting, notice):
            HomeView(citizens: citizens, waiting: waiting, notice: notice, screens: screens)
        case let .enterDocument(error):
            DocumentView(error: error, screens: screens)
        case let .enterCode(_, phoneHint, codeExpiresAt, error):
            CodeView(phoneHint: phoneHint, codeExpiresAt: codeExpiresAt, error: error, screens: screens)
        case let .newPattern(_, error):
            NewPatternView(error: error, screens: screens)
        case let .unlock(document, error, retryAt):
            UnlockView(document: document, error: error, retryAt: retryAt, screens: screens)
        case let .pins(document, notice):
            PinScreenView(document: document, notice: notice, screens: screens)
        case let .history(_, pins):
            HistoryView(pins: pins)
        case let .changePattern(_, error):
            ChangePatternView(error: error, screens: screens)
        case .newPhone:
            NewPhoneView()
        case let .scanApproval(_, error):
            ScanApprovalView(error: error, screens: screens)
        case let .confirmApproval(_, request, fromLink, error, retryAt):
            ConfirmApprovalView(request: request, fromLink: fromLink, error: error, retryAt: retryAt, screens: screens)
        }
    }
}
