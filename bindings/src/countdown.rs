//! The expiry counter, for shells that draw it themselves.

use clavepin_core::Countdown;
use clavepin_protocol::Timestamp;

/// The counter for a PIN expiring at `expires_at`, seen at `now`: seconds left, whether
/// it expired, and when to refresh next (every 10 s, aligned to the expiry).
#[uniffi::export]
pub fn countdown(expires_at: Timestamp, now: Timestamp) -> Countdown {
    Countdown::at(expires_at, now)
}

/// The time left as the screen writes it, `m:ss`.
#[uniffi::export]
pub fn countdown_display(countdown: Countdown) -> String {
    countdown.display()
}
