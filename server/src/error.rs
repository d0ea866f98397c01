//! The rules' errors, one enum per area (the registry, activation, signed device
//! requests, PINs), each naming what went wrong. Storage failures come wrapped as
//! [`StoreError`], failures of the service's own machinery as [`Fault`]. The HTTP
//! layer maps every variant to a status and a wire code, once (`http/error.rs`).
//! Messages carry no personal data.

pub use crate::db::StoreError;

/// A failure inside the service (randomness, key material): the request fails and
/// the log says which.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("internal failure: {0}")]
pub struct Fault(pub &'static str);

/// The census and the registry, and the guard on contrast data.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A field is not what the rule takes (a phone number, an e-mail address).
    #[error("bad request: {0}")]
    Invalid(String),
    /// The operator named a document the census does not have.
    #[error("no census record for that document")]
    NotInCensus,
    /// The document and contrast data do not match the census. Public endpoints give
    /// this for unknown documents too, so they cannot be used to probe the census.
    #[error("the document and contrast data do not match our records")]
    ContrastDataMismatch,
    /// The citizen is not registered in Cl@ve.
    #[error("not registered in Cl@ve: register at an office or with an invitation letter")]
    NotRegistered,
    /// The citizen is already registered.
    #[error("already registered in Cl@ve")]
    AlreadyRegistered,
    /// The invitation code is wrong, used, expired or void.
    #[error("the invitation letter's code is not valid")]
    InvalidInvitation,
    /// Too many failed claims for a document: contrast data cannot be guessed.
    #[error("too many failed attempts for this document; try again in {retry_after_secs} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after_secs: i64,
    },
    /// A census load would change registered citizens' contrast data, and did not
    /// say so.
    #[error(
        "{count} record(s) would change the contrast data of a registered citizen (the first: {first}); nothing was loaded. Load them again with change_registered (clavepin admin census load --change-registered) if that is intended"
    )]
    RegisteredCitizenChanged {
        /// How many.
        count: usize,
        /// The first document, masked.
        first: String,
    },
    /// Letters already posted to this citizen recently: each costs postage, and
    /// each lives 30 days.
    #[error(
        "invitation letters were already posted to this citizen's fiscal address recently; wait for them, or try again in {retry_after_secs} s"
    )]
    TooManyLetters {
        /// Seconds until another letter may be posted.
        retry_after_secs: i64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Device activation.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    /// A field is not what the rule takes.
    #[error("bad request: {0}")]
    Invalid(String),
    /// More activation codes than the hourly limit.
    #[error("too many activation codes requested; try again in {retry_after_secs} s")]
    TooManyCodes {
        /// Seconds until another code may be sent.
        retry_after_secs: i64,
    },
    /// No live activation attempt with that id.
    #[error("no such activation attempt; request a new code")]
    UnknownActivation,
    /// The activation code is wrong.
    #[error("wrong activation code; {}", tries(*tries_left))]
    WrongCode {
        /// Tries before the code dies.
        tries_left: u32,
    },
    /// The activation code expired.
    #[error("the activation code expired; request a new one")]
    CodeExpired,
    /// Too many wrong codes.
    #[error("too many wrong codes; request a new one")]
    CodeExhausted,
    /// The device's proof of key possession does not verify.
    #[error("the proof of key possession does not verify")]
    BadProof,
    /// The claim behind the activation.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Signed device requests and the device's own state.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// A field is not what the rule takes.
    #[error("bad request: {0}")]
    Invalid(String),
    /// Missing or invalid request signature.
    #[error("missing or invalid request signature")]
    BadSignature,
    /// The request's timestamp is outside the 5-minute window.
    #[error("the request is too old or too far in the future; check the device clock")]
    StaleRequest,
    /// The nonce was already used.
    #[error("the request was already received")]
    ReplayedRequest,
    /// No device with that id.
    #[error("unknown device")]
    UnknownDevice,
    /// A newer device was activated for the citizen.
    #[error("another device was activated for this citizen; this one no longer receives PINs")]
    DeviceReplaced,
    /// The device was removed.
    #[error("this device was removed")]
    DeviceRemoved,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// PIN requests: issuing, delivery, verification.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    /// A field is not what the rule takes (a code, a PIN, too many ids).
    #[error("bad request: {0}")]
    Invalid(String),
    /// The citizen chose the app but has no activated device.
    #[error("the Cl@ve PIN app is not activated for this citizen; choose SMS")]
    AppNotActivated,
    /// The push cap: at most 5 PIN requests per citizen per 10 minutes.
    #[error("too many PINs requested; try again in {retry_after_secs} s")]
    TooManyPins {
        /// Seconds until another request is allowed.
        retry_after_secs: i64,
    },
    /// Consecutive wrong PINs: the citizen waits.
    #[error("too many wrong PINs; try again in {retry_after_secs} s")]
    Throttled {
        /// Seconds to wait.
        retry_after_secs: i64,
    },
    /// 100 consecutive wrong PINs.
    #[error(
        "PINs are blocked after too many wrong tries; activate the app again or ask a registry office"
    )]
    PinsLocked,
    /// No such PIN request.
    #[error("no such PIN request")]
    UnknownPinRequest,
    /// Wrong code or PIN.
    #[error("wrong PIN; {}", tries(*tries_left))]
    WrongPin {
        /// Tries before the request dies.
        tries_left: u32,
    },
    /// Already used.
    #[error("this PIN was already used; obtain a new one")]
    PinUsed,
    /// Expired.
    #[error("this PIN expired; obtain a new one")]
    PinExpired,
    /// Superseded.
    #[error("a newer PIN replaced this one; use the newest")]
    PinSuperseded,
    /// Three wrong tries.
    #[error("too many wrong tries for this PIN; obtain a new one")]
    PinRequestDead,
    /// SMS resend limit for a request.
    #[error("the PIN was already sent by SMS; obtain a new one")]
    SmsLimit,
    /// No sign-in waits for approval with this code (wrong, ended or expired).
    #[error("no sign-in is waiting for approval with this code; check it on the log-in page")]
    UnknownApproval,
    /// The approval still waits for the app.
    #[error("the sign-in has not been approved in the app yet")]
    ApprovalPending,
    /// The claim behind the request.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Errors of steps that check a citizen's claim: the guard counts a mismatch.
pub trait ClaimOutcome: From<RegistryError> + From<StoreError> {
    /// Whether this refusal is the contrast data not matching the census.
    fn is_contrast_mismatch(&self) -> bool;
}

impl ClaimOutcome for RegistryError {
    fn is_contrast_mismatch(&self) -> bool {
        matches!(self, Self::ContrastDataMismatch)
    }
}

impl ClaimOutcome for ActivationError {
    fn is_contrast_mismatch(&self) -> bool {
        matches!(self, Self::Registry(RegistryError::ContrastDataMismatch))
    }
}

impl ClaimOutcome for PinError {
    fn is_contrast_mismatch(&self) -> bool {
        matches!(self, Self::Registry(RegistryError::ContrastDataMismatch))
    }
}

pub type RegistryResult<T> = Result<T, RegistryError>;
pub type ActivationResult<T> = Result<T, ActivationError>;
pub type DeviceResult<T> = Result<T, DeviceError>;
pub type PinResult<T> = Result<T, PinError>;

/// "1 try left", "2 tries left".
fn tries(left: u32) -> String {
    if left == 1 { "1 try left".to_owned() } else { format!("{left} tries left") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_try_is_said_in_the_singular() {
        assert_eq!(
            ActivationError::WrongCode { tries_left: 1 }.to_string(),
            "wrong activation code; 1 try left"
        );
        assert_eq!(PinError::WrongPin { tries_left: 2 }.to_string(), "wrong PIN; 2 tries left");
    }
}
