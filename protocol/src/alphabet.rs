//! The symbols PINs and random codes are drawn from (SPEC.md, "Rules and numbers"):
//! upper-case letters and digits without look-alikes, so nobody misreads 0 for O or
//! 1 for I or L.

use ring::rand::SecureRandom;

/// 23 letters (no I, L, O) and 8 digits (no 0, 1): 31 symbols.
pub const SYMBOLS: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// The operating system's randomness source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system's random number generator failed")]
pub struct RandomError;

/// Whether `b` (already upper case) is one of the symbols.
pub fn contains(b: u8) -> bool {
    SYMBOLS.contains(&b)
}

/// `N` symbols drawn uniformly. Rejection sampling: bytes at or above the largest
/// multiple of 31 below 256 (248) are redrawn, so no symbol is favoured.
pub fn random_symbols<const N: usize>(rng: &dyn SecureRandom) -> Result<[u8; N], RandomError> {
    const LIMIT: u8 = (256 / SYMBOLS.len() * SYMBOLS.len()) as u8;
    let mut out = [0u8; N];
    let mut filled = 0;
    let mut pool = [0u8; 16];
    while filled < N {
        rng.fill(&mut pool).map_err(|_| RandomError)?;
        for &b in pool.iter().filter(|&&b| b < LIMIT) {
            let Some(slot) = out.get_mut(filled) else { break };
            *slot = SYMBOLS.get(usize::from(b) % SYMBOLS.len()).copied().unwrap_or(b'A');
            filled += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        assert_eq!(SYMBOLS.len(), 31);
        for b in b"0O1IL" {
            assert!(!contains(*b), "{}", *b as char);
        }
        let mut sorted = SYMBOLS.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 31);
    }

    #[test]
    fn draws_cover_every_symbol_roughly_evenly() {
        let rng = SystemRandom::new();
        let mut counts = [0u32; 31];
        for _ in 0..2_000 {
            let draw: [u8; 31] = random_symbols(&rng).unwrap_or_else(|e| panic!("{e}"));
            for b in draw {
                let i = SYMBOLS.iter().position(|&s| s == b).unwrap_or_else(|| panic!("{b}"));
                counts[i] += 1;
            }
        }
        // 2,000 per symbol expected; a biased or stuck draw falls far outside this.
        assert!(counts.iter().all(|&c| (1_700..2_300).contains(&c)), "{counts:?}");
    }
}
