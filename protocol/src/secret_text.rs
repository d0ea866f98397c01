//! Text that holds a PIN (the PIN itself, or a notification line that shows it). It
//! never prints: `Debug` and `Display` show `***`, and across the FFI the shells wrap
//! it in a class of their own (`SecretText` in Kotlin and Swift) whose `toString()` and
//! `description` do the same, so a logged screen model or a crash report carries no
//! PIN. Zeroised on drop.

use std::fmt;

use zeroize::Zeroizing;

/// A secret text; read it with [`SecretText::expose`] where it is shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    /// Wraps a text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(Zeroizing::new(text.into()))
    }

    /// The text, for the one place that shows or copies it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(***)")
    }
}

#[cfg(feature = "uniffi")]
uniffi::custom_type!(SecretText, String, {
    try_lift: |text| Ok(SecretText::new(text)),
    lower: |secret| secret.expose().to_owned(),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let secret = SecretText::new("X7K");
        assert_eq!(format!("{secret:?}"), "SecretText(***)");
        assert_eq!(secret.expose(), "X7K");
    }
}
