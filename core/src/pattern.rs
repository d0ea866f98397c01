//! The security pattern that unlocks the app (seed 002, SPEC.md's table): at least 4
//! dots of the 3×3 grid, each once. It is stretched with PBKDF2-HMAC-SHA256 into the
//! key that locks the citizen's signing key, so unlocking is what opens it; the AEAD
//! tag is the pattern's check, no separate verifier is stored.

use std::fmt;
use std::num::NonZeroU32;

use chrono::TimeDelta;
use ring::aead::{AES_256_GCM, LessSafeKey, UnboundKey};
use ring::pbkdf2;
use ring::rand::SecureRandom;
use zeroize::Zeroizing;

use crate::store::{PatternLock, StoreError};

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256. A pattern has few possibilities
/// (389,112 of 4–9 dots), so stretching only slows an attacker who already has the
/// store and its platform key; docs/PERFORMANCE.md has the measured cost.
pub const DEFAULT_ITERATIONS: NonZeroU32 = match NonZeroU32::new(600_000) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// Fewest dots in a pattern (SPEC.md).
pub const MIN_DOTS: usize = 4;

/// Wrong patterns allowed before the waits begin (SPEC.md).
const FREE_FAILURES: u32 = 4;
/// At this many consecutive wrong patterns the citizen's activation is wiped.
pub const WIPE_AT: u32 = 10;

/// Why a pattern is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
pub enum PatternError {
    /// Fewer than 4 dots.
    #[error("a pattern joins at least 4 dots")]
    TooShort,
    /// A dot outside the 3×3 grid (dots are numbered 1 to 9, as on a keypad).
    #[error("dots are numbered 1 to 9")]
    NoSuchDot,
    /// A dot used twice.
    #[error("each dot can be used once")]
    RepeatedDot,
}

/// A pattern: the dots in the order drawn, numbered 1 to 9 row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct Pattern(Zeroizing<Vec<u8>>);

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pattern(***)")
    }
}

impl Pattern {
    /// From the dots drawn (1–9).
    pub fn from_dots(dots: &[u8]) -> Result<Self, PatternError> {
        if dots.iter().any(|d| !(1..=9).contains(d)) {
            return Err(PatternError::NoSuchDot);
        }
        if dots.len() < MIN_DOTS {
            return Err(PatternError::TooShort);
        }
        let mut seen = [false; 10];
        for &d in dots {
            let slot = seen.get_mut(usize::from(d)).ok_or(PatternError::NoSuchDot)?;
            if *slot {
                return Err(PatternError::RepeatedDot);
            }
            *slot = true;
        }
        Ok(Self(Zeroizing::new(dots.to_vec())))
    }

    /// From text such as `1-2-3-6` or `1236` (what the desktop companion reads).
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let dots: Vec<u8> = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | ',' | '>'))
            .map(|c| c.to_digit(10).and_then(|d| u8::try_from(d).ok()).unwrap_or(0))
            .collect();
        Self::from_dots(&dots)
    }

    fn stretch(&self, salt: &[u8], iterations: NonZeroU32) -> Result<LessSafeKey, StoreError> {
        let mut key = Zeroizing::new([0u8; 32]);
        pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, &self.0, key.as_mut());
        let unbound =
            UnboundKey::new(&AES_256_GCM, key.as_ref()).map_err(|_| StoreError::Randomness)?;
        Ok(LessSafeKey::new(unbound))
    }

    /// Locks a signing key under this pattern, with a fresh salt.
    pub fn lock(
        &self,
        signing_pkcs8: &[u8],
        iterations: NonZeroU32,
        rng: &dyn SecureRandom,
    ) -> Result<PatternLock, StoreError> {
        let mut salt = vec![0u8; 16];
        rng.fill(&mut salt).map_err(|_| StoreError::Randomness)?;
        let key = self.stretch(&salt, iterations)?;
        let locked_signing_key = crate::store::seal_with(&key, LOCK_AAD, signing_pkcs8, rng)?;
        Ok(PatternLock { salt, iterations: iterations.get(), locked_signing_key })
    }

    /// Opens a lock: `None` if this is not the pattern.
    pub fn open(&self, lock: &PatternLock) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        let iterations =
            NonZeroU32::new(lock.iterations).ok_or(StoreError::Corrupt("iterations"))?;
        let key = self.stretch(&lock.salt, iterations)?;
        Ok(crate::store::open_with(&key, LOCK_AAD, &lock.locked_signing_key).ok())
    }
}

const LOCK_AAD: &str = "citizens:locked_signing_key";

/// The wait after the `failures`-th consecutive wrong pattern: none for the first 4,
/// then 30 s, 1, 5 and 15 minutes (SPEC.md); the 10th wipes instead.
pub fn wait_after(failures: u32) -> TimeDelta {
    match failures.saturating_sub(FREE_FAILURES) {
        0 => TimeDelta::zero(),
        1 => TimeDelta::seconds(30),
        2 => TimeDelta::minutes(1),
        3 => TimeDelta::minutes(5),
        _ => TimeDelta::minutes(15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    const FAST: NonZeroU32 = NonZeroU32::MIN;

    #[test]
    fn patterns_join_four_distinct_dots_at_least() {
        assert!(Pattern::parse("1-2-3-6").is_ok());
        assert!(Pattern::parse("147258369").is_ok());
        assert_eq!(Pattern::parse("1-2-3"), Err(PatternError::TooShort));
        assert_eq!(Pattern::parse("1-2-3-1"), Err(PatternError::RepeatedDot));
        assert_eq!(Pattern::parse("0-1-2-3"), Err(PatternError::NoSuchDot));
        assert_eq!(Pattern::parse("a-b-c-d"), Err(PatternError::NoSuchDot));
        assert_eq!(format!("{:?}", Pattern::parse("1236").unwrap()), "Pattern(***)");
    }

    #[test]
    fn only_the_right_pattern_opens_the_lock() {
        let rng = SystemRandom::new();
        let right = Pattern::parse("1-5-9-6").unwrap();
        let lock = right.lock(b"the signing key", FAST, &rng).unwrap();
        assert_eq!(
            right.open(&lock).unwrap().as_deref().map(Vec::as_slice),
            Some(&b"the signing key"[..])
        );
        assert_eq!(Pattern::parse("1-5-9-8").unwrap().open(&lock).unwrap(), None);
        assert_eq!(Pattern::parse("6-9-5-1").unwrap().open(&lock).unwrap(), None, "order matters");
        // The same pattern with a fresh salt locks differently.
        let again = right.lock(b"the signing key", FAST, &rng).unwrap();
        assert_ne!(lock.locked_signing_key, again.locked_signing_key);
    }

    #[test]
    fn waits_follow_the_table() {
        let waits: Vec<i64> = (1..=9).map(|f| wait_after(f).num_seconds()).collect();
        assert_eq!(waits, [0, 0, 0, 0, 30, 60, 300, 900, 900]);
    }
}
