//! DNI and NIE numbers: parsing tolerant input into a value that is always valid.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::IdentityError;

/// The control letter for a number is `CONTROL_LETTERS[number mod 23]` (Real Decreto
/// 1553/2005, and the Ministry of the Interior's published algorithm).
const CONTROL_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Length of every normalised DNI and NIE: DNI is 8 digits + letter; NIE is a
/// prefix, 7 digits and a letter.
const NORMALISED_LEN: usize = 9;

/// Which identity document a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DocumentKind {
    /// Documento Nacional de Identidad, for Spanish citizens.
    Dni,
    /// Número de Identidad de Extranjero, for foreign residents.
    Nie,
}

impl DocumentKind {
    /// The contrast datum the service asks for with this kind of document (seed 002).
    pub fn contrast_kind(self) -> super::ContrastKind {
        match self {
            DocumentKind::Dni => super::ContrastKind::DniDate,
            DocumentKind::Nie => super::ContrastKind::SupportNumber,
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentKind::Dni => "DNI",
            DocumentKind::Nie => "NIE",
        })
    }
}

/// A valid DNI or NIE, normalised: upper case, no separators, control letter checked.
///
/// It can only be made by [`DocumentNumber::parse`], so holding one means the number
/// is well-formed. Whether it belongs to a registered citizen is the service's call.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentNumber {
    normalised: [u8; NORMALISED_LEN],
}

impl DocumentNumber {
    /// Parses what a citizen typed: case, spaces, dots and hyphens are tolerated.
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        let chars = normalise(input)?;
        let Some(&first) = chars.first() else {
            return Err(IdentityError::EmptyDocument);
        };
        let number_prefix = match first {
            b'0'..=b'9' => None,
            b'X' => Some(0),
            b'Y' => Some(1),
            b'Z' => Some(2),
            _ => return Err(IdentityError::UnknownDocumentPrefix),
        };
        let digits_start = usize::from(number_prefix.is_some());
        let body = chars.get(digits_start..).unwrap_or_default();
        // The body is the digits and, last, the control letter.
        let digits_wanted = NORMALISED_LEN - 1 - digits_start;
        let (digits, letter) = match body.split_last() {
            Some((&last, rest)) if last.is_ascii_alphabetic() => (rest, Some(last)),
            _ => (body, None),
        };
        if let Some(pos) = digits.iter().position(|c| !c.is_ascii_digit()) {
            return Err(IdentityError::MisplacedLetter { position: (digits_start + pos) as u32 });
        }
        if digits.len() != digits_wanted {
            return Err(IdentityError::WrongDigitCount {
                expected: digits_wanted as u32,
                found: digits.len() as u32,
            });
        }
        let Some(letter) = letter else {
            return Err(IdentityError::MissingControlLetter);
        };
        let number =
            digits.iter().fold(number_prefix.unwrap_or(0), |n, d| n * 10 + u32::from(d - b'0'));
        if letter != control_letter(number) {
            return Err(IdentityError::WrongControlLetter);
        }
        let normalised = chars.try_into().map_err(|_| IdentityError::DocumentTooLong)?;
        Ok(Self { normalised })
    }

    /// DNI or NIE.
    pub fn kind(&self) -> DocumentKind {
        if self.normalised[0].is_ascii_digit() { DocumentKind::Dni } else { DocumentKind::Nie }
    }

    /// The normalised form, e.g. `12345678Z` or `X1234567L`.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and letters are ever stored.
        std::str::from_utf8(&self.normalised).unwrap_or_default()
    }

    /// The number with all but the last three digits and the letter hidden, for logs
    /// and screens that must not show who the citizen is (e.g. `*****678Z`).
    pub fn masked(&self) -> String {
        let s = self.as_str();
        let visible = s.get(5..).unwrap_or_default();
        format!("*****{visible}")
    }
}

/// The control letter for a document's number (NIE prefixes already replaced by 0-2).
pub fn control_letter(number: u32) -> u8 {
    CONTROL_LETTERS[(number % 23) as usize]
}

/// Upper-cases, drops separators, and refuses anything else that is not a letter or
/// digit. Positions in errors count characters of the raw input, so a screen can
/// point at the culprit.
fn normalise(input: &str) -> Result<Vec<u8>, IdentityError> {
    let mut out = Vec::with_capacity(NORMALISED_LEN);
    for (position, c) in input.chars().enumerate() {
        match c {
            ' ' | '.' | '-' | '\t' | '\u{a0}' => continue,
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase() as u8),
            _ => {
                return Err(IdentityError::InvalidCharacter { position: position as u32 });
            }
        }
        if out.len() > NORMALISED_LEN {
            return Err(IdentityError::DocumentTooLong);
        }
    }
    Ok(out)
}

impl FromStr for DocumentNumber {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Masked: a document number is personal data and must not leak through `{:?}` into
/// logs or error reports.
impl fmt::Debug for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentNumber({})", self.masked())
    }
}

impl Serialize for DocumentNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DocumentNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// What a screen should show while the citizen is still typing a document number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentInput {
    /// Nothing typed yet.
    Empty,
    /// So far so good: the text can still become a valid number.
    Incomplete,
    /// The text can never become a valid number, whatever is typed next.
    Invalid(IdentityError),
    /// A complete, valid number.
    Valid(DocumentNumber),
}

impl DocumentInput {
    /// Classifies partial input, so a screen can flag a mistake at once but stay quiet
    /// while the citizen is still typing.
    pub fn check(input: &str) -> Self {
        match DocumentNumber::parse(input) {
            Ok(number) => DocumentInput::Valid(number),
            Err(IdentityError::EmptyDocument) => DocumentInput::Empty,
            Err(err) => match normalise(input) {
                Ok(chars) if could_complete(&chars) => DocumentInput::Incomplete,
                _ => DocumentInput::Invalid(err),
            },
        }
    }
}

/// Whether `chars` is a proper prefix of some valid normalised number.
fn could_complete(chars: &[u8]) -> bool {
    let Some(&first) = chars.first() else {
        return true;
    };
    let digits_start = match first {
        b'0'..=b'9' => 0,
        b'X' | b'Y' | b'Z' => 1,
        _ => return false,
    };
    // A prefix never holds the control letter: that is what completes it.
    chars.len() < NORMALISED_LEN
        && chars.get(digits_start..).unwrap_or_default().iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> DocumentNumber {
        DocumentNumber::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    #[test]
    fn known_dnis_and_nies_parse() {
        assert_eq!(ok("12345678Z").as_str(), "12345678Z");
        assert_eq!(ok("00000000T").kind(), DocumentKind::Dni);
        assert_eq!(ok("99999999R").as_str(), "99999999R");
        assert_eq!(ok("X1234567L").kind(), DocumentKind::Nie);
        assert_eq!(ok("Y1234567X").as_str(), "Y1234567X");
        assert_eq!(ok("Z1234567R").as_str(), "Z1234567R");
        assert_eq!(ok("X0000000T").as_str(), "X0000000T");
    }

    #[test]
    fn every_control_letter_is_checked() {
        for remainder in 0..23u32 {
            let number = 23 * 434_782 + remainder; // a realistic 8-digit DNI
            let letter = CONTROL_LETTERS[remainder as usize] as char;
            let dni = format!("{number:08}{letter}");
            assert_eq!(ok(&dni).as_str(), dni);
            for wrong in CONTROL_LETTERS.iter().map(|&l| l as char) {
                if wrong != letter {
                    let bad = format!("{number:08}{wrong}");
                    assert_eq!(
                        DocumentNumber::parse(&bad),
                        Err(IdentityError::WrongControlLetter),
                        "{bad}"
                    );
                }
            }
        }
    }

    #[test]
    fn nie_prefixes_count_as_leading_digits() {
        // X, Y, Z stand for 0, 1, 2 in front of the seven digits.
        for (prefix, value) in [('X', 0u32), ('Y', 1), ('Z', 2)] {
            for seven in [0u32, 1, 1_234_567, 9_999_999] {
                let letter = control_letter(value * 10_000_000 + seven) as char;
                let nie = format!("{prefix}{seven:07}{letter}");
                assert_eq!(ok(&nie).kind(), DocumentKind::Nie, "{nie}");
            }
        }
    }

    #[test]
    fn tolerant_input_is_normalised() {
        for input in
            ["12345678z", " 12.345.678-Z ", "12 345 678 z", "12345678-z", "1234\u{a0}5678Z"]
        {
            assert_eq!(ok(input).as_str(), "12345678Z", "{input:?}");
        }
        assert_eq!(ok("x-1234567-l").as_str(), "X1234567L");
        assert_eq!(ok("y.1234567.x").to_string(), "Y1234567X");
    }

    #[test]
    fn invalid_numbers_say_why() {
        use IdentityError::*;
        let cases: &[(&str, IdentityError)] = &[
            ("", EmptyDocument),
            ("  - . ", EmptyDocument),
            ("12345678", MissingControlLetter),
            ("X1234567", MissingControlLetter),
            ("1234567Z", WrongDigitCount { expected: 8, found: 7 }),
            ("X123456L", WrongDigitCount { expected: 7, found: 6 }),
            ("X12345678L", DocumentTooLong),
            ("123456789Z", DocumentTooLong),
            ("12345678ZZ", DocumentTooLong),
            ("1234A678Z", MisplacedLetter { position: 4 }),
            ("XX234567L", MisplacedLetter { position: 1 }),
            ("K1234567L", UnknownDocumentPrefix),
            ("A1234567L", UnknownDocumentPrefix),
            ("12345678/Z", InvalidCharacter { position: 8 }),
            ("1234_5678Z", InvalidCharacter { position: 4 }),
            ("12345678Ñ", InvalidCharacter { position: 8 }),
            ("12345678A", WrongControlLetter),
            ("X1234567X", WrongControlLetter),
        ];
        for (input, expected) in cases {
            assert_eq!(DocumentNumber::parse(input).as_ref(), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn live_check_waits_for_the_citizen_to_finish() {
        assert_eq!(DocumentInput::check(""), DocumentInput::Empty);
        for partial in ["1", "1234", "12345678", "x", "X12", "x 1234567"] {
            assert_eq!(DocumentInput::check(partial), DocumentInput::Incomplete, "{partial}");
        }
        for wrong in ["A", "12a", "12345678A", "123456789", "X1234567X", "1/"] {
            assert!(matches!(DocumentInput::check(wrong), DocumentInput::Invalid(_)), "{wrong}");
        }
        assert_eq!(DocumentInput::check("12345678z"), DocumentInput::Valid(ok("12345678Z")));
    }

    #[test]
    fn debug_output_masks_the_number() {
        let dni = ok("12345678Z");
        let debug = format!("{dni:?}");
        assert!(!debug.contains("12345678"), "{debug}");
        assert!(debug.contains("678Z"));
    }

    #[test]
    fn serde_round_trips_and_rejects_invalid() {
        let dni = ok("12345678Z");
        let json = serde_json::to_string(&dni).unwrap_or_default();
        assert_eq!(json, "\"12345678Z\"");
        assert_eq!(serde_json::from_str::<DocumentNumber>(&json).ok(), Some(dni));
        assert!(serde_json::from_str::<DocumentNumber>("\"12345678A\"").is_err());
    }
}

// Across the FFI a document number is its normalised text; lifting parses it, so a
// shell can never hand the core an invalid one.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(DocumentNumber, String, {
    try_lift: |text| Ok(DocumentNumber::parse(&text)?),
    lower: |number| number.as_str().to_owned(),
});
