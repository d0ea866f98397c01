import Foundation

// The device's error families carry the core's explanation, in the device's language,
// as their Rust `Display`; uniffi generates `description` from it. Declaring the
// conformance makes `String(describing:)`, `localizedDescription` and SwiftUI's
// `Text(error.localizedDescription)` say it, instead of the enum's case and fields.
extension ActivationError: CustomStringConvertible {}
extension UnlockError: CustomStringConvertible {}
extension PinsError: CustomStringConvertible {}
extension ApprovalError: CustomStringConvertible {}
extension NetworkError: CustomStringConvertible {}
extension PlatformError: CustomStringConvertible {}

/// What to tell the citizen for any of the device's errors.
public func explanation(of error: Error) -> String {
    switch error {
    case let error as ActivationError: return error.description
    case let error as UnlockError: return error.description
    case let error as PinsError: return error.description
    case let error as ApprovalError: return error.description
    case let error as NetworkError: return error.description
    case let error as PlatformError: return error.description
    default: return error.localizedDescription
    }
}
