import Foundation

/// What the screen ticker reports.
public enum ScreenUpdate: Sendable {
    /// The screen to show now.
    case shown(ScreenModel)
    /// The screen could not be read; the ticker goes on and tries again.
    case failed(PlatformError)
}

/// What the direct channel reports.
public enum ChannelEvent: Sendable {
    /// The channel's state changed.
    case status(ChannelStatus)
    /// A PIN arrived and is stored.
    case pin(ReceivedPin)
    /// A connection failed or dropped; a `reconnecting` status follows.
    case problem(PinsError)
}

public extension ChannelStatus {
    /// Whether the channel stops after this status: the citizen was locked, replaced or removed.
    var isFinal: Bool {
        switch self {
        case .locked, .replaced, .removed: return true
        default: return false
        }
    }
}

public extension ClavePinDevice {
    /// The app screen as a stream: the screen model at once, every 10 seconds, and at
    /// once whenever it changes. Only the newest is kept for a slow reader. Iterating
    /// starts the core's ticker; ending the iteration (or its task) stops it.
    func screenUpdates() -> AsyncStream<ScreenUpdate> {
        AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            do {
                let handle = try subscribeScreen(observer: ScreenForwarder(continuation))
                continuation.onTermination = { _ in handle.cancel() }
            } catch {
                if let error = error as? PlatformError { continuation.yield(.failed(error)) }
                continuation.finish()
            }
        }
    }

    /// The direct channel for an unlocked citizen. It reconnects by itself and ends
    /// after a final status (`locked`, `replaced`, `removed`); ending the iteration
    /// closes it.
    func directChannel(document: DocumentNumber) -> AsyncStream<ChannelEvent> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            do {
                let handle = try startDirectChannel(document: document, observer: ChannelForwarder(continuation))
                continuation.onTermination = { _ in handle.cancel() }
            } catch {
                if let error = error as? PinsError { continuation.yield(.problem(error)) }
                continuation.finish()
            }
        }
    }
}

/// The core's observers call these on its own threads; the continuation is thread-safe.
private final class ScreenForwarder: ScreenObserver, @unchecked Sendable {
    private let continuation: AsyncStream<ScreenUpdate>.Continuation

    init(_ continuation: AsyncStream<ScreenUpdate>.Continuation) {
        self.continuation = continuation
    }

    func onScreen(screen: ScreenModel) {
        continuation.yield(.shown(screen))
    }

    func onError(error: PlatformError) {
        continuation.yield(.failed(error))
    }
}

private final class ChannelForwarder: ChannelObserver, @unchecked Sendable {
    private let continuation: AsyncStream<ChannelEvent>.Continuation

    init(_ continuation: AsyncStream<ChannelEvent>.Continuation) {
        self.continuation = continuation
    }

    func onStatus(status: ChannelStatus) {
        continuation.yield(.status(status))
        if status.isFinal { continuation.finish() }
    }

    func onPin(pin: ReceivedPin) {
        continuation.yield(.pin(pin))
    }

    func onError(error: PinsError) {
        continuation.yield(.problem(error))
    }
}
