//! The core's errors: each names what went wrong in terms a screen can act on. They
//! never carry a document number, a code or a PIN.

use clavepin_protocol::wire::{ErrorCode, PinState};
use clavepin_protocol::{ActivationCodeError, ApprovalCodeError, IdentityError};

use crate::client::ClientError;
use crate::pattern::PatternError;
use crate::store::StoreError;

/// What went wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A document number or contrast datum as typed is not valid.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// An activation code as typed is not 6 digits.
    #[error(transparent)]
    ActivationCode(#[from] ActivationCodeError),
    /// A scanned or typed approval code is not one the log-in page shows.
    #[error(transparent)]
    ApprovalCode(#[from] ApprovalCodeError),
    /// A pattern as drawn is not acceptable.
    #[error(transparent)]
    Pattern(#[from] PatternError),
    /// The store failed (wrong key, tampered data, corrupt file).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The service cannot be reached.
    #[error("the PIN service cannot be reached: {0}")]
    Offline(String),
    /// The service refused.
    #[error("{message}")]
    Refused {
        /// The service's code.
        code: ErrorCode,
        /// Its explanation.
        message: String,
        /// Tries left.
        tries_left: Option<u32>,
        /// Seconds to wait.
        retry_after_secs: Option<i64>,
    },
    /// The service's TLS certificate is not trusted.
    #[error("the PIN service's certificate is not trusted")]
    Untrusted,
    /// The service answered something unexpected.
    #[error("unexpected answer from the PIN service: {0}")]
    Protocol(String),
    /// The system's randomness or a key operation failed on this device.
    #[error("a cryptographic operation failed on this device ({0})")]
    Crypto(&'static str),
    /// The service's address is plain `http://` off this machine: codes and PINs
    /// would cross the network readable. An app built with the wrong address.
    #[error("the PIN service's address must be https:// (plain http:// only on this machine)")]
    InsecureAddress,
    /// Setting the store aside was asked for, but it still opens: nothing was moved.
    #[error("the store still opens with this key store; nothing was moved")]
    StoreStillOpens,
    /// A background task was asked for outside an async runtime.
    #[error("the core was called outside its async runtime")]
    NoRuntime,
    /// "Enter the code" with no activation started (or it was abandoned).
    #[error("no activation is in progress: start again with the document and contrast data")]
    NoActivationInProgress,
    /// The activation attempt is over (expired, too many wrong codes, or lost after
    /// a restart): a new SMS code is needed.
    #[error("this activation can no longer be completed: ask for a new SMS code")]
    ActivationExpired,
    /// The key confirmation from the service does not match this device's key.
    #[error("the keys agreed with the service do not match; nothing was stored, start again")]
    KeyConfirmationFailed,
    /// The citizen is already activated on this device.
    #[error("this citizen is already activated on this device")]
    AlreadyActivated,
    /// No such citizen on this device.
    #[error("that citizen is not activated on this device")]
    UnknownCitizen,
    /// The citizen's pattern is not set yet.
    #[error("set the security pattern first")]
    PatternNotSet,
    /// The citizen's pattern is already set (change it instead).
    #[error("the security pattern is already set")]
    PatternAlreadySet,
    /// The operation needs the citizen unlocked with the pattern.
    #[error("unlock with the security pattern first")]
    Locked,
    /// Wrong pattern.
    #[error("wrong pattern: {tries_left} tries left before this activation is wiped")]
    WrongPattern {
        /// Tries before the wipe.
        tries_left: u32,
        /// Seconds before the next try is allowed.
        wait_secs: i64,
    },
    /// Too soon after wrong patterns.
    #[error("wait {wait_secs} s before trying the pattern again")]
    UnlockWait {
        /// Seconds to wait.
        wait_secs: i64,
    },
    /// Ten wrong patterns: the citizen's activation was wiped from this device.
    #[error("too many wrong patterns: this citizen's activation was wiped from the device")]
    Wiped,
    /// Another device was activated for the citizen; this one gets no more PINs.
    #[error("another device was activated for this citizen; this one no longer receives PINs")]
    DeviceReplaced,
    /// The citizen (or an operator) removed this device at the service.
    #[error("this device was removed for this citizen; it no longer receives PINs")]
    DeviceRemoved,
    /// A push payload that is not a ClavePIN push.
    #[error("the push payload is not a ClavePIN PIN message")]
    MalformedPush,
    /// A push for an activation this device does not hold.
    #[error("the push is for another device")]
    ForeignPush,
    /// A sealed PIN that does not open: tampered, or sealed for someone else.
    #[error("the sealed PIN does not open")]
    TamperedPush,
    /// A push token the platform could not have given (empty, too long, spaces).
    #[error("the push token is not one the platform gives")]
    InvalidPushToken,
    /// A PIN this device already has.
    #[error("this PIN was already received")]
    ReplayedPush,
    /// No such PIN in the store.
    #[error("no such PIN on this device")]
    UnknownPin,
    /// The PIN is expired, used, superseded or dead: nothing to copy.
    #[error("this PIN can no longer be used ({state:?})")]
    PinNotLive {
        /// What became of it.
        state: PinState,
    },
}

impl From<ClientError> for CoreError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Unreachable(reason) => CoreError::Offline(reason),
            ClientError::Untrusted => CoreError::Untrusted,
            ClientError::Refused { code: ErrorCode::DeviceReplaced, .. } => {
                CoreError::DeviceReplaced
            }
            // A device the service does not know (removed, or never confirmed and
            // forgotten) gets nothing more: the same, final, state as removed.
            ClientError::Refused {
                code: ErrorCode::DeviceRemoved | ErrorCode::UnknownDevice,
                ..
            } => CoreError::DeviceRemoved,
            ClientError::Refused { code, message, tries_left, retry_after_secs } => {
                CoreError::Refused { code, message, tries_left, retry_after_secs }
            }
            ClientError::Protocol(reason) => CoreError::Protocol(reason),
            ClientError::InsecureAddress => CoreError::InsecureAddress,
            ClientError::Local(what) => CoreError::Crypto(what),
        }
    }
}

/// Results of the core.
pub type CoreResult<T> = Result<T, CoreError>;
