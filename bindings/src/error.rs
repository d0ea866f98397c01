//! The one error family the shells see for device operations, mapped once from the
//! core's errors. Variants are what a screen acts on; messages are the core's, which
//! never contain a document number, code or PIN.

use clavepin_core::CoreError;

/// Why a device operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DeviceError {
    /// What was typed is not valid (document, contrast data, code, pattern).
    #[error("{reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// The PIN service cannot be reached.
    #[error("{reason}")]
    Offline {
        /// Why.
        reason: String,
    },
    /// The service refused; `code` is its stable code (docs/PROTOCOL.md).
    #[error("{explanation}")]
    Refused {
        /// The service's code, e.g. `wrong_code`, `contrast_data_mismatch`.
        code: String,
        /// Its explanation, for people.
        explanation: String,
        /// Tries left, where another try is allowed.
        tries_left: Option<u32>,
        /// Seconds to wait, where the refusal is a wait.
        retry_after_secs: Option<i64>,
    },
    /// No activation in progress, or it can no longer be completed: start again.
    #[error("{reason}")]
    ActivationRestart {
        /// Why.
        reason: String,
    },
    /// Wrong pattern.
    #[error("wrong pattern: {tries_left} tries left")]
    WrongPattern {
        /// Tries before the wipe.
        tries_left: u32,
        /// Seconds before the next try.
        wait_secs: i64,
    },
    /// Too soon after wrong patterns.
    #[error("wait {wait_secs} s")]
    UnlockWait {
        /// Seconds to wait.
        wait_secs: i64,
    },
    /// Ten wrong patterns: the citizen was wiped from this device.
    #[error("the activation was wiped after too many wrong patterns")]
    Wiped,
    /// The operation needs the citizen unlocked.
    #[error("unlock with the security pattern first")]
    Locked,
    /// Another device was activated for the citizen.
    #[error("another device was activated for this citizen")]
    DeviceReplaced,
    /// The citizen, PIN or pattern asked for is not there, or not in that state.
    #[error("{reason}")]
    NotAvailable {
        /// What.
        reason: String,
    },
    /// A push payload that was refused (malformed, tampered, replayed, foreign).
    #[error("{reason}")]
    PushRefused {
        /// Why.
        reason: String,
    },
    /// The store failed: wrong or missing key, tampered or corrupt data. Nothing was
    /// deleted.
    #[error("{reason}")]
    Storage {
        /// What.
        reason: String,
    },
    /// A platform callback failed (the app's key store threw).
    #[error("{reason}")]
    Platform {
        /// What.
        reason: String,
    },
}

impl From<CoreError> for DeviceError {
    fn from(e: CoreError) -> Self {
        let reason = e.to_string();
        match e {
            CoreError::Identity(_) | CoreError::ActivationCode(_) | CoreError::Pattern(_) => {
                DeviceError::InvalidInput { reason }
            }
            CoreError::Offline(_) => DeviceError::Offline { reason },
            CoreError::Refused { code, message, tries_left, retry_after_secs } => {
                DeviceError::Refused {
                    code: serde_code(code),
                    explanation: message,
                    tries_left,
                    retry_after_secs,
                }
            }
            CoreError::NoActivationInProgress
            | CoreError::ActivationExpired
            | CoreError::KeyConfirmationFailed => DeviceError::ActivationRestart { reason },
            CoreError::WrongPattern { tries_left, wait_secs } => {
                DeviceError::WrongPattern { tries_left, wait_secs }
            }
            CoreError::UnlockWait { wait_secs } => DeviceError::UnlockWait { wait_secs },
            CoreError::Wiped => DeviceError::Wiped,
            CoreError::Locked => DeviceError::Locked,
            CoreError::DeviceReplaced => DeviceError::DeviceReplaced,
            CoreError::UnknownCitizen
            | CoreError::PatternNotSet
            | CoreError::PatternAlreadySet
            | CoreError::UnknownPin
            | CoreError::PinNotLive => DeviceError::NotAvailable { reason },
            CoreError::MalformedPush
            | CoreError::ForeignPush
            | CoreError::TamperedPush
            | CoreError::ReplayedPush => DeviceError::PushRefused { reason },
            CoreError::Store(_) => DeviceError::Storage { reason },
            CoreError::Protocol(_) => DeviceError::Offline { reason },
        }
    }
}

fn serde_code(code: clavepin_protocol::wire::ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// An app exception thrown in a callback becomes a typed error, not a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for DeviceError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        DeviceError::Platform { reason: e.reason }
    }
}
