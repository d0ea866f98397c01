//! Live validation for the activation and "Obtain PIN" screens.

use chrono::NaiveDate;
use clavepin_protocol::identity::parse_date;
use clavepin_protocol::{
    ContrastData, ContrastKind, DocumentInput, DocumentKind, DocumentNumber, IdentityError,
};

/// A valid document number, as a screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentInfo {
    /// The number, typed: what the device's calls take.
    pub document: DocumentNumber,
    /// Upper case, no separators: `12345678Z`, `X1234567L`.
    pub normalised: String,
    /// DNI or NIE.
    pub kind: DocumentKind,
    /// Which contrast datum the next field asks for.
    pub contrast_needed: ContrastKind,
}

impl From<DocumentNumber> for DocumentInfo {
    fn from(number: DocumentNumber) -> Self {
        DocumentInfo {
            document: number,
            normalised: number.as_str().to_owned(),
            kind: number.kind(),
            contrast_needed: number.kind().contrast_kind(),
        }
    }
}

/// The state of a document field while the citizen types.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DocumentInputState {
    /// Nothing typed yet.
    Empty,
    /// Can still become a valid number: don't flag anything yet.
    Incomplete,
    /// Can never become valid; `reason` says why, in English. Call
    /// [`validate_document`] for the typed error.
    Invalid {
        /// What is wrong, without repeating the input.
        reason: String,
    },
    /// A complete, valid number.
    Valid {
        /// The number and what it needs next.
        document: DocumentInfo,
    },
}

/// Classifies a document field's text on every keystroke.
#[uniffi::export]
pub fn document_input_state(input: String) -> DocumentInputState {
    match DocumentInput::check(&input) {
        DocumentInput::Empty => DocumentInputState::Empty,
        DocumentInput::Incomplete => DocumentInputState::Incomplete,
        DocumentInput::Invalid(err) => DocumentInputState::Invalid { reason: err.to_string() },
        DocumentInput::Valid(number) => DocumentInputState::Valid { document: number.into() },
    }
}

/// Validates a DNI or NIE: its normalised form and the contrast datum it needs, or
/// why it is not valid.
#[uniffi::export]
pub fn validate_document(input: String) -> Result<DocumentInfo, IdentityError> {
    DocumentNumber::parse(&input).map(Into::into)
}

/// A day on the citizen's calendar. The shell passes its local date, so "today" is
/// the citizen's today, not UTC's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CalendarDate {
    /// Four-digit year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
}

impl TryFrom<CalendarDate> for NaiveDate {
    type Error = IdentityError;
    fn try_from(d: CalendarDate) -> Result<Self, Self::Error> {
        NaiveDate::from_ymd_opt(d.year, d.month, d.day).ok_or(IdentityError::NotACalendarDate)
    }
}

/// Valid contrast data, normalised for display.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContrastInfo {
    /// The kind of datum.
    pub kind: ContrastKind,
    /// Whether it is a permanent DNI's issue date.
    pub permanent_dni: bool,
    /// `DD/MM/YYYY` for dates, `E12345678` for support numbers.
    pub display: String,
}

/// Validates contrast data for a document as typed: a DNI's validity date, a
/// permanent DNI's issue date (`permanent_dni`), or a NIE's support number.
#[uniffi::export]
pub fn validate_contrast_data(
    document: String,
    input: String,
    permanent_dni: bool,
    today: CalendarDate,
) -> Result<ContrastInfo, IdentityError> {
    let number = DocumentNumber::parse(&document)?;
    let contrast = ContrastData::parse_for(&number, &input, permanent_dni, today.try_into()?)?;
    Ok(ContrastInfo {
        kind: contrast.kind(),
        permanent_dni: matches!(contrast, ContrastData::PermanentDni { .. }),
        display: match contrast {
            ContrastData::DniValidity { valid_until: d }
            | ContrastData::PermanentDni { issued_on: d } => d.format("%d/%m/%Y").to_string(),
            ContrastData::NieSupport { support } => support.as_str().to_owned(),
        },
    })
}

/// Parses a date as a Spanish form writes it (`DD/MM/YYYY`, `DD-MM-YYYY`) or in ISO
/// form, for date fields that are typed rather than picked.
#[uniffi::export]
pub fn parse_calendar_date(input: String) -> Result<CalendarDate, IdentityError> {
    use chrono::Datelike;
    let d = parse_date(&input)?;
    Ok(CalendarDate { year: d.year(), month: d.month(), day: d.day() })
}

/// What to tell the citizen about a document or contrast datum that is not valid, in
/// their language: the text beside the field the error flags.
#[uniffi::export]
pub fn explain_identity_error(error: IdentityError, locale: clavepin_core::Locale) -> String {
    clavepin_core::explain(&clavepin_core::CoreError::Identity(error), locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: CalendarDate = CalendarDate { year: 2026, month: 11, day: 23 };

    #[test]
    fn a_typed_dni_asks_for_a_date_and_a_nie_for_a_support_number() {
        let dni = validate_document("12.345.678-z".into());
        assert_eq!(
            dni.map(|d| (d.normalised, d.contrast_needed)),
            Ok(("12345678Z".into(), ContrastKind::DniDate))
        );
        let nie = validate_document("x1234567l".into());
        assert_eq!(nie.map(|d| d.contrast_needed), Ok(ContrastKind::SupportNumber));
    }

    #[test]
    fn live_state_follows_the_typing() {
        assert_eq!(document_input_state("".into()), DocumentInputState::Empty);
        assert_eq!(document_input_state("1234".into()), DocumentInputState::Incomplete);
        assert!(matches!(
            document_input_state("12345678A".into()),
            DocumentInputState::Invalid { .. }
        ));
        assert!(matches!(
            document_input_state("12345678Z".into()),
            DocumentInputState::Valid { .. }
        ));
    }

    #[test]
    fn contrast_data_is_checked_against_the_document() {
        let ok = validate_contrast_data("12345678Z".into(), "2030-01-31".into(), false, TODAY);
        assert_eq!(ok.map(|c| c.display), Ok("31/01/2030".into()));
        let permanent =
            validate_contrast_data("12345678Z".into(), "01-01-9999".into(), false, TODAY);
        assert_eq!(permanent, Err(IdentityError::PermanentDniNeedsIssueDate));
        let bad_today = CalendarDate { year: 2026, month: 2, day: 30 };
        let err = validate_contrast_data("12345678Z".into(), "2030-01-31".into(), false, bad_today);
        assert_eq!(err, Err(IdentityError::NotACalendarDate));
    }
}
