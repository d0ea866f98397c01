//! Cross-site request forgery: every form carries its session's token in a hidden
//! field, and every POST is refused unless it comes back unchanged (OWASP's
//! "synchronizer token" pattern). `SameSite=Strict` cookies already keep other sites'
//! forms from riding the session; the token is the second, independent lock. The
//! field is named `csrf` in the templates and in every form struct.

use ring::rand::SecureRandom;

use crate::error::Fault;
use crate::ids::random_id;

/// A fresh token: 128 random bits, base64url.
pub fn new_token(rng: &dyn SecureRandom) -> Result<String, Fault> {
    random_id(rng)
}

/// Whether the presented token is the session's, compared in constant time: the
/// loop never stops early, so the time taken says nothing about how many leading
/// characters were right.
pub fn matches(expected: &str, presented: &str) -> bool {
    let (a, b) = (expected.as_bytes(), presented.as_bytes());
    // The length is not secret: every token is 22 characters.
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold back into an early-exit comparison.
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_matches() {
        let rng = ring::rand::SystemRandom::new();
        let token = new_token(&rng).unwrap_or_default();
        assert_eq!(token.len(), 22);
        assert!(matches(&token, &token));
        assert!(!matches(&token, &new_token(&rng).unwrap_or_default()));
        assert!(!matches(&token, &token[..21]));
        assert!(!matches(&token, ""));
        assert!(!matches("", ""), "a session without a token accepts nothing");
    }
}
