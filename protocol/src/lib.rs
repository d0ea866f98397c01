//! What the ClavePIN device and the PIN service must agree on.
//!
//! Every value that crosses between them, or that a citizen types, is parsed here
//! into a type that cannot hold an invalid value: [`DocumentNumber`],
//! [`ContrastData`], [`PinCode`], [`Pin`]. Both `clavepin-core` (the device) and
//! `clavepin-server` (the service) depend on this crate and on nothing of each other.

pub mod activation_code;
pub mod alphabet;
pub mod approval_code;
pub mod code;
pub mod crypto;
pub mod identity;
pub mod password;
pub mod pin;
pub mod request_id;
pub mod secret_text;
pub mod time;
pub mod wire;

pub use activation_code::{ActivationCode, ActivationCodeError};
pub use alphabet::RandomError;
pub use approval_code::{ApprovalCode, ApprovalCodeError};
pub use code::{CodeError, PinCode};
pub use identity::{
    ContrastData, ContrastKind, DocumentInput, DocumentKind, DocumentNumber, IdentityClaim,
    IdentityError, SupportNumber,
};
pub use password::PasswordError;
pub use pin::{Pin, PinError};
pub use request_id::{RequestId, RequestIdError};
pub use secret_text::SecretText;
pub use time::{Clock, ManualClock, SystemClock, Timestamp};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("clavepin_protocol");
