//! The error families the shells see, one per area, mapped once here from the core's
//! [`CoreError`]. Each variant names what happened and carries an `explanation`: what
//! to tell the citizen and what to do, in the device's language (never empty, never a
//! document number, code or PIN). Kotlin's `toString()` and Swift's `description` give
//! that explanation (Rust's `Display` is exported).
//!
//! - [`ActivationError`]: activating a citizen (document, SMS code, pattern).
//! - [`UnlockError`]: the pattern (waits, the wipe, changing it).
//! - [`PinsError`]: receiving, showing, copying PINs; pushes; the push token; status.
//! - [`ApprovalError`]: approving or refusing a sign-in (the code, the pattern).
//! - [`NetworkError`]: the service could not be reached, refused, or answered oddly.
//! - [`PlatformError`]: the phone's side — storage, the key store, the runtime.
//!
//! The area families nest the last two (`Network`, `Platform`), so one handler in the
//! app deals with "offline" or "storage" whatever the call.

mod areas;
mod shared;

pub use areas::{ActivationError, ApprovalError, PinsError, UnlockError};
pub(crate) use shared::platform;
pub use shared::{NetworkError, PlatformError, ServiceRefusal};
