import ClavePIN
import SwiftUI
import VisionKit

/// "Approve a sign-in": scan the log-in page's QR code with the camera (VisionKit's
/// data scanner, iOS 16), or type the code the page shows. What was read goes to the
/// core as it is.
struct ScanApprovalView: View {
    let error: String?
    let screens: CitizenApp
    @State private var typed = ""
    @State private var scanning = false

    var body: some View {
        Title(L("approve_title"))
        Text(L("approve_scan_help"))
        if let error { ErrorText(error) }
        if DataScannerViewController.isSupported && DataScannerViewController.isAvailable {
            Button(L("approve_scan")) { scanning = true }
                .buttonStyle(.borderedProminent)
                .disabled(screens.busy)
                .sheet(isPresented: $scanning) {
                    QrScanner { text in
                        scanning = false
                        screens.submitApprovalCode(text)
                    }
                    .ignoresSafeArea()
                }
        } else {
            Text(L("approve_scanner_missing")).font(.footnote)
        }
        TextField(L("approve_code_label"), text: $typed)
            .textInputAutocapitalization(.characters)
            .autocorrectionDisabled()
            .textFieldStyle(.roundedBorder)
        Button(L("approve_continue")) { screens.submitApprovalCode(typed) }
            .disabled(screens.busy || typed.trimmingCharacters(in: .whitespaces).isEmpty)
    }
}

/// The camera, until it sees a QR code: its text is handed back once.
private struct QrScanner: UIViewControllerRepresentable {
    let found: (String) -> Void

    func makeUIViewController(context: Context) -> DataScannerViewController {
        let scanner = DataScannerViewController(
            recognizedDataTypes: [.barcode(symbologies: [.qr])], qualityLevel: .balanced,
            isHighlightingEnabled: true)
        scanner.delegate = context.coordinator
        try? scanner.startScanning()
        return scanner
    }

    func updateUIViewController(_ controller: DataScannerViewController, context: Context) {}

    func makeCoordinator() -> Coordinator { Coordinator(found: found) }

    final class Coordinator: NSObject, DataScannerViewControllerDelegate {
        private var found: ((String) -> Void)?

        init(found: @escaping (String) -> Void) {
            self.found = found
        }

        func dataScanner(_ scanner: DataScannerViewController, didAdd items: [RecognizedItem], allItems: [RecognizedItem]) {
            for case let .barcode(code) in items {
                guard let text = code.payloadStringValue, let found else { continue }
                self.found = nil
                scanner.stopScanning()
                found(text)
                return
            }
        }
    }
}

/// Who asks and since when, the time left, then the pattern drawn again to approve;
/// "Refuse" and "This wasn't me" end the request without it.
struct ConfirmApprovalView: View {
    let request: SignInToApprove
    let fromLink: Bool
    let error: String?
    let retryAt: Date?
    let screens: CitizenApp

    var body: some View {
        Title(L("approve_confirm_title"))
        Text(L("approve_who", request.site ?? L("approve_portal"))).font(.headline)
        TimelineView(.periodic(from: .now, by: 1)) { _ in
            let now = screens.device.now()
            let left = max(0, Int(request.expiresAt.timeIntervalSince(now).rounded(.up)))
            let wait = max(0, Int((retryAt ?? .distantPast).timeIntervalSince(now).rounded(.up)))
            VStack(alignment: .leading, spacing: 12) {
                Text(
                    L(
                        "approve_when", phoneTime(request.requestedAt, device: screens.device),
                        String(format: "%d:%02d", left / 60, left % 60)))
                Text(L("approve_check")).font(.footnote)
                // Opened by a link: it may have come from anyone, not the citizen's own log-in page.
                if fromLink { Text(L("approve_link_warning")).font(.headline) }
                if let error { ErrorText(error) }
                if wait > 0 { Text(L("unlock_wait", String(format: "%d:%02d", wait / 60, wait % 60))) }
                Text(L("approve_draw"))
                PatternPad(enabled: !screens.busy && wait == 0 && left > 0) { screens.approve($0) }
            }
        }
        Button(L("approve_refuse")) { screens.refuseApproval(notMe: false) }
            .disabled(screens.busy)
        Button(L("pins_not_me"), role: .destructive) { screens.refuseApproval(notMe: true) }
            .disabled(screens.busy)
    }
}
