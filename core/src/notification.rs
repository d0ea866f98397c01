//! What the notification says (SPEC.md's table; seed 002: "A notification will show
//! the PIN obtained on your device, along with the Copy PIN option"), in the apps'
//! languages, and the lock-screen version that never shows the PIN (NIST SP 800-63-4:
//! no secret on a locked device). A PIN that can no longer be used says so and offers
//! no "Copy PIN"; on a phone with several citizens the title says whose PIN it is,
//! with the document number masked.

use clavepin_protocol::wire::PinState;
use clavepin_protocol::{DocumentNumber, RequestId, SecretText, Timestamp};

use crate::device::Device;
use crate::error::{CoreError, CoreResult};
use crate::i18n::{self, Catalog, Locale, fill};
use crate::screen::state_at;

/// A notification's content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NotificationContent {
    /// Whose PIN.
    pub document: DocumentNumber,
    /// The PIN request; `None` for "a PIN arrived, unlock to see it".
    pub request_id: Option<RequestId>,
    /// Title once the phone is unlocked; shows the PIN while it can be used.
    pub title: SecretText,
    /// Body once the phone is unlocked: the PIN, its code and the minutes left, or
    /// why it can no longer be used.
    pub body: SecretText,
    /// The "Copy PIN" action's label; `None` when there is nothing to copy.
    pub copy_action: Option<String>,
    /// The lock-screen version's title.
    pub public_title: String,
    /// The lock-screen version's body: says a PIN arrived, never the PIN.
    pub public_body: String,
    /// The PIN's state now, by the corrected clock.
    pub state: PinState,
    /// Dismiss the notification then (the PIN's expiry, on the service's clock);
    /// `None` if it has nothing to wait for.
    pub timeout_at: Option<Timestamp>,
    /// The same as seconds from now (at most a PIN's life): what Android's
    /// `setTimeoutAfter` takes, and what an iPhone adds to its own clock.
    pub timeout_after_secs: Option<u32>,
}

/// A document number as a notification may show it: `•••678Z`, `X•••567L`.
pub fn masked(document: &DocumentNumber) -> String {
    let text = document.as_str();
    let prefix = text.chars().next().filter(char::is_ascii_alphabetic);
    let tail: String = text.chars().skip(text.len().saturating_sub(4)).collect();
    format!("{}•••{tail}", prefix.map(String::from).unwrap_or_default())
}

impl Device {
    /// The notification for a stored PIN, by its state now.
    pub fn notification(
        &self,
        request_id: &RequestId,
        locale: Locale,
    ) -> CoreResult<NotificationContent> {
        let now = self.now();
        let (pin, value, several) = {
            let store = self.store();
            let pin = store.pin(request_id.as_str())?.ok_or(CoreError::UnknownPin)?;
            let live = state_at(&pin, now) == PinState::Live;
            let value = if live { Some(store.pin_value(request_id.as_str())?) } else { None };
            (pin, value, store.citizens()?.len() > 1)
        };
        let t = locale.catalog();
        let who = several.then(|| masked(&pin.document));
        let state = state_at(&pin, now);
        let (title, body, copy_action) = match &value {
            Some(value) => {
                let pin_text = value.expose();
                let minutes = ((pin.expires_at - now).num_seconds().max(0) + 59) / 60;
                let title = match &who {
                    Some(who) => fill(t.pin_title_for, &[("who", who), ("pin", pin_text)]),
                    None => fill(t.pin_title, &[("pin", pin_text)]),
                };
                let body = fill(
                    t.pin_body,
                    &[
                        ("pin", pin_text),
                        ("code", pin.code.as_str()),
                        ("minutes", &minutes.to_string()),
                    ],
                );
                (title, body, Some(t.copy_action.to_owned()))
            }
            None => (ended_title(t, who.as_deref()), i18n::ended(state, t).to_owned(), None),
        };
        Ok(NotificationContent {
            document: pin.document,
            request_id: Some(pin.request_id),
            title: SecretText::new(title),
            body: SecretText::new(body),
            copy_action,
            public_title: t.public_title.to_owned(),
            public_body: t.public_body.to_owned(),
            state,
            timeout_at: (state == PinState::Live).then_some(pin.expires_at),
            timeout_after_secs: (state == PinState::Live)
                .then(|| crate::clipboard::secs_until(pin.expires_at, now)),
        })
    }

    /// The notification for a PIN that arrived while its citizen is locked (a push
    /// without the sealed PIN): unlocking fetches it.
    pub fn pending_notification(
        &self,
        document: &str,
        locale: Locale,
    ) -> CoreResult<NotificationContent> {
        let document = Self::document(document)?;
        let several = {
            let store = self.store();
            store.citizen(&document)?.ok_or(CoreError::UnknownCitizen)?;
            store.citizens()?.len() > 1
        };
        let t = locale.catalog();
        let who = several.then(|| masked(&document));
        Ok(NotificationContent {
            document,
            request_id: None,
            title: SecretText::new(ended_title(t, who.as_deref())),
            body: SecretText::new(t.pending_body),
            copy_action: None,
            public_title: t.public_title.to_owned(),
            public_body: t.public_body.to_owned(),
            state: PinState::Live,
            timeout_at: None,
            timeout_after_secs: None,
        })
    }
}

fn ended_title(t: &Catalog, who: Option<&str>) -> String {
    match who {
        Some(who) => fill(t.ended_title_for, &[("who", who)]),
        None => t.ended_title.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_the_last_digits_and_letter_only() {
        let dni = DocumentNumber::parse("12345678Z").unwrap_or_else(|e| panic!("{e}"));
        let nie = DocumentNumber::parse("X1234567L").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(masked(&dni), "•••678Z");
        assert_eq!(masked(&nie), "X•••567L");
    }
}
