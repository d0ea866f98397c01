//! The area families: activation, unlocking, PINs, approvals.

use clavepin_core::pattern::PatternError;
use clavepin_core::{CoreError, Locale, explain};
use clavepin_protocol::wire::{ErrorCode, PinState};
use clavepin_protocol::{ApprovalCodeError, IdentityError};

use super::shared::{NetworkError, PlatformError, Shared, shared};

/// Why an activation step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum ActivationError {
    /// The document number or contrast datum as typed is not valid: `reason` says
    /// which rule (the field to flag).
    #[error("{explanation}")]
    InvalidIdentity {
        /// The rule broken.
        reason: IdentityError,
        /// What to tell the citizen.
        explanation: String,
    },
    /// The SMS code as typed is not 6 digits.
    #[error("{explanation}")]
    InvalidCode {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The pattern as drawn is not acceptable.
    #[error("{explanation}")]
    InvalidPattern {
        /// The rule broken.
        reason: PatternError,
        /// What to tell the citizen.
        explanation: String,
    },
    /// No activation is in progress: start with the document.
    #[error("{explanation}")]
    NoActivationInProgress {
        /// What to tell the citizen.
        explanation: String,
    },
    /// This attempt is over (code expired, used up, lost in a restart, or the keys did
    /// not match): start again for a new SMS code.
    #[error("{explanation}")]
    StartAgain {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The citizen is not on this device.
    #[error("{explanation}")]
    UnknownCitizen {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The citizen is already activated on this device: nothing to do.
    #[error("{explanation}")]
    AlreadyActivated {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The pattern is already set; change it instead.
    #[error("{explanation}")]
    PatternAlreadySet {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The service: offline, refused (`not_in_census`, `contrast_data_mismatch`,
    /// `wrong_code` with tries left, `too_many_codes`…), or an odd answer.
    #[error("{error}")]
    Network {
        /// What happened.
        error: NetworkError,
    },
    /// The phone's storage or key store.
    #[error("{error}")]
    Platform {
        /// What happened.
        error: PlatformError,
    },
}

/// Why unlocking or changing the pattern failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum UnlockError {
    /// The pattern as drawn is not acceptable (too short, a dot twice).
    #[error("{explanation}")]
    InvalidPattern {
        /// The rule broken.
        reason: PatternError,
        /// What to tell the citizen.
        explanation: String,
    },
    /// Wrong pattern.
    #[error("{explanation}")]
    WrongPattern {
        /// Tries before the activation is wiped.
        tries_left: u32,
        /// Seconds before the next try is allowed (0: at once).
        wait_secs: i64,
        /// What to tell the citizen.
        explanation: String,
    },
    /// Too soon after wrong patterns: show a countdown of `wait_secs`.
    #[error("{explanation}")]
    Wait {
        /// Seconds to wait.
        wait_secs: i64,
        /// What to tell the citizen.
        explanation: String,
    },
    /// Ten wrong patterns: the citizen's activation was wiped from this device.
    #[error("{explanation}")]
    Wiped {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The activation is not finished: draw the first pattern (`set_pattern`).
    #[error("{explanation}")]
    PatternNotSet {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The citizen is not on this device.
    #[error("{explanation}")]
    UnknownCitizen {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The phone's storage or key store.
    #[error("{error}")]
    Platform {
        /// What happened.
        error: PlatformError,
    },
}

/// Why receiving, showing or copying PINs failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum PinsError {
    /// The citizen is locked: ask for the pattern.
    #[error("{explanation}")]
    Locked {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The citizen is not on this device.
    #[error("{explanation}")]
    UnknownCitizen {
        /// What to tell the citizen.
        explanation: String,
    },
    /// No such PIN on this device.
    #[error("{explanation}")]
    UnknownPin {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The PIN can no longer be used: nothing to copy.
    #[error("{explanation}")]
    PinEnded {
        /// Expired, used, superseded or dead.
        state: PinState,
        /// What to tell the citizen.
        explanation: String,
    },
    /// Another device was activated for the citizen; this one gets no more PINs.
    #[error("{explanation}")]
    DeviceReplaced {
        /// What to tell the citizen.
        explanation: String,
    },
    /// This device was removed for the citizen.
    #[error("{explanation}")]
    DeviceRemoved {
        /// What to tell the citizen.
        explanation: String,
    },
    /// Not a ClavePIN push (another app's, or an unknown format): ignore it.
    #[error("{explanation}")]
    MalformedPush {
        /// What to tell the citizen.
        explanation: String,
    },
    /// A push for an activation this device does not hold (removed, replaced).
    #[error("{explanation}")]
    ForeignPush {
        /// What to tell the citizen.
        explanation: String,
    },
    /// A sealed PIN that does not open: tampered with, or sealed for another device.
    #[error("{explanation}")]
    TamperedPush {
        /// What to tell the citizen.
        explanation: String,
    },
    /// A PIN this device already has (often the direct channel was faster): no
    /// second notification.
    #[error("{explanation}")]
    ReplayedPush {
        /// What to tell the citizen.
        explanation: String,
    },
    /// A push token the platform could not have given.
    #[error("{explanation}")]
    InvalidPushToken {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The service: offline, refused, or an odd answer.
    #[error("{error}")]
    Network {
        /// What happened.
        error: NetworkError,
    },
    /// The phone's storage or key store.
    #[error("{error}")]
    Platform {
        /// What happened.
        error: PlatformError,
    },
}

/// Why approving or refusing a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum ApprovalError {
    /// What was scanned or typed is not an approval code.
    #[error("{explanation}")]
    InvalidCode {
        /// The rule broken.
        reason: ApprovalCodeError,
        /// What to tell the citizen.
        explanation: String,
    },
    /// No sign-in waits with this code: wrong, answered or replaced, or expired.
    #[error("{explanation}")]
    NoSuchSignIn {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The citizen is locked: ask for the pattern.
    #[error("{explanation}")]
    Locked {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The pattern drawn to approve: not one, wrong (with the tries left), too soon,
    /// or the tenth wrong one, which wiped the activation. As when unlocking.
    #[error("{error}")]
    Pattern {
        /// What the pattern met.
        error: UnlockError,
    },
    /// The citizen is not on this device.
    #[error("{explanation}")]
    UnknownCitizen {
        /// What to tell the citizen.
        explanation: String,
    },
    /// Another device was activated for the citizen.
    #[error("{explanation}")]
    DeviceReplaced {
        /// What to tell the citizen.
        explanation: String,
    },
    /// This device was removed for the citizen.
    #[error("{explanation}")]
    DeviceRemoved {
        /// What to tell the citizen.
        explanation: String,
    },
    /// The service: offline, refused, or an odd answer.
    #[error("{error}")]
    Network {
        /// What happened.
        error: NetworkError,
    },
    /// The phone's storage or key store.
    #[error("{error}")]
    Platform {
        /// What happened.
        error: PlatformError,
    },
}

/// The variants every area has, from the shared families; `None` for the rest.
macro_rules! from_shared {
    ($family:ident, $e:expr, $locale:expr) => {
        match shared($e, $locale) {
            Some(Shared::Network(error)) => return $family::Network { error },
            Some(Shared::Platform(error)) => return $family::Platform { error },
            None => {}
        }
    };
}

impl ActivationError {
    /// Maps a core error met while activating.
    pub(crate) fn from_core(e: &CoreError, locale: Locale) -> Self {
        from_shared!(ActivationError, e, locale);
        let explanation = explain(e, locale);
        match e {
            CoreError::Identity(reason) => {
                Self::InvalidIdentity { reason: reason.clone(), explanation }
            }
            CoreError::ActivationCode(_) => Self::InvalidCode { explanation },
            CoreError::Pattern(reason) => {
                Self::InvalidPattern { reason: reason.clone(), explanation }
            }
            CoreError::NoActivationInProgress => Self::NoActivationInProgress { explanation },
            CoreError::ActivationExpired | CoreError::KeyConfirmationFailed => {
                Self::StartAgain { explanation }
            }
            CoreError::PatternAlreadySet => Self::PatternAlreadySet { explanation },
            CoreError::AlreadyActivated => Self::AlreadyActivated { explanation },
            CoreError::UnknownCitizen => Self::UnknownCitizen { explanation },
            _ => Self::Platform { error: PlatformError::Failure { explanation } },
        }
    }

    /// A date the shell built that is not on the calendar.
    pub(crate) fn bad_date(locale: Locale) -> Self {
        let reason = IdentityError::NotACalendarDate;
        let explanation = explain(&CoreError::Identity(reason.clone()), locale);
        Self::InvalidIdentity { reason, explanation }
    }
}

impl UnlockError {
    /// Maps a core error met while unlocking or changing the pattern.
    pub(crate) fn from_core(e: &CoreError, locale: Locale) -> Self {
        if let Some(Shared::Platform(error)) = shared(e, locale) {
            return Self::Platform { error };
        }
        let explanation = explain(e, locale);
        match e {
            CoreError::Pattern(reason) => {
                Self::InvalidPattern { reason: reason.clone(), explanation }
            }
            CoreError::WrongPattern { tries_left, wait_secs } => {
                Self::WrongPattern { tries_left: *tries_left, wait_secs: *wait_secs, explanation }
            }
            CoreError::UnlockWait { wait_secs } => {
                Self::Wait { wait_secs: *wait_secs, explanation }
            }
            CoreError::Wiped => Self::Wiped { explanation },
            CoreError::PatternNotSet => Self::PatternNotSet { explanation },
            CoreError::UnknownCitizen | CoreError::Identity(_) => {
                Self::UnknownCitizen { explanation }
            }
            _ => Self::Platform { error: PlatformError::Failure { explanation } },
        }
    }
}

impl PinsError {
    /// Maps a core error met while handling PINs.
    pub(crate) fn from_core(e: &CoreError, locale: Locale) -> Self {
        from_shared!(PinsError, e, locale);
        let explanation = explain(e, locale);
        match e {
            CoreError::Locked => Self::Locked { explanation },
            CoreError::UnknownCitizen | CoreError::Identity(_) => {
                Self::UnknownCitizen { explanation }
            }
            CoreError::UnknownPin => Self::UnknownPin { explanation },
            CoreError::PinNotLive { state } => Self::PinEnded { state: *state, explanation },
            CoreError::DeviceReplaced => Self::DeviceReplaced { explanation },
            CoreError::DeviceRemoved => Self::DeviceRemoved { explanation },
            CoreError::MalformedPush => Self::MalformedPush { explanation },
            CoreError::ForeignPush => Self::ForeignPush { explanation },
            CoreError::TamperedPush => Self::TamperedPush { explanation },
            CoreError::ReplayedPush => Self::ReplayedPush { explanation },
            CoreError::InvalidPushToken => Self::InvalidPushToken { explanation },
            _ => Self::Platform { error: PlatformError::Failure { explanation } },
        }
    }
}

impl ApprovalError {
    /// Maps a core error met while approving or refusing.
    pub(crate) fn from_core(e: &CoreError, locale: Locale) -> Self {
        let explanation = explain(e, locale);
        match e {
            CoreError::ApprovalCode(reason) => {
                return Self::InvalidCode { reason: *reason, explanation };
            }
            CoreError::Refused { code: ErrorCode::UnknownApproval, .. } => {
                return Self::NoSuchSignIn { explanation };
            }
            CoreError::Locked => return Self::Locked { explanation },
            CoreError::Pattern(_)
            | CoreError::WrongPattern { .. }
            | CoreError::UnlockWait { .. }
            | CoreError::Wiped => {
                return Self::Pattern { error: UnlockError::from_core(e, locale) };
            }
            CoreError::UnknownCitizen | CoreError::Identity(_) | CoreError::PatternNotSet => {
                return Self::UnknownCitizen { explanation };
            }
            CoreError::DeviceReplaced => return Self::DeviceReplaced { explanation },
            CoreError::DeviceRemoved => return Self::DeviceRemoved { explanation },
            _ => {}
        };
        from_shared!(ApprovalError, e, locale);
        Self::Platform { error: PlatformError::Failure { explanation } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_core_error_lands_in_its_area_with_an_explanation() {
        let refused = CoreError::Refused {
            code: ErrorCode::ContrastDataMismatch,
            message: "english".into(),
            tries_left: None,
            retry_after_secs: None,
        };
        let ActivationError::Network { error: NetworkError::Refused { refusal, explanation } } =
            ActivationError::from_core(&refused, Locale::Es)
        else {
            panic!("a refusal is a network error with its code")
        };
        assert_eq!(refusal.code, ErrorCode::ContrastDataMismatch);
        assert!(explanation.starts_with("El dato de contraste no coincide"), "{explanation}");

        let protocol = PinsError::from_core(&CoreError::Protocol("x".into()), Locale::En);
        assert!(
            matches!(protocol, PinsError::Network { error: NetworkError::UnexpectedAnswer { .. } }),
            "a protocol error is not 'offline': {protocol:?}"
        );
        let wait = UnlockError::from_core(&CoreError::UnlockWait { wait_secs: 30 }, Locale::Ca);
        assert_eq!(wait.to_string(), "Espereu 30 s abans de tornar a dibuixar el patró.");
        let ended =
            PinsError::from_core(&CoreError::PinNotLive { state: PinState::Used }, Locale::Gl);
        assert!(matches!(ended, PinsError::PinEnded { state: PinState::Used, .. }), "{ended:?}");
        for e in [
            CoreError::ReplayedPush,
            CoreError::TamperedPush,
            CoreError::ForeignPush,
            CoreError::MalformedPush,
        ] {
            assert!(!PinsError::from_core(&e, Locale::Eu).to_string().is_empty());
        }
    }
}
