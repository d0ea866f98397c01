//! Who a citizen says they are: a document number and the contrast data that goes
//! with it.

mod contrast;
mod document;

use serde::{Deserialize, Serialize};

pub use contrast::{ContrastData, ContrastKind, PERMANENT_VALIDITY, SupportNumber, parse_date};
pub use document::{DocumentInput, DocumentKind, DocumentNumber, control_letter};

/// Why typed identity data was refused. Messages never repeat what was typed: they
/// end up in logs and crash reports, and a document number is personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum IdentityError {
    /// Nothing but separators was typed.
    #[error("no document number was given")]
    EmptyDocument,
    /// A character that is neither a letter, a digit nor a separator.
    #[error("character {position} is not allowed in a document number")]
    InvalidCharacter {
        /// Zero-based position in the text as typed.
        position: u32,
    },
    /// A letter other than X, Y or Z before the digits.
    #[error("a document number starts with a digit (DNI) or with X, Y or Z (NIE)")]
    UnknownDocumentPrefix,
    /// A letter among the digits.
    #[error("a letter appears among the digits, at position {position}")]
    MisplacedLetter {
        /// Zero-based position in the normalised number.
        position: u32,
    },
    /// Too few or too many digits for the kind of document.
    #[error("expected {expected} digits, found {found}")]
    WrongDigitCount {
        /// How many the document needs.
        expected: u32,
        /// How many were typed.
        found: u32,
    },
    /// More characters than any DNI or NIE has.
    #[error("too long for a DNI or NIE")]
    DocumentTooLong,
    /// The digits are complete but the control letter is missing.
    #[error("the control letter is missing")]
    MissingControlLetter,
    /// The control letter does not match the number: most likely a typing mistake.
    #[error("the control letter does not match the number")]
    WrongControlLetter,
    /// A date that is not written as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD.
    #[error("write the date as DD/MM/YYYY")]
    DateFormat,
    /// A well-written date that does not exist, such as 31-04 or 29-02 of a common year.
    #[error("that day does not exist in the calendar")]
    NotACalendarDate,
    /// A date before identity documents existed.
    #[error("the date is before 1944, when the DNI was introduced")]
    DateOutOfRange,
    /// 01-01-9999 is the validity of a permanent DNI, which is identified by its issue date.
    #[error(
        "for a permanent DNI (valid until 01-01-9999) tick \"permanent DNI\" and give the issue date"
    )]
    PermanentDniNeedsIssueDate,
    /// A DNI's validity date more than ten years ahead.
    #[error("no DNI is valid for more than ten years from today")]
    ValidityTooFarAhead,
    /// A permanent DNI's issue date after today.
    #[error("the issue date is in the future")]
    IssueDateInFuture,
    /// "Permanent DNI" ticked for a NIE.
    #[error("only a DNI can be permanent")]
    PermanentOnlyForDni,
    /// Not a support number.
    #[error("a support number is C or E followed by 8 digits")]
    InvalidSupportNumber,
    /// Contrast data of the wrong kind for the document.
    #[error("a {document} needs {}", needed.described())]
    ContrastKindMismatch {
        /// The document's kind.
        document: DocumentKind,
        /// The kind of datum it needs.
        needed: ContrastKind,
    },
}

/// A document number with contrast data of the matching kind: what the citizen types
/// to activate a device or obtain a PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct IdentityClaim {
    document: DocumentNumber,
    contrast: ContrastData,
}

impl IdentityClaim {
    /// Pairs a document with its contrast data, refusing a datum of the wrong kind.
    pub fn new(document: DocumentNumber, contrast: ContrastData) -> Result<Self, IdentityError> {
        if !contrast.fits(&document) {
            return Err(IdentityError::ContrastKindMismatch {
                document: document.kind(),
                needed: document.kind().contrast_kind(),
            });
        }
        Ok(Self { document, contrast })
    }

    /// The document number.
    pub fn document(&self) -> DocumentNumber {
        self.document
    }

    /// The contrast data.
    pub fn contrast(&self) -> ContrastData {
        self.contrast
    }
}

impl<'de> Deserialize<'de> for IdentityClaim {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            document: DocumentNumber,
            contrast: ContrastData,
        }
        let raw = Raw::deserialize(d)?;
        IdentityClaim::new(raw.document, raw.contrast).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_claim_pairs_a_document_with_the_right_datum() {
        let dni = DocumentNumber::parse("12345678Z").unwrap_or_else(|e| panic!("{e}"));
        let date = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default();
        let validity = ContrastData::DniValidity { valid_until: date };
        assert!(IdentityClaim::new(dni, validity).is_ok());
        let support = ContrastData::NieSupport {
            support: SupportNumber::parse("E12345678").unwrap_or_else(|e| panic!("{e}")),
        };
        assert_eq!(
            IdentityClaim::new(dni, support),
            Err(IdentityError::ContrastKindMismatch {
                document: DocumentKind::Dni,
                needed: ContrastKind::DniDate
            })
        );
        let json =
            r#"{"document":"12345678Z","contrast":{"kind":"nie_support","support":"E12345678"}}"#;
        assert!(serde_json::from_str::<IdentityClaim>(json).is_err());
    }
}
