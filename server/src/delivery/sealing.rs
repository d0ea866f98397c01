//! Outbox texts at rest. An SMS or a letter carries an activation code, a PIN or a
//! letter's CSV, which the rest of the database keeps only as keyed hashes; in the
//! outbox the text itself must wait for its gateway, so it waits sealed (AES-256-GCM
//! under the service's storage key, bound to its outbox) and only as long as the
//! outbox needs it (`outbox::OUTBOX_LIFE`).

use ring::rand::SecureRandom;
use zeroize::Zeroizing;

use crate::db::{StoreError, StoreResult};
use crate::error::Fault;
use crate::keys::ServiceKeys;

/// Which outbox a text is sealed for: a text moved to another outbox does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outbox {
    Sms,
    Letters,
    Email,
}

impl Outbox {
    fn aad(self) -> &'static str {
        match self {
            Outbox::Sms => "outbox\nsms",
            Outbox::Letters => "outbox\nletters",
            Outbox::Email => "outbox\nemail",
        }
    }
}

/// How a sealed text starts in its column, version included.
const PREFIX: &str = "sealed:1:";

/// A text sealed for an outbox: only [`seal`] makes one, so no rule can queue a text
/// in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedText(String);

impl SealedText {
    /// What the column holds.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// A value read back from the column.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }
}

/// Seals `text` for `outbox`.
pub fn seal(
    keys: &ServiceKeys,
    rng: &dyn SecureRandom,
    outbox: Outbox,
    text: &str,
) -> Result<SealedText, Fault> {
    let sealed = keys.encrypt(outbox.aad(), text.as_bytes(), rng)?;
    Ok(SealedText(format!("{PREFIX}{}", clavepin_protocol::crypto::b64_encode(&sealed))))
}

/// Opens a text sealed for `outbox`. An empty text is one whose message a gateway
/// took: it stays empty.
pub fn open(
    keys: &ServiceKeys,
    outbox: Outbox,
    text: &SealedText,
) -> StoreResult<Zeroizing<String>> {
    if text.0.is_empty() {
        return Ok(Zeroizing::new(String::new()));
    }
    let corrupt = || StoreError::Corrupt("sealed outbox text");
    let encoded = text.0.strip_prefix(PREFIX).ok_or_else(corrupt)?;
    let sealed = clavepin_protocol::crypto::b64_decode(encoded).ok_or_else(corrupt)?;
    let plain = keys.decrypt(outbox.aad(), &sealed).map_err(|_| corrupt())?;
    let text = std::str::from_utf8(&plain).map_err(|_| corrupt())?;
    Ok(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_text_opens_only_in_its_own_outbox() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let rng = ring::rand::SystemRandom::new();
        let keys = ServiceKeys::load_or_create(dir.path(), None, &rng, true)
            .unwrap_or_else(|e| panic!("{e}"));
        let sealed =
            seal(&keys, &rng, Outbox::Sms, "su código es 123456").unwrap_or_else(|e| panic!("{e}"));
        assert!(!sealed.as_stored().contains("123456"));
        let opened = open(&keys, Outbox::Sms, &sealed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.as_str(), "su código es 123456");
        assert!(open(&keys, Outbox::Letters, &sealed).is_err(), "moved to another outbox");
        let plain = SealedText::from_stored("su código es 123456".into());
        assert!(open(&keys, Outbox::Sms, &plain).is_err(), "a text in the clear is refused");
    }
}
