//! Contrast data: the second thing a citizen types to show the document is theirs
//! (seed 002): a DNI's validity date, a permanent DNI's issue date, a NIE's support
//! number.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{DocumentKind, DocumentNumber, IdentityError};

/// The validity date printed on a permanent DNI (seed 002: "01-01-9999").
pub const PERMANENT_VALIDITY: NaiveDate = match NaiveDate::from_ymd_opt(9999, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The DNI was introduced in 1944: no issue or validity date can be earlier.
const FIRST_DNI_YEAR: i32 = 1944;

/// A DNI is valid for at most 10 years from issue (Real Decreto 1553/2005, art. 6);
/// a validity date further ahead than that from today cannot be real.
const MAX_DNI_VALIDITY_YEARS: u32 = 10;

/// Which contrast datum a document needs; a screen shows the matching field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ContrastKind {
    /// A DNI's validity date, or, if the citizen ticks "permanent DNI", its issue date.
    DniDate,
    /// A NIE's support number (the number printed on the TIE card or certificate).
    SupportNumber,
}

impl ContrastKind {
    /// What it is, in the words of the API (`docs/PROTOCOL.md`'s `kind`s).
    pub fn described(self) -> &'static str {
        match self {
            ContrastKind::DniDate => {
                "its validity date (kind dni_validity), or a permanent DNI's issue date (permanent_dni)"
            }
            ContrastKind::SupportNumber => "its support number (kind nie_support)",
        }
    }
}

/// A NIE support number: `C` (paper certificate) or `E` (TIE card) and 8 digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SupportNumber {
    normalised: [u8; 9],
}

impl SupportNumber {
    /// Parses tolerant input: case, spaces, dots and hyphens are ignored.
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        let chars: Vec<u8> = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '\t' | '\u{a0}'))
            .map(|c| if c.is_ascii() { c.to_ascii_uppercase() as u8 } else { 0 })
            .collect();
        let well_formed = chars.len() == 9
            && matches!(chars.first(), Some(b'C' | b'E'))
            && chars.iter().skip(1).all(u8::is_ascii_digit);
        if !well_formed {
            return Err(IdentityError::InvalidSupportNumber);
        }
        let normalised = chars.try_into().map_err(|_| IdentityError::InvalidSupportNumber)?;
        Ok(Self { normalised })
    }

    /// The normalised form, e.g. `E12345678`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.normalised).unwrap_or_default()
    }
}

impl fmt::Debug for SupportNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SupportNumber(***)")
    }
}

/// What the citizen gave as contrast data, checked for its own shape. Whether it
/// matches the census is the service's call.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ContrastData {
    /// An ordinary DNI and the validity date printed on it.
    DniValidity {
        /// The last day the card is valid.
        valid_until: NaiveDate,
    },
    /// A permanent DNI (validity 01-01-9999) and its issue date.
    PermanentDni {
        /// The day the card was issued.
        issued_on: NaiveDate,
    },
    /// A NIE and its support number.
    NieSupport {
        /// The number printed on the card or certificate.
        #[serde(with = "support_serde")]
        support: SupportNumber,
    },
}

impl ContrastData {
    /// A DNI's validity date. `today` bounds it: no DNI is valid for more than ten
    /// years ahead; 01-01-9999 means a permanent DNI, which is asked by issue date.
    pub fn dni_validity(valid_until: NaiveDate, today: NaiveDate) -> Result<Self, IdentityError> {
        if valid_until == PERMANENT_VALIDITY {
            return Err(IdentityError::PermanentDniNeedsIssueDate);
        }
        check_year(valid_until)?;
        let latest = today
            .checked_add_months(Months::new(12 * MAX_DNI_VALIDITY_YEARS))
            .unwrap_or(NaiveDate::MAX);
        if valid_until > latest {
            return Err(IdentityError::ValidityTooFarAhead);
        }
        Ok(ContrastData::DniValidity { valid_until })
    }

    /// A permanent DNI's issue date, which cannot be in the future.
    pub fn permanent_dni(issued_on: NaiveDate, today: NaiveDate) -> Result<Self, IdentityError> {
        check_year(issued_on)?;
        if issued_on > today {
            return Err(IdentityError::IssueDateInFuture);
        }
        Ok(ContrastData::PermanentDni { issued_on })
    }

    /// Parses the datum as typed on a screen, for the given document.
    pub fn parse_for(
        document: &DocumentNumber,
        input: &str,
        permanent_dni: bool,
        today: NaiveDate,
    ) -> Result<Self, IdentityError> {
        match (document.kind(), permanent_dni) {
            (DocumentKind::Dni, false) => Self::dni_validity(parse_date(input)?, today),
            (DocumentKind::Dni, true) => Self::permanent_dni(parse_date(input)?, today),
            (DocumentKind::Nie, false) => {
                Ok(ContrastData::NieSupport { support: SupportNumber::parse(input)? })
            }
            (DocumentKind::Nie, true) => Err(IdentityError::PermanentOnlyForDni),
        }
    }

    /// The kind of datum this is.
    pub fn kind(&self) -> ContrastKind {
        match self {
            ContrastData::DniValidity { .. } | ContrastData::PermanentDni { .. } => {
                ContrastKind::DniDate
            }
            ContrastData::NieSupport { .. } => ContrastKind::SupportNumber,
        }
    }

    /// Whether this datum is the kind the document needs.
    pub fn fits(&self, document: &DocumentNumber) -> bool {
        self.kind() == document.kind().contrast_kind()
    }
}

/// Contrast data confirm identity: keep them out of logs.
impl fmt::Debug for ContrastData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            ContrastData::DniValidity { .. } => "DniValidity",
            ContrastData::PermanentDni { .. } => "PermanentDni",
            ContrastData::NieSupport { .. } => "NieSupport",
        };
        write!(f, "ContrastData::{kind}(***)")
    }
}

fn check_year(date: NaiveDate) -> Result<(), IdentityError> {
    if date.year() < FIRST_DNI_YEAR {
        return Err(IdentityError::DateOutOfRange);
    }
    Ok(())
}

/// Parses a date as Spanish forms write it (`DD-MM-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`)
/// or in ISO 8601 (`YYYY-MM-DD`, what date pickers hand over).
pub fn parse_date(input: &str) -> Result<NaiveDate, IdentityError> {
    let input = input.trim();
    let parts: Vec<&str> = input.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(IdentityError::DateFormat);
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if ![a, b, c].iter().all(|s| all_digits(s)) {
        return Err(IdentityError::DateFormat);
    }
    let (year, month, day) = match (a.len(), b.len(), c.len()) {
        (4, 1..=2, 1..=2) => (*a, *b, *c),
        (1..=2, 1..=2, 4) => (*c, *b, *a),
        _ => return Err(IdentityError::DateFormat),
    };
    let number = |s: &str| s.parse::<u32>().map_err(|_| IdentityError::DateFormat);
    let year = i32::try_from(number(year)?).map_err(|_| IdentityError::DateFormat)?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
        .ok_or(IdentityError::NotACalendarDate)
}

mod support_serde {
    use super::SupportNumber;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &SupportNumber, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SupportNumber, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        SupportNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn dates_parse_in_spanish_and_iso_forms() {
        for input in ["31-12-2030", "31/12/2030", "31.12.2030", "2030-12-31", " 31/12/2030 "] {
            assert_eq!(parse_date(input), Ok(date(2030, 12, 31)), "{input}");
        }
        assert_eq!(parse_date("1/2/2030"), Ok(date(2030, 2, 1)));
        assert_eq!(parse_date("01-01-9999"), Ok(PERMANENT_VALIDITY));
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(parse_date("29-02-2024"), Ok(date(2024, 2, 29)));
        assert_eq!(parse_date("29-02-2023"), Err(IdentityError::NotACalendarDate));
        assert_eq!(parse_date("29-02-2100"), Err(IdentityError::NotACalendarDate));
        assert_eq!(parse_date("29-02-2000"), Ok(date(2000, 2, 29)));
        assert_eq!(parse_date("31-04-2030"), Err(IdentityError::NotACalendarDate));
        assert_eq!(parse_date("00-01-2030"), Err(IdentityError::NotACalendarDate));
        assert_eq!(parse_date("01-13-2030"), Err(IdentityError::NotACalendarDate));
        for bad in [
            "",
            "2030",
            "31-12",
            "31-12-30",
            "a1-12-2030",
            "31_12_2030",
            "31-12-2030-1",
            "+1-12-2030",
        ] {
            assert_eq!(parse_date(bad), Err(IdentityError::DateFormat), "{bad:?}");
        }
    }

    #[test]
    fn dni_validity_is_bounded_by_today() {
        assert!(ContrastData::dni_validity(date(2030, 5, 1), today()).is_ok());
        // An expired card still identifies; the service decides what that means.
        assert!(ContrastData::dni_validity(date(2020, 5, 1), today()).is_ok());
        // Exactly ten years ahead is the longest a DNI can run.
        assert!(ContrastData::dni_validity(date(2036, 11, 23), today()).is_ok());
        assert_eq!(
            ContrastData::dni_validity(date(2036, 11, 24), today()),
            Err(IdentityError::ValidityTooFarAhead)
        );
        assert_eq!(
            ContrastData::dni_validity(PERMANENT_VALIDITY, today()),
            Err(IdentityError::PermanentDniNeedsIssueDate)
        );
        assert_eq!(
            ContrastData::dni_validity(date(1943, 12, 31), today()),
            Err(IdentityError::DateOutOfRange)
        );
    }

    #[test]
    fn permanent_dni_needs_a_past_issue_date() {
        assert!(ContrastData::permanent_dni(date(2015, 3, 2), today()).is_ok());
        assert!(ContrastData::permanent_dni(today(), today()).is_ok());
        assert_eq!(
            ContrastData::permanent_dni(date(2026, 11, 24), today()),
            Err(IdentityError::IssueDateInFuture)
        );
        assert_eq!(
            ContrastData::permanent_dni(date(1900, 1, 1), today()),
            Err(IdentityError::DateOutOfRange)
        );
    }

    #[test]
    fn support_numbers_are_c_or_e_and_eight_digits() {
        for (input, normalised) in
            [("E12345678", "E12345678"), ("c 1234-5678", "C12345678"), ("e.00000001", "E00000001")]
        {
            let parsed = SupportNumber::parse(input).map(|s| s.as_str().to_owned());
            assert_eq!(parsed.as_deref(), Ok(normalised), "{input}");
        }
        for bad in [
            "",
            "E1234567",
            "E123456789",
            "A12345678",
            "12345678E",
            "EE1234567",
            "E1234567Ñ",
            "É12345678",
        ] {
            assert_eq!(
                SupportNumber::parse(bad),
                Err(IdentityError::InvalidSupportNumber),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn datum_must_fit_the_document() {
        let dni = DocumentNumber::parse("12345678Z").unwrap_or_else(|e| panic!("{e}"));
        let nie = DocumentNumber::parse("X1234567L").unwrap_or_else(|e| panic!("{e}"));
        let validity = ContrastData::parse_for(&dni, "01/05/2030", false, today());
        assert!(matches!(validity, Ok(ContrastData::DniValidity { .. })));
        let permanent = ContrastData::parse_for(&dni, "02-03-2015", true, today());
        assert!(matches!(permanent, Ok(ContrastData::PermanentDni { .. })));
        let support = ContrastData::parse_for(&nie, "E12345678", false, today());
        assert!(support.as_ref().is_ok_and(|c| c.fits(&nie) && !c.fits(&dni)));
        assert_eq!(
            ContrastData::parse_for(&nie, "02-03-2015", true, today()),
            Err(IdentityError::PermanentOnlyForDni)
        );
        assert_eq!(
            ContrastData::parse_for(&nie, "01/05/2030", false, today()),
            Err(IdentityError::InvalidSupportNumber)
        );
        assert_eq!(
            ContrastData::parse_for(&dni, "E12345678", false, today()),
            Err(IdentityError::DateFormat)
        );
    }

    #[test]
    fn debug_hides_the_datum_and_serde_round_trips() {
        let c = ContrastData::NieSupport {
            support: SupportNumber::parse("E12345678").unwrap_or_else(|e| panic!("{e}")),
        };
        assert!(!format!("{c:?}").contains("1234"));
        let json = serde_json::to_string(&c).unwrap_or_default();
        assert_eq!(json, r#"{"kind":"nie_support","support":"E12345678"}"#);
        assert_eq!(serde_json::from_str::<ContrastData>(&json).ok(), Some(c));
        assert!(
            serde_json::from_str::<ContrastData>(r#"{"kind":"nie_support","support":"X1"}"#)
                .is_err()
        );
        let d = ContrastData::PermanentDni { issued_on: date(2015, 3, 2) };
        let json = serde_json::to_string(&d).unwrap_or_default();
        assert_eq!(json, r#"{"kind":"permanent_dni","issued_on":"2015-03-02"}"#);
    }
}
