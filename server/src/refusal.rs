//! How each rule's refusal reads to a client, decided once: an HTTP status and a
//! wire code. The JSON API (`http/error.rs`) and the portal's pages both use it.

use axum::http::StatusCode;
use clavepin_protocol::wire::ErrorCode;

use crate::error::{ActivationError, DeviceError, PinError, RegistryError};

/// A failure of the service itself.
pub const INTERNAL: (StatusCode, ErrorCode) =
    (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal);

/// A rule error's status and wire code, and the wait it imposes, if it is one (what
/// `Retry-After` says, on the JSON API and the pages alike).
pub trait Refusal {
    fn status_and_code(&self) -> (StatusCode, ErrorCode);

    fn retry_after_secs(&self) -> Option<i64> {
        None
    }
}

impl Refusal for RegistryError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use RegistryError as E;
        match self {
            E::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            E::NotInCensus => (StatusCode::NOT_FOUND, ErrorCode::NotInCensus),
            E::ContrastDataMismatch => (StatusCode::FORBIDDEN, ErrorCode::ContrastDataMismatch),
            E::NotRegistered => (StatusCode::FORBIDDEN, ErrorCode::NotRegistered),
            E::AlreadyRegistered => (StatusCode::CONFLICT, ErrorCode::AlreadyRegistered),
            E::InvalidInvitation => (StatusCode::FORBIDDEN, ErrorCode::InvalidInvitation),
            E::TooManyAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts)
            }
            E::RegisteredCitizenChanged { .. } => {
                (StatusCode::CONFLICT, ErrorCode::RegisteredCitizenChanged)
            }
            E::TooManyLetters { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyLetters),
            E::Store(_) | E::Fault(_) => INTERNAL,
        }
    }

    fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::TooManyAttempts { retry_after_secs }
            | Self::TooManyLetters { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

impl Refusal for ActivationError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use ActivationError as E;
        match self {
            E::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            E::TooManyCodes { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyCodes),
            E::UnknownActivation => (StatusCode::NOT_FOUND, ErrorCode::UnknownActivation),
            E::WrongCode { .. } => (StatusCode::FORBIDDEN, ErrorCode::WrongCode),
            E::CodeExpired => (StatusCode::GONE, ErrorCode::CodeExpired),
            E::CodeExhausted => (StatusCode::GONE, ErrorCode::CodeExhausted),
            E::BadProof => (StatusCode::BAD_REQUEST, ErrorCode::BadProof),
            E::Registry(e) => e.status_and_code(),
            E::Store(_) | E::Fault(_) => INTERNAL,
        }
    }

    fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::TooManyCodes { retry_after_secs } => Some(*retry_after_secs),
            Self::Registry(e) => e.retry_after_secs(),
            _ => None,
        }
    }
}

impl Refusal for DeviceError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use DeviceError as E;
        match self {
            E::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            E::BadSignature => (StatusCode::UNAUTHORIZED, ErrorCode::BadSignature),
            E::StaleRequest => (StatusCode::UNAUTHORIZED, ErrorCode::StaleRequest),
            E::ReplayedRequest => (StatusCode::UNAUTHORIZED, ErrorCode::ReplayedRequest),
            E::UnknownDevice => (StatusCode::UNAUTHORIZED, ErrorCode::UnknownDevice),
            E::DeviceReplaced => (StatusCode::GONE, ErrorCode::DeviceReplaced),
            E::DeviceRemoved => (StatusCode::GONE, ErrorCode::DeviceRemoved),
            E::Store(_) | E::Fault(_) => INTERNAL,
        }
    }
}

impl Refusal for PinError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use PinError as E;
        match self {
            E::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            E::AppNotActivated => (StatusCode::CONFLICT, ErrorCode::AppNotActivated),
            E::TooManyPins { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyPins),
            E::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::Throttled),
            E::PinsLocked => (StatusCode::FORBIDDEN, ErrorCode::PinsLocked),
            E::UnknownPinRequest => (StatusCode::NOT_FOUND, ErrorCode::UnknownPinRequest),
            E::WrongPin { .. } => (StatusCode::FORBIDDEN, ErrorCode::WrongPin),
            E::PinUsed => (StatusCode::GONE, ErrorCode::PinUsed),
            E::PinExpired => (StatusCode::GONE, ErrorCode::PinExpired),
            E::PinSuperseded => (StatusCode::GONE, ErrorCode::PinSuperseded),
            E::PinRequestDead => (StatusCode::GONE, ErrorCode::PinRequestDead),
            E::SmsLimit => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::SmsLimit),
            E::UnknownApproval => (StatusCode::NOT_FOUND, ErrorCode::UnknownApproval),
            E::ApprovalPending => (StatusCode::CONFLICT, ErrorCode::ApprovalPending),
            E::Registry(e) => e.status_and_code(),
            E::Store(_) | E::Fault(_) => INTERNAL,
        }
    }

    fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::TooManyPins { retry_after_secs } | Self::Throttled { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            Self::Registry(e) => e.retry_after_secs(),
            _ => None,
        }
    }
}
