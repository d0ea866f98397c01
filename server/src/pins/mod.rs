//! PIN requests (SPEC.md flows 3–5), one job per module: issuing with its channel
//! and push cap (`issue`), sealing for the device and the SMS text (`sms_text`),
//! verification (`verify`), delivery to the device and the SMS fallback
//! (`delivery`), the stored request and its retention (`request`), throttling
//! (`throttle`), the direct channel's hub (`events`), "this wasn't me" (`not_me`). Messages go out through
//! `delivery`'s outbox.

mod delivery;
pub mod events;
mod issue;
mod not_me;
mod request;
mod sms_text;
pub mod throttle;
mod verify;

use chrono::TimeDelta;

pub use delivery::{acknowledge, fall_back_from_dead_push, pending_for, send_by_sms, states};
pub use issue::{Issued, Issuer, app_available, obtain, request_again};
pub use not_me::{PUSH_HOLD, report_not_me};
pub use request::prune;
pub use throttle::clear_failures;
pub use verify::verify;

/// A PIN lives 10 minutes from issue (SPEC.md's table; seed 002).
pub const PIN_LIFE: TimeDelta = TimeDelta::minutes(10);

/// The keyed hashes' purposes: a code's hash never matches a PIN's.
const CODE_PURPOSE: &str = "pin-code";
const PIN_PURPOSE: &str = "pin";
