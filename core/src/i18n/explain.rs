//! What to tell a person about a [`CoreError`], in their language: what happened and
//! what to do. Used once, where errors leave the core for a screen (the FFI and the
//! desktop companion).

use clavepin_protocol::wire::{ErrorCode, PinState};
use clavepin_protocol::{ApprovalCodeError, IdentityError};

use super::{Catalog, Locale, fill};
use crate::error::CoreError;
use crate::pattern::PatternError;
use crate::store::{KeyStoreError, StoreError};

/// The explanation of `error` in `locale`: never empty, never a document number,
/// code or PIN.
pub fn explain(error: &CoreError, locale: Locale) -> String {
    let t = locale.catalog();
    match error {
        CoreError::Identity(e) => identity(e, t).to_owned(),
        CoreError::ActivationCode(_) => t.invalid_code.to_owned(),
        CoreError::ApprovalCode(ApprovalCodeError::OtherService) => {
            t.approval_code_other_service.to_owned()
        }
        CoreError::ApprovalCode(_) => t.approval_code_invalid.to_owned(),
        CoreError::Pattern(PatternError::TooShort) => t.pattern_too_short.to_owned(),
        CoreError::Pattern(_) => t.pattern_invalid_dot.to_owned(),
        CoreError::Store(e) => store(e, t).to_owned(),
        CoreError::Offline(_) => t.offline.to_owned(),
        CoreError::Untrusted => t.untrusted.to_owned(),
        CoreError::Refused { code, tries_left, retry_after_secs, .. } => {
            refusal(*code, *tries_left, *retry_after_secs, t)
        }
        CoreError::Protocol(_) => t.unexpected_answer.to_owned(),
        CoreError::Crypto(_) | CoreError::NoRuntime | CoreError::InsecureAddress => {
            t.platform.to_owned()
        }
        CoreError::StoreStillOpens => t.store_still_opens.to_owned(),
        CoreError::NoActivationInProgress => t.no_activation.to_owned(),
        CoreError::ActivationExpired | CoreError::KeyConfirmationFailed => {
            t.restart_activation.to_owned()
        }
        CoreError::UnknownCitizen => t.unknown_citizen.to_owned(),
        CoreError::AlreadyActivated => t.already_activated.to_owned(),
        CoreError::PatternNotSet => t.pattern_not_set.to_owned(),
        CoreError::PatternAlreadySet => t.pattern_already_set.to_owned(),
        CoreError::Locked => t.locked.to_owned(),
        CoreError::WrongPattern { tries_left, wait_secs } => {
            let tries = match tries_left {
                1 => t.wrong_pattern_last.to_owned(),
                n => fill(t.wrong_pattern, &[("tries", &n.to_string())]),
            };
            if *wait_secs > 0 {
                format!("{tries} {}", fill(t.unlock_wait, &[("wait", &wait(*wait_secs, t))]))
            } else {
                tries
            }
        }
        CoreError::UnlockWait { wait_secs } => {
            fill(t.unlock_wait, &[("wait", &wait(*wait_secs, t))])
        }
        CoreError::Wiped => t.wiped.to_owned(),
        CoreError::DeviceReplaced => t.device_replaced.to_owned(),
        CoreError::DeviceRemoved => t.device_removed.to_owned(),
        CoreError::MalformedPush => t.push_malformed.to_owned(),
        CoreError::ForeignPush => t.push_foreign.to_owned(),
        CoreError::TamperedPush => t.push_tampered.to_owned(),
        CoreError::ReplayedPush => t.push_replayed.to_owned(),
        CoreError::InvalidPushToken => t.platform.to_owned(),
        CoreError::UnknownPin => t.unknown_pin.to_owned(),
        CoreError::PinNotLive { state } => ended(*state, t).to_owned(),
    }
}

/// Why a PIN that can no longer be used ended.
pub(crate) fn ended(state: PinState, t: &Catalog) -> &'static str {
    match state {
        PinState::Used => t.pin_used,
        PinState::Superseded => t.pin_superseded,
        PinState::Dead => t.pin_dead,
        PinState::Expired | PinState::Live => t.pin_expired,
    }
}

fn identity(e: &IdentityError, t: &'static Catalog) -> &'static str {
    use IdentityError as E;
    match e {
        E::WrongControlLetter => t.wrong_control_letter,
        E::DateFormat | E::NotACalendarDate | E::DateOutOfRange => t.date_format,
        E::PermanentDniNeedsIssueDate => t.permanent_dni,
        E::ValidityTooFarAhead
        | E::IssueDateInFuture
        | E::PermanentOnlyForDni
        | E::InvalidSupportNumber
        | E::ContrastKindMismatch { .. } => t.invalid_contrast,
        E::EmptyDocument
        | E::InvalidCharacter { .. }
        | E::UnknownDocumentPrefix
        | E::MisplacedLetter { .. }
        | E::WrongDigitCount { .. }
        | E::DocumentTooLong
        | E::MissingControlLetter => t.invalid_document,
    }
}

fn store(e: &StoreError, t: &'static Catalog) -> &'static str {
    match e {
        StoreError::WrongKey
        | StoreError::KeyStore(KeyStoreError::KeyMissing | KeyStoreError::WrongKey) => t.store_key,
        StoreError::Tampered { .. } | StoreError::Corrupt(_) | StoreError::Unreadable { .. } => {
            t.store_damaged
        }
        StoreError::TooNew { .. } => t.store_too_new,
        StoreError::KeyStore(KeyStoreError::Platform(_))
        | StoreError::Randomness
        | StoreError::Sqlite(_) => t.platform,
    }
}

fn refusal(
    code: ErrorCode,
    tries_left: Option<u32>,
    retry_after_secs: Option<i64>,
    t: &'static Catalog,
) -> String {
    let later = || wait(retry_after_secs.unwrap_or(3600), t);
    match code {
        ErrorCode::NotInCensus => t.not_in_census.to_owned(),
        ErrorCode::ContrastDataMismatch => t.contrast_mismatch.to_owned(),
        ErrorCode::NotRegistered => t.not_registered.to_owned(),
        ErrorCode::TooManyCodes => fill(t.too_many_codes, &[("wait", &later())]),
        ErrorCode::WrongCode => match tries_left {
            Some(1) => t.wrong_code_last.to_owned(),
            n => fill(t.wrong_code, &[("tries", &n.unwrap_or(0).to_string())]),
        },
        ErrorCode::CodeExpired | ErrorCode::CodeExhausted | ErrorCode::UnknownActivation => {
            t.restart_activation.to_owned()
        }
        ErrorCode::TooManyAttempts | ErrorCode::Throttled => {
            fill(t.too_many_attempts, &[("wait", &later())])
        }
        ErrorCode::StaleRequest => t.stale_request.to_owned(),
        ErrorCode::DeviceReplaced => t.device_replaced.to_owned(),
        ErrorCode::DeviceRemoved | ErrorCode::UnknownDevice => t.device_removed.to_owned(),
        ErrorCode::PinUsed => t.pin_used.to_owned(),
        ErrorCode::PinExpired => t.pin_expired.to_owned(),
        ErrorCode::PinSuperseded => t.pin_superseded.to_owned(),
        ErrorCode::PinRequestDead => t.pin_dead.to_owned(),
        ErrorCode::UnknownApproval => t.unknown_approval.to_owned(),
        _ => t.refused.to_owned(),
    }
}

/// A wait as a person reads it: seconds under two minutes, whole minutes (rounded up)
/// above.
fn wait(secs: i64, t: &Catalog) -> String {
    let secs = secs.max(1);
    if secs < 120 {
        fill(t.seconds, &[("n", &secs.to_string())])
    } else {
        fill(t.minutes, &[("n", &((secs + 59) / 60).to_string())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Locale; 5] = [Locale::Es, Locale::En, Locale::Ca, Locale::Gl, Locale::Eu];

    #[test]
    fn every_error_is_explained_in_every_language_without_placeholders() {
        let errors = [
            CoreError::Offline("connection failed".into()),
            CoreError::Refused {
                code: ErrorCode::WrongCode,
                message: String::new(),
                tries_left: Some(2),
                retry_after_secs: None,
            },
            CoreError::WrongPattern { tries_left: 5, wait_secs: 30 },
            CoreError::UnlockWait { wait_secs: 300 },
            CoreError::PinNotLive { state: PinState::Used },
            CoreError::Identity(IdentityError::WrongControlLetter),
            CoreError::ApprovalCode(clavepin_protocol::ApprovalCodeError::WrongLength),
            CoreError::Refused {
                code: ErrorCode::UnknownApproval,
                message: String::new(),
                tries_left: None,
                retry_after_secs: None,
            },
            CoreError::Store(StoreError::WrongKey),
            CoreError::Wiped,
        ];
        for locale in ALL {
            for error in &errors {
                let text = explain(error, locale);
                assert!(!text.is_empty() && !text.contains('{'), "{locale:?} {error:?}: {text}");
            }
        }
        let es = explain(&errors[2], Locale::Es);
        assert_eq!(
            es,
            "Patrón incorrecto. Le quedan 5 intentos antes de que se borre la activación. \
             Espere 30 s antes de volver a dibujar el patrón."
        );
        assert_eq!(explain(&errors[3], Locale::En), "Wait 5 min before drawing the pattern again.");
        assert!(explain(&errors[7], Locale::En).starts_with("No sign-in is waiting for approval"));
        let last = CoreError::Refused {
            code: ErrorCode::WrongCode,
            message: String::new(),
            tries_left: Some(1),
            retry_after_secs: None,
        };
        assert_eq!(explain(&last, Locale::En), "The SMS code is wrong. One try left.");
    }
}
