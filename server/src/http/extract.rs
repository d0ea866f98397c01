//! Extractors that turn raw requests into typed, checked values, or into the
//! service's own errors (never axum's plain-text rejections).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use clavepin_protocol::crypto::{RequestSignature, SignedRequest, b64_decode};
use clavepin_protocol::wire::{
    DeviceState, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use serde::de::DeserializeOwned;

use super::error::HttpError;
use crate::activation;
use crate::devices::{self, Device};
use crate::error::DeviceError;
use crate::state::AppState;

/// A JSON body, refused with a typed error when malformed or too large.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_json_body(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Reads a body that must be JSON: a body of any other type, or a type named
/// without a body, is refused with 415. Browsers send `text/plain`, form and
/// multipart bodies across sites without asking first (no CORS preflight); JSON they
/// send only after one, which this service never grants.
async fn read_json_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, HttpError> {
    let is_json = req.headers().get(axum::http::header::CONTENT_TYPE).map(is_json_type);
    let bytes = read_body(req, state).await?;
    match is_json {
        Some(true) => Ok(bytes),
        None if bytes.is_empty() => Ok(bytes),
        _ => Err(HttpError::UnsupportedMediaType),
    }
}

fn is_json_type(value: &axum::http::HeaderValue) -> bool {
    let Ok(text) = value.to_str() else { return false };
    let essence = text.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, HttpError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            HttpError::BodyTooLarge
        } else if caused_by_timeout(&rejection) {
            HttpError::RequestTimeout
        } else {
            HttpError::BadRequest("the request body could not be read".into())
        }
    })
}

/// Whether the body stopped because it arrived too slowly (tower-http's body timeout).
fn caused_by_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, HttpError> {
    let bytes = if bytes.is_empty() { b"null".as_slice() } else { bytes };
    serde_json::from_slice(bytes).map_err(|e| {
        // serde's own words say what is wrong; where in the body is noise to a person
        // (and the field is named in them).
        let text = e.to_string();
        let what = text.split(" at line ").next().unwrap_or(&text);
        HttpError::BadRequest(format!("the request body is not what this endpoint takes: {what}"))
    })
}

/// The operator, authenticated by the bearer token from the data folder.
#[derive(Debug)]
pub struct Operator;

impl FromRequestParts<AppState> for Operator {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token)
            .ok_or(HttpError::Unauthorized)?;
        if state.keys.operator_token_matches(token.trim()) {
            Ok(Operator)
        } else {
            Err(HttpError::Unauthorized)
        }
    }
}

/// A request signed by an active device, with its JSON body (`()` for none).
#[derive(Debug)]
pub struct Signed<T> {
    /// The device that signed it.
    pub device: Device,
    /// The parsed body.
    pub body: T,
}

fn signature_headers(headers: &HeaderMap) -> Result<SignedRequest, DeviceError> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 256)
            .ok_or(DeviceError::BadSignature)
    };
    // Decimal, no sign or leading zeros: the text signed is the number printed back.
    let timestamp = get(HEADER_TIMESTAMP)?;
    let timestamp_ms: i64 = timestamp.parse().map_err(|_| DeviceError::BadSignature)?;
    if timestamp_ms.to_string() != timestamp {
        return Err(DeviceError::BadSignature);
    }
    let nonce = get(HEADER_NONCE)?;
    if b64_decode(nonce).is_none_or(|bytes| bytes.len() != 16) {
        return Err(DeviceError::BadSignature);
    }
    Ok(SignedRequest {
        device_id: get(HEADER_DEVICE)?.to_owned(),
        timestamp_ms,
        nonce: nonce.to_owned(),
        signature: RequestSignature::from_b64(get(HEADER_SIGNATURE)?)
            .map_err(|_| DeviceError::BadSignature)?,
    })
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Signed<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let signed = signature_headers(req.headers())?;
        let method = req.method().as_str().to_owned();
        let path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let bytes = read_json_body(req, state).await?;
        let now = state.now();
        if !devices::is_fresh(signed.timestamp_ms, now) {
            return Err(DeviceError::StaleRequest.into());
        }
        let id = signed.device_id.clone();
        let (device, pending) = state
            .db
            .read(move |c| match devices::load(c, &id)? {
                Some(device) => Ok::<_, HttpError>(Some((device, false))),
                None => Ok(activation::load_pending(c, &id)?.map(|device| (device, true))),
            })
            .await?
            .ok_or(HttpError::from(DeviceError::UnknownDevice))?;
        signed
            .verify(&device.public_key, &method, &path, &bytes)
            .map_err(|_| DeviceError::BadSignature)?;
        // A bound device's first signed request confirms it kept its keys.
        let app = state.clone();
        let confirmed = state
            .db
            .write(move |tx| {
                devices::record_nonce(tx, &signed)?;
                let confirmed = pending
                    && activation::confirm_pending(
                        tx,
                        &signed.device_id,
                        now,
                        &app.keys,
                        &app.rng,
                    )?;
                devices::touch(tx, &signed.device_id, now)?;
                Ok::<_, HttpError>(confirmed)
            })
            .await?;
        if confirmed {
            // The binding's notices wait in the outbox.
            state.delivery.wake();
        }
        match device.state {
            DeviceState::Active => {}
            DeviceState::Replaced => return Err(DeviceError::DeviceReplaced.into()),
            DeviceState::Removed => return Err(DeviceError::DeviceRemoved.into()),
        }
        Ok(Signed { device, body: parse_json(&bytes)? })
    }
}

/// Query parameters, refused with a typed error when malformed.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| HttpError::BadRequest(format!("invalid query: {}", e.body_text())))
    }
}

/// A path parameter, refused with a typed error when malformed.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| HttpError::BadRequest("invalid path".into()))
    }
}
