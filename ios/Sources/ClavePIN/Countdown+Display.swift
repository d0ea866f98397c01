import Foundation

public extension Countdown {
    /// The time left as the screen writes it, `m:ss`.
    var display: String { countdownDisplay(countdown: self) }
}
