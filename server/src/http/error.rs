//! The one place errors become HTTP: a status and a JSON body `{"error", "message"}`
//! with the wire code, for the HTTP layer's own refusals and every rule's.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clavepin_protocol::wire::{ErrorBody, ErrorCode};

use crate::error::{ActivationError, DeviceError, Fault, PinError, RegistryError, StoreError};
use crate::refusal::{INTERNAL, Refusal};

/// Why a request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The body, the path or a field is not what the endpoint takes.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The body is larger than the service reads.
    #[error("the request body is too large")]
    BodyTooLarge,
    /// Missing or wrong operator token.
    #[error("a valid operator token is required")]
    Unauthorized,
    /// No such route.
    #[error("no such endpoint")]
    NotFound,
    /// The route exists with other methods.
    #[error("this endpoint does not take this method")]
    MethodNotAllowed,
    /// A body that is not JSON.
    #[error("the body must be JSON, sent with Content-Type: application/json")]
    UnsupportedMediaType,
    /// The request or its answer took too long.
    #[error("the request took too long; send it again")]
    RequestTimeout,
    /// Too many requests at once, from everyone.
    #[error("the service is busy; try again in a moment")]
    Busy,
    /// Too many requests at once from this client address.
    #[error("too many requests at once from your address; try again in a moment")]
    ClientBusy,
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Activation(#[from] ActivationError),
    #[error(transparent)]
    Device(#[from] DeviceError),
    #[error(transparent)]
    Pin(#[from] PinError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

pub type HttpResult<T> = Result<T, HttpError>;

impl From<crate::oidc::clients::ClientError> for HttpError {
    fn from(e: crate::oidc::clients::ClientError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

impl From<crate::oidc::error::OidcError> for HttpError {
    fn from(e: crate::oidc::error::OidcError) -> Self {
        use crate::oidc::error::OidcError;
        match e {
            OidcError::Store(e) => Self::Store(e),
            OidcError::Fault(e) => Self::Fault(e),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl HttpError {
    /// What a request limit's refusal means (`http::router`'s layers).
    pub fn from_limit(error: &tower::BoxError) -> Self {
        if error.is::<tower::timeout::error::Elapsed>() {
            Self::RequestTimeout
        } else if error.is::<tower::load_shed::error::Overloaded>() {
            Self::Busy
        } else {
            tracing::error!(error = %error, "a request limit failed");
            Self::Fault(crate::error::Fault("a request limit failed"))
        }
    }

    /// The HTTP status and wire code.
    pub fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            Self::BodyTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            Self::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType)
            }
            Self::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::RequestTimeout),
            Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Busy),
            Self::ClientBusy => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::Busy),
            Self::Registry(e) => e.status_and_code(),
            Self::Activation(e) => e.status_and_code(),
            Self::Device(e) => e.status_and_code(),
            Self::Pin(e) => e.status_and_code(),
            Self::Store(_) | Self::Fault(_) => INTERNAL,
        }
    }

    /// Tries left, for refusals that allow another try.
    pub fn tries_left(&self) -> Option<u32> {
        match self {
            Self::Activation(ActivationError::WrongCode { tries_left })
            | Self::Pin(PinError::WrongPin { tries_left }) => Some(*tries_left),
            _ => None,
        }
    }

    /// Seconds to wait, for refusals that are a wait.
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            Self::Registry(e) => e.retry_after_secs(),
            Self::Activation(e) => e.retry_after_secs(),
            Self::Pin(e) => e.retry_after_secs(),
            Self::Busy | Self::ClientBusy => Some(1),
            _ => None,
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            // The cause stays in the log; the client learns only that it failed.
            tracing::error!(error = ?self, "request failed");
        }
        // A failure of the service says nothing of its insides.
        let message = if status.is_server_error() {
            "the service failed; try again later".to_owned()
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            error: code,
            message,
            tries_left: self.tries_left(),
            retry_after_secs: self.retry_after_secs(),
        };
        let retry_after = body.retry_after_secs;
        let mut response = (status, Json(body)).into_response();
        // The header too: proxies, browsers and HTTP libraries read it, not our body.
        if let Some(secs) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, secs);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_nested_in_another_area_keeps_its_status_and_wait() {
        let nested = HttpError::Pin(PinError::Registry(RegistryError::TooManyAttempts {
            retry_after_secs: 60,
        }));
        assert_eq!(
            nested.status_and_code(),
            (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts)
        );
        assert_eq!(nested.retry_after_secs(), Some(60));
        let internal = HttpError::Activation(ActivationError::Store(StoreError::Stopped));
        assert_eq!(internal.status_and_code(), INTERNAL);
        let body = internal.into_response();
        assert_eq!(body.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
