import Foundation

public extension ClavePinDevice {
    /// What "Copy PIN" copies, for a request id a notification carried: refused once
    /// the PIN has expired or been used, as for one the app shows.
    func clipboardContent(notifiedRequest id: String) throws -> ClipboardContent {
        try clipboardContent(requestId: RequestId(value: id))
    }
}

#if canImport(UIKit)
import UIKit
import UniformTypeIdentifiers

public extension ClipboardContent {
    /// "Copy PIN": the PIN on the pasteboard of this device only (never Handoff's
    /// universal clipboard), expiring with the PIN. The expiry is counted from now in
    /// the core's seconds left, so a phone clock minutes off does not move it.
    @MainActor
    func copyToPasteboard(_ pasteboard: UIPasteboard = .general, now: Date = Date()) {
        pasteboard.setItems(
            [[UTType.plainText.identifier: text.reveal()]],
            options: [
                .localOnly: true,
                .expirationDate: now.addingTimeInterval(TimeInterval(clearAfterSecs)),
            ])
    }
}
#endif
