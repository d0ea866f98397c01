//! "Copy PIN" (SPEC.md's table): the platform clipboard gets the PIN marked sensitive
//! (Android's `EXTRA_IS_SENSITIVE`, iOS's local-only, expiring pasteboard item) and is
//! cleared when the PIN expires.

use std::sync::Arc;

use clavepin_protocol::wire::PinState;
use clavepin_protocol::{RequestId, SecretText, Timestamp};

use crate::device::Device;
use crate::error::{CoreError, CoreResult};
use crate::screen::state_at;

/// A PIN lives 10 minutes (SPEC.md's table): no clipboard holds one longer.
const PIN_LIFE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The platform clipboard.
pub trait Clipboard: Send + Sync {
    /// Puts `text` on the clipboard, marked sensitive, to be gone by `clear_at`.
    fn set_sensitive(&self, text: &str, clear_at: Timestamp);
    /// Clears it if it still holds what we put there.
    fn clear(&self);
}

/// What "Copy PIN" puts on the clipboard.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ClipboardContent {
    /// The PIN. Secret: it never prints.
    pub text: SecretText,
    /// Always true: keyboards and clipboard managers must not keep it.
    pub sensitive: bool,
    /// When to clear it: the PIN's expiry, on the service's clock.
    pub clear_at: Timestamp,
    /// Seconds from now until then, never more than a PIN's life: what the app hands
    /// the platform (a phone's own clock may be minutes off; a duration is not).
    pub clear_after_secs: u32,
}

/// Whole seconds from `now` until `at`, between 0 and a PIN's life.
pub(crate) fn secs_until(at: Timestamp, now: Timestamp) -> u32 {
    let left = (at - now).clamp(chrono::TimeDelta::zero(), PIN_LIFE);
    u32::try_from((left.num_milliseconds() + 999) / 1000).unwrap_or(0)
}

impl Device {
    /// The clipboard content for a live PIN; an expired, used or superseded PIN is
    /// not copied.
    pub fn clipboard_content(&self, request_id: &RequestId) -> CoreResult<ClipboardContent> {
        let store = self.store();
        let pin = store.pin(request_id.as_str())?.ok_or(CoreError::UnknownPin)?;
        let state = state_at(&pin, self.now());
        if state != PinState::Live {
            return Err(CoreError::PinNotLive { state });
        }
        let value = store.pin_value(request_id.as_str())?;
        Ok(ClipboardContent {
            text: SecretText::new(value.expose()),
            sensitive: true,
            clear_at: pin.expires_at,
            clear_after_secs: secs_until(pin.expires_at, self.now()),
        })
    }

    /// Copies a PIN to the clipboard and clears it at expiry (while this process runs;
    /// the shells also hand `clear_at` to the platform).
    pub fn copy_pin(
        &self,
        request_id: &RequestId,
        clipboard: Arc<dyn Clipboard>,
    ) -> CoreResult<ClipboardContent> {
        let content = self.clipboard_content(request_id)?;
        clipboard.set_sensitive(content.text.expose(), content.clear_at);
        // At most a PIN's life, whatever the clock says.
        let wait = std::time::Duration::from_secs(content.clear_after_secs.into());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                tokio::time::sleep(wait).await;
                clipboard.clear();
            });
        }
        Ok(content)
    }
}
