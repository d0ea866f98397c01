//! The 6-digit activation code sent by SMS (SPEC.md's table).

use std::fmt;

use ring::rand::SecureRandom;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::RandomError;

/// Why a typed activation code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum ActivationCodeError {
    /// Not six digits.
    #[error("the activation code is 6 digits")]
    NotSixDigits,
}

/// A 6-digit activation code. Secret until used: zeroised, never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ActivationCode([u8; 6]);

impl ActivationCode {
    /// Parses a code as typed; spaces and hyphens (as in "123 456") are ignored.
    pub fn parse(input: &str) -> Result<Self, ActivationCodeError> {
        let digits: Vec<u8> = input.bytes().filter(|b| !matches!(b, b' ' | b'-')).collect();
        if digits.len() != 6 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(ActivationCodeError::NotSixDigits);
        }
        let mut out = [0u8; 6];
        out.copy_from_slice(&digits);
        Ok(Self(out))
    }

    /// A uniformly random code: 32-bit draws below the largest multiple of 10⁶ are kept.
    pub fn random(rng: &dyn SecureRandom) -> Result<Self, RandomError> {
        const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
        loop {
            let mut bytes = [0u8; 4];
            rng.fill(&mut bytes).map_err(|_| RandomError)?;
            let n = u32::from_be_bytes(bytes);
            if n < LIMIT {
                let text = format!("{:06}", n % 1_000_000);
                return Self::parse(&text).map_err(|_| RandomError);
            }
        }
    }

    /// The digits, for the SMS text and the keyed hash only.
    pub fn expose(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActivationCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(
            ActivationCode::parse("123 456").map(|c| c.expose().to_owned()),
            Ok("123456".into())
        );
        assert_eq!(
            ActivationCode::parse("000-001").map(|c| c.expose().to_owned()),
            Ok("000001".into())
        );
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            assert_eq!(ActivationCode::parse(bad), Err(ActivationCodeError::NotSixDigits), "{bad}");
        }
        let rng = SystemRandom::new();
        for _ in 0..100 {
            assert!(ActivationCode::random(&rng).is_ok());
        }
        assert_eq!(
            format!("{:?}", ActivationCode::parse("123456").unwrap()),
            "ActivationCode(***)"
        );
    }
}
