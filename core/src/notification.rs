//! What the notification says (SPEC.md's table; seed 002: "A notification will show
//! the PIN obtained on your device, along with the Copy PIN option"), in Spanish and
//! English, and the lock-screen version that never shows the PIN (NIST SP 800-63-4
//! draft: no secret on a locked device).

use crate::device::Device;
use crate::error::{CoreError, CoreResult};
use clavepin_protocol::Timestamp;

/// The language of the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Locale {
    /// Spanish.
    Es,
    /// English.
    En,
}

impl Locale {
    /// From a BCP 47 tag as the platform gives it (`es-ES`, `en_GB`, `ca`): Spanish
    /// for Spanish, English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("es") { Locale::Es } else { Locale::En }
    }
}

/// A notification's content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NotificationContent {
    /// Title, once the phone is unlocked.
    pub title: String,
    /// Body with the PIN and code.
    pub body: String,
    /// The action's label.
    pub copy_action: String,
    /// The lock-screen version's title.
    pub public_title: String,
    /// The lock-screen version's body: says a PIN arrived, never the PIN.
    pub public_body: String,
    /// Dismiss the notification then: the PIN has expired.
    pub timeout_at: Timestamp,
}

impl Device {
    /// The notification for a stored PIN.
    pub fn notification(
        &self,
        request_id: &str,
        locale: Locale,
    ) -> CoreResult<NotificationContent> {
        let pin = self.store().pin(request_id)?.ok_or(CoreError::UnknownPin)?;
        let value = self.store().pin_value(request_id)?;
        let minutes = ((pin.expires_at - self.now()).num_seconds().max(0) + 59) / 60;
        let (pin, code) = (value.expose(), pin.code.as_str().to_owned());
        let timeout_at = self.store().pin(request_id)?.map(|p| p.expires_at).unwrap_or_default();
        Ok(match locale {
            Locale::Es => NotificationContent {
                title: format!("Cl@ve PIN: {pin}"),
                body: format!(
                    "PIN {pin} para el código {code}. Caduca en {minutes} min; un solo uso."
                ),
                copy_action: "Copiar PIN".into(),
                public_title: "Cl@ve PIN".into(),
                public_body: "Ha recibido un PIN. Desbloquee el teléfono para verlo.".into(),
                timeout_at,
            },
            Locale::En => NotificationContent {
                title: format!("Cl@ve PIN: {pin}"),
                body: format!("PIN {pin} for code {code}. Expires in {minutes} min; single use."),
                copy_action: "Copy PIN".into(),
                public_title: "Cl@ve PIN".into(),
                public_body: "A PIN arrived. Unlock your phone to see it.".into(),
                timeout_at,
            },
        })
    }
}
