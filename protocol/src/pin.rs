//! The one-time PIN: 3 symbols, 31 possible each (29,791 PINs), from a CSPRNG.

use std::fmt;

use ring::rand::SecureRandom;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::alphabet::{self, RandomError};

/// Number of symbols in a PIN (SPEC.md; seed 001: "three letters").
pub const PIN_LEN: usize = 3;

/// How many different PINs there are: 31³.
pub const PIN_SPACE: u32 = 31 * 31 * 31;

/// Why a typed PIN was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum PinError {
    /// Not exactly three characters.
    #[error("a PIN has exactly 3 characters")]
    WrongLength,
    /// A character no PIN contains (PINs never use 0, O, 1, I or L).
    #[error("character {position} never appears in a PIN")]
    NotAPinCharacter {
        /// Zero-based position in the trimmed text.
        position: u32,
    },
}

/// A PIN. Secret: zeroised on drop, never printed by `Debug`, compared only where it
/// is checked (the service compares keyed hashes, not `Pin`s).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Pin([u8; PIN_LEN]);

impl Pin {
    /// Parses a PIN as typed: case-insensitive, surrounding spaces ignored.
    pub fn parse(input: &str) -> Result<Self, PinError> {
        let mut out = Pin([0u8; PIN_LEN]);
        let mut len = 0;
        for (position, c) in input.trim().chars().enumerate() {
            let b = if c.is_ascii() { c.to_ascii_uppercase() as u8 } else { 0 };
            if !alphabet::contains(b) {
                return Err(PinError::NotAPinCharacter { position: position as u32 });
            }
            let slot = out.0.get_mut(len).ok_or(PinError::WrongLength)?;
            *slot = b;
            len += 1;
        }
        if len != PIN_LEN {
            return Err(PinError::WrongLength);
        }
        Ok(out)
    }

    /// A fresh PIN from a cryptographically secure source.
    pub fn random(rng: &dyn SecureRandom) -> Result<Self, RandomError> {
        Ok(Pin(alphabet::random_symbols(rng)?))
    }

    /// The PIN's characters, for the one place that must show or hash them.
    pub fn expose(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// Constant-time, so comparing PINs on the device leaks nothing through timing.
impl PartialEq for Pin {
    fn eq(&self, other: &Self) -> bool {
        // No early exit: every byte is compared whatever the first difference.
        self.0.iter().zip(&other.0).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl Eq for Pin {}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn pins_are_case_insensitive() {
        let pin = Pin::parse(" a7k ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pin.expose(), "A7K");
        assert_eq!(Pin::parse("A7K"), Ok(pin));
    }

    #[test]
    fn look_alikes_and_wrong_lengths_are_refused() {
        assert_eq!(Pin::parse(""), Err(PinError::WrongLength));
        assert_eq!(Pin::parse("AB"), Err(PinError::WrongLength));
        assert_eq!(Pin::parse("ABCD"), Err(PinError::WrongLength));
        for (bad, position) in
            [("0AB", 0), ("AOB", 1), ("AB1", 2), ("iAB", 0), ("AlB", 1), ("A-B", 1), ("AñB", 1)]
        {
            assert_eq!(Pin::parse(bad), Err(PinError::NotAPinCharacter { position }), "{bad}");
        }
    }

    #[test]
    fn the_pin_space_is_31_cubed() {
        assert_eq!(PIN_SPACE, 29_791);
        assert_eq!(alphabet::SYMBOLS.len().pow(PIN_LEN as u32), PIN_SPACE as usize);
    }

    #[test]
    fn random_pins_parse_back_and_vary() {
        let rng = SystemRandom::new();
        let pins: Vec<String> = (0..50)
            .map(|_| Pin::random(&rng).map(|p| p.expose().to_owned()).unwrap_or_default())
            .collect();
        for p in &pins {
            assert!(Pin::parse(p).is_ok(), "{p}");
        }
        let distinct: std::collections::HashSet<_> = pins.iter().collect();
        assert!(distinct.len() > 40, "50 draws from 29,791 gave {} distinct", distinct.len());
    }

    #[test]
    fn debug_never_shows_the_pin() {
        let pin = Pin::parse("XYZ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{pin:?}"), "Pin(***)");
    }
}
