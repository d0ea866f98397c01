//! The short code of an approval in the app: the secret the citizen carries from the
//! log-in screen into the app, by scanning the QR code or typing it (NIST SP
//! 800-63B-4 no longer counts a bare tap on a push).

use std::fmt;

use ring::rand::SecureRandom;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{RandomError, alphabet};

/// Symbols in a code: 8 from the 31 unambiguous ones, some 39.6 bits, against which
/// a guesser gets a handful of tries in 5 minutes.
pub const APPROVAL_CODE_LEN: usize = 8;

/// Why a typed or scanned approval code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum ApprovalCodeError {
    #[error("the approval code is 8 letters and digits, as the log-in page shows it")]
    WrongLength,
    #[error("the approval code has no such character; check it against the log-in page")]
    InvalidCharacter,
    #[error("this link is not the Cl@ve PIN service's: approve only on the log-in page you opened")]
    OtherService,
}

/// An approval's code. Secret until used: zeroised, never printed whole.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ApprovalCode([u8; APPROVAL_CODE_LEN]);

impl ApprovalCode {
    /// Parses a code as typed or read from a link: case, spaces and hyphens ignored.
    pub fn parse(input: &str) -> Result<Self, ApprovalCodeError> {
        let mut out = [0u8; APPROVAL_CODE_LEN];
        let mut len = 0;
        for c in input.chars().filter(|c| !matches!(c, ' ' | '-')) {
            let b = u8::try_from(c.to_ascii_uppercase())
                .ok()
                .filter(|b| alphabet::contains(*b))
                .ok_or(ApprovalCodeError::InvalidCharacter)?;
            *out.get_mut(len).ok_or(ApprovalCodeError::WrongLength)? = b;
            len += 1;
        }
        if len != APPROVAL_CODE_LEN {
            return Err(ApprovalCodeError::WrongLength);
        }
        Ok(Self(out))
    }

    /// A code as the app reads it: the code typed, or the link a QR code holds (the
    /// same the phone's link opens), which must be `{service}/approve?…code=…` for the
    /// service the app uses: a link to anywhere else is someone else's.
    pub fn from_scan(text: &str, service: &str) -> Result<Self, ApprovalCodeError> {
        let text = text.trim();
        if !text.contains("://") {
            return Self::parse(text);
        }
        let prefix = format!("{}/approve?", service.trim_end_matches('/'));
        let ours = text.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(&prefix));
        let query =
            text.get(prefix.len()..).filter(|_| ours).ok_or(ApprovalCodeError::OtherService)?;
        let query = query.split('#').next().unwrap_or_default();
        let code = query.split('&').find_map(|pair| pair.strip_prefix("code="));
        Self::parse(code.ok_or(ApprovalCodeError::WrongLength)?)
    }

    /// A uniformly random code.
    pub fn random(rng: &dyn SecureRandom) -> Result<Self, RandomError> {
        Ok(Self(alphabet::random_symbols(rng)?))
    }

    /// The 8 symbols without grouping: for links and the keyed hash.
    pub fn expose(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// As a person reads it: two groups of four, "ABCD-EFGH".
    pub fn grouped(&self) -> String {
        let (first, second) = self.expose().split_at(APPROVAL_CODE_LEN / 2);
        format!("{first}-{second}")
    }
}

impl fmt::Debug for ApprovalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApprovalCode(***)")
    }
}

impl serde::Serialize for ApprovalCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for ApprovalCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// Across the FFI a code is its text; lifting parses it again.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(ApprovalCode, String, {
    try_lift: |text| Ok(ApprovalCode::parse(&text)?),
    lower: |code| code.expose().to_owned(),
});

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn codes_read_as_typed_or_linked() {
        let code = ApprovalCode::parse("abcd-efgh").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code.expose(), "ABCDEFGH");
        assert_eq!(code.grouped(), "ABCD-EFGH");
        assert_eq!(ApprovalCode::parse(" AB CD EF GH ").map(|c| c.grouped()), Ok(code.grouped()));
        assert_eq!(format!("{code:?}"), "ApprovalCode(***)");
        for (bad, why) in [
            ("", ApprovalCodeError::WrongLength),
            ("ABCDEFG", ApprovalCodeError::WrongLength),
            ("ABCDEFGHJ", ApprovalCodeError::WrongLength),
            ("ABCDEFG0", ApprovalCodeError::InvalidCharacter),
            ("ABCDEFGI", ApprovalCodeError::InvalidCharacter),
            ("ABCDEFGÑ", ApprovalCodeError::InvalidCharacter),
            ("ABCD_EFG", ApprovalCodeError::InvalidCharacter),
        ] {
            assert_eq!(ApprovalCode::parse(bad), Err(why), "{bad}");
        }
    }

    #[test]
    fn a_scanned_link_gives_its_code_if_it_is_the_services() {
        let service = "https://pin.example.es/";
        let want = ApprovalCode::parse("ABCDEFGH").ok();
        for scanned in [
            "https://pin.example.es/approve?code=ABCDEFGH",
            "HTTPS://PIN.EXAMPLE.ES/approve?lang=es&code=abcdefgh#top",
            " ABCD-EFGH ",
        ] {
            assert_eq!(ApprovalCode::from_scan(scanned, service).ok(), want, "{scanned}");
        }
        for (bad, why) in [
            ("https://pin.example.es/approve?lang=es", ApprovalCodeError::WrongLength),
            ("https://pin.example.es/approve?code=ABC", ApprovalCodeError::WrongLength),
            (
                "https://pin.example.es.evil.example/approve?code=ABCDEFGH",
                ApprovalCodeError::OtherService,
            ),
            ("https://evil.example/approve?code=ABCDEFGH", ApprovalCodeError::OtherService),
            ("https://pin.example.es/other?code=ABCDEFGH", ApprovalCodeError::OtherService),
        ] {
            assert_eq!(ApprovalCode::from_scan(bad, service), Err(why), "{bad}");
        }
    }

    #[test]
    fn random_codes_parse_back_and_differ() {
        let rng = SystemRandom::new();
        let a = ApprovalCode::random(&rng).unwrap_or_else(|e| panic!("{e}"));
        let b = ApprovalCode::random(&rng).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ApprovalCode::parse(&a.grouped()), Ok(a.clone()));
        assert_ne!(a, b);
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(serde_json::from_str::<ApprovalCode>(&json).ok(), Some(a));
    }
}
