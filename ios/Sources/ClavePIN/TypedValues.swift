import Foundation

/// A valid DNI or NIE, normalised. Only the core makes them (`validateDocument`, the
/// citizens list), so a device call can never get a malformed one.
public struct DocumentNumber: Hashable, Sendable, CustomStringConvertible {
    /// Upper case, no separators: `12345678Z`.
    public let normalised: String

    init(normalised: String) {
        self.normalised = normalised
    }

    public var description: String { normalised }
}

/// A PIN request's id, as the core hands it out.
public struct RequestId: Hashable, Sendable, CustomStringConvertible {
    /// The id's text, to carry in a notification's `userInfo` (see
    /// `ClavePinDevice.clipboardContent(notifiedRequest:)`).
    public let value: String

    init(value: String) {
        self.value = value
    }

    public var description: String { "RequestId(\(value))" }
}

/// An approval's code, as the core read it from the log-in page's QR code (the link it
/// holds) or from what the citizen typed. Only the core makes them; pass it back to
/// `approveSignIn` or `refuseSignIn`. It never prints: `description` is `ApprovalCode(***)`.
public struct ApprovalCode: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    init(value: String) {
        self.value = value
    }

    public var description: String { "ApprovalCode(***)" }
    public var debugDescription: String { description }
}

/// A text that holds a PIN: the PIN itself, or a notification line showing it. It never
/// prints (`description` and `debugDescription` are `SecretText(***)`), so a logged
/// screen model or a crash report carries no PIN. Call `reveal()` only where it is
/// shown or copied.
public struct SecretText: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let text: String

    init(_ text: String) {
        self.text = text
    }

    /// The text, for the one place that shows or copies it.
    public func reveal() -> String { text }

    public var description: String { "SecretText(***)" }
    public var debugDescription: String { "SecretText(***)" }
}

extension SecretText: CustomReflectable {
    /// No children: `dump()`, debuggers and anything that walks a `Mirror` see no text.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
