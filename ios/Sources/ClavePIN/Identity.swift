import Foundation

public extension CalendarDate {
    /// The citizen's calendar day for `date`, in `calendar`'s time zone: "today" is the
    /// citizen's today, not UTC's.
    init(_ date: Date, calendar: Calendar = .current) {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: Int32(parts.year ?? 0), month: UInt32(parts.month ?? 0), day: UInt32(parts.day ?? 0))
    }
}

/// Validates contrast data against the citizen's own calendar day.
public func validateContrastData(
    document: String, input: String, permanentDni: Bool, today: Date = Date(),
    calendar: Calendar = .current
) throws -> ContrastInfo {
    try validateContrastData(
        document: document, input: input, permanentDni: permanentDni, today: CalendarDate(today, calendar: calendar))
}

/// What to tell the citizen about an identity error beside the field it flags, in
/// the device's language.
public extension IdentityError {
    func explanation(in locale: Locale) -> String { explainIdentityError(error: self, locale: locale) }
}
