import Foundation

public extension Countdown {
    /// The time left as the screen writes it, `m:ss`.
    var display: String { countdownDisplay(countdown: self) }
}

/// Validates contrast data against the citizen's own calendar day.
public func validateContrastData(
    document: String, input: String, permanentDni: Bool, today: Date = Date(),
    calendar: Calendar = .current
) throws -> ContrastInfo {
    let parts = calendar.dateComponents([.year, .month, .day], from: today)
    let day = CalendarDate(
        year: Int32(parts.year ?? 0), month: UInt32(parts.month ?? 0), day: UInt32(parts.day ?? 0))
    return try validateContrastData(
        document: document, input: input, permanentDni: permanentDni, today: day)
}
