//! What the provider refuses, named as OAuth 2.0 names it (RFC 6749 §5.2, RFC 6750
//! §3.1), mapped once to HTTP at the token and UserInfo endpoints.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::StoreError;
use crate::error::Fault;

/// A refusal at the token or UserInfo endpoint. Descriptions are for the site's
/// developers, and never name the citizen.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The request is malformed: a parameter missing, repeated or unsupported.
    #[error("{0}")]
    InvalidRequest(&'static str),
    /// The site did not prove who it is (unknown id, wrong secret, bad assertion).
    #[error("{0}")]
    InvalidClient(&'static str),
    /// The code is unknown, expired, used, or not this site's; or the PKCE verifier
    /// or redirect URI does not match it.
    #[error("{0}")]
    InvalidGrant(&'static str),
    /// Only `authorization_code` is offered.
    #[error("the only grant type is authorization_code")]
    UnsupportedGrantType,
    /// The access token is unknown, expired or revoked.
    #[error("the access token is not valid")]
    InvalidToken,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

impl OidcError {
    /// The OAuth error code.
    pub fn code(&self) -> &'static str {
        match self {
            OidcError::InvalidRequest(_) => "invalid_request",
            OidcError::InvalidClient(_) => "invalid_client",
            OidcError::InvalidGrant(_) => "invalid_grant",
            OidcError::UnsupportedGrantType => "unsupported_grant_type",
            OidcError::InvalidToken => "invalid_token",
            OidcError::Store(_) | OidcError::Fault(_) => "server_error",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            OidcError::InvalidClient(_) | OidcError::InvalidToken => StatusCode::UNAUTHORIZED,
            OidcError::Store(_) | OidcError::Fault(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for OidcError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self, "OpenID Connect endpoint failed");
        }
        let description = match &self {
            OidcError::Store(_) | OidcError::Fault(_) => {
                "the service failed; nothing was issued".to_owned()
            }
            e => e.to_string(),
        };
        let body = serde_json::json!({ "error": self.code(), "error_description": description });
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match self {
            // RFC 6749 §5.2: a failed Basic authentication is answered with its challenge.
            OidcError::InvalidClient(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"clavepin\""),
                );
            }
            OidcError::InvalidToken => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            _ => {}
        }
        response
    }
}
