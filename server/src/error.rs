//! The service's errors: each names what went wrong and maps to one HTTP status and
//! one wire [`ErrorCode`]. Messages carry no personal data.

use axum::http::StatusCode;
use clavepin_protocol::wire::ErrorCode;

/// Why the service refused or failed a request.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The body or a field is not what the endpoint takes.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The body is larger than the service reads.
    #[error("the request body is too large")]
    BodyTooLarge,
    /// Missing or wrong operator token.
    #[error("a valid operator token is required")]
    Unauthorized,
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
    /// Too many failed claims for a document: contrast data cannot be guessed.
    #[error("too many failed attempts for this document; try again in {retry_after_secs} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after_secs: i64,
    },
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
    /// No such route.
    #[error("no such endpoint")]
    NotFound,
    /// The database failed; the transaction was rolled back.
    #[error("storage failure")]
    Storage(#[from] rusqlite::Error),
    /// Anything else internal (randomness, key material).
    #[error("internal failure: {0}")]
    Internal(&'static str),
}

impl ServiceError {
    /// The HTTP status and wire code for this error.
    pub fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        use ServiceError::*;
        match self {
            BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            BodyTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge),
            Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            NotInCensus => (StatusCode::NOT_FOUND, ErrorCode::NotInCensus),
            ContrastDataMismatch => (StatusCode::FORBIDDEN, ErrorCode::ContrastDataMismatch),
            NotRegistered => (StatusCode::FORBIDDEN, ErrorCode::NotRegistered),
            AlreadyRegistered => (StatusCode::CONFLICT, ErrorCode::AlreadyRegistered),
            InvalidInvitation => (StatusCode::FORBIDDEN, ErrorCode::InvalidInvitation),
            TooManyCodes { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyCodes),
            UnknownActivation => (StatusCode::NOT_FOUND, ErrorCode::UnknownActivation),
            WrongCode { .. } => (StatusCode::FORBIDDEN, ErrorCode::WrongCode),
            CodeExpired => (StatusCode::GONE, ErrorCode::CodeExpired),
            CodeExhausted => (StatusCode::GONE, ErrorCode::CodeExhausted),
            BadProof => (StatusCode::BAD_REQUEST, ErrorCode::BadProof),
            BadSignature => (StatusCode::UNAUTHORIZED, ErrorCode::BadSignature),
            StaleRequest => (StatusCode::UNAUTHORIZED, ErrorCode::StaleRequest),
            ReplayedRequest => (StatusCode::UNAUTHORIZED, ErrorCode::ReplayedRequest),
            UnknownDevice => (StatusCode::UNAUTHORIZED, ErrorCode::UnknownDevice),
            DeviceReplaced => (StatusCode::GONE, ErrorCode::DeviceReplaced),
            DeviceRemoved => (StatusCode::GONE, ErrorCode::DeviceRemoved),
            TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts),
            AppNotActivated => (StatusCode::CONFLICT, ErrorCode::AppNotActivated),
            TooManyPins { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyPins),
            Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::Throttled),
            PinsLocked => (StatusCode::FORBIDDEN, ErrorCode::PinsLocked),
            UnknownPinRequest => (StatusCode::NOT_FOUND, ErrorCode::UnknownPinRequest),
            WrongPin { .. } => (StatusCode::FORBIDDEN, ErrorCode::WrongPin),
            PinUsed => (StatusCode::GONE, ErrorCode::PinUsed),
            PinExpired => (StatusCode::GONE, ErrorCode::PinExpired),
            PinSuperseded => (StatusCode::GONE, ErrorCode::PinSuperseded),
            PinRequestDead => (StatusCode::GONE, ErrorCode::PinRequestDead),
            SmsLimit => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::SmsLimit),
            NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Storage(_) | Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }

    /// Tries left, for errors that allow another try.
    pub fn tries_left(&self) -> Option<u32> {
        match self {
            ServiceError::WrongCode { tries_left } | ServiceError::WrongPin { tries_left } => {
                Some(*tries_left)
            }
            _ => None,
        }
    }

    /// Seconds to wait, for errors that are a wait.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            ServiceError::TooManyCodes { retry_after_secs }
            | ServiceError::TooManyPins { retry_after_secs }
            | ServiceError::Throttled { retry_after_secs }
            | ServiceError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

/// Results of the service's own operations.
pub type ServiceResult<T> = Result<T, ServiceError>;

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
            ServiceError::WrongCode { tries_left: 1 }.to_string(),
            "wrong activation code; 1 try left"
        );
        assert_eq!(ServiceError::WrongPin { tries_left: 2 }.to_string(), "wrong PIN; 2 tries left");
    }
}
