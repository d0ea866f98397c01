//! The 4-character code that names a PIN request on the portal (seed 002: "choose the
//! 4-character code that makes up your Cl@ve and the PIN").

use std::fmt;

use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use crate::alphabet::{self, RandomError};

const CODE_LEN: usize = 4;

/// Why a typed code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum CodeError {
    /// Not exactly four characters.
    #[error("the code has exactly 4 letters or digits")]
    WrongLength,
    /// A character that is not an ASCII letter or digit.
    #[error("character {position} of the code is not a letter or digit")]
    InvalidCharacter {
        /// Zero-based position in the trimmed text.
        position: u32,
    },
}

/// A PIN request's code: 4 letters or digits, case-insensitive, kept in upper case.
/// Not secret: the portal shows it and locks it into the log-in form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PinCode([u8; CODE_LEN]);

impl PinCode {
    /// Parses a code the citizen chose ("I want to customise PIN generation").
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let mut out = [0u8; CODE_LEN];
        let mut len = 0;
        for (position, c) in input.trim().chars().enumerate() {
            if !c.is_ascii_alphanumeric() {
                return Err(CodeError::InvalidCharacter { position: position as u32 });
            }
            let slot = out.get_mut(len).ok_or(CodeError::WrongLength)?;
            *slot = c.to_ascii_uppercase() as u8;
            len += 1;
        }
        if len != CODE_LEN {
            return Err(CodeError::WrongLength);
        }
        Ok(Self(out))
    }

    /// A random code from the unambiguous alphabet, for citizens who don't choose one.
    pub fn random(rng: &dyn SecureRandom) -> Result<Self, RandomError> {
        Ok(Self(alphabet::random_symbols(rng)?))
    }

    /// The code in upper case.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for PinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PinCode({})", self.as_str())
    }
}

impl Serialize for PinCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PinCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn codes_are_case_insensitive_and_shown_upper_case() {
        assert_eq!(PinCode::parse("ab12").map(|c| c.to_string()), Ok("AB12".into()));
        assert_eq!(PinCode::parse(" Zz9O ").map(|c| c.to_string()), Ok("ZZ9O".into()));
        assert_eq!(PinCode::parse("ab12"), PinCode::parse("AB12"));
    }

    #[test]
    fn bad_codes_say_why() {
        assert_eq!(PinCode::parse(""), Err(CodeError::WrongLength));
        assert_eq!(PinCode::parse("ABC"), Err(CodeError::WrongLength));
        assert_eq!(PinCode::parse("ABCDE"), Err(CodeError::WrongLength));
        assert_eq!(PinCode::parse("AB-1"), Err(CodeError::InvalidCharacter { position: 2 }));
        assert_eq!(PinCode::parse("AÑ12"), Err(CodeError::InvalidCharacter { position: 1 }));
        assert_eq!(PinCode::parse("A B1"), Err(CodeError::InvalidCharacter { position: 1 }));
    }

    #[test]
    fn random_codes_use_the_unambiguous_alphabet() {
        let rng = SystemRandom::new();
        for _ in 0..200 {
            let code = PinCode::random(&rng).unwrap_or_else(|e| panic!("{e}"));
            assert!(code.as_str().bytes().all(|b| alphabet::SYMBOLS.contains(&b)));
            assert_eq!(PinCode::parse(code.as_str()), Ok(code));
        }
    }
}
