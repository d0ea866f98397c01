//! The portal's JSON API: "Obtain PIN", the SMS fallback, "Request again", "Access".

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clavepin_protocol::wire::{AccessGranted, ObtainPin, PinRequestCreated, PinSmsSent, VerifyPin};
use serde::Deserialize;

use super::error::HttpResult;
use super::extract::{ApiJson, ApiPath};
use crate::pins::{self, Issued};
use crate::serving::client::ClientAddress;
use crate::state::AppState;

/// Once its transaction has committed (`AppState::announce`).
fn announce(state: &AppState, issued: Issued) -> (StatusCode, Json<PinRequestCreated>) {
    (StatusCode::CREATED, Json(state.announce(issued)))
}

/// `POST /portal/pin-requests`
pub async fn obtain(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(req): ApiJson<ObtainPin>,
) -> HttpResult<(StatusCode, Json<PinRequestCreated>)> {
    let now = state.now();
    let s = state.clone();
    let issued = state
        .guarded(client, req.document, move |tx| pins::obtain(tx, &req, s.issuer(now)))
        .await?;
    Ok(announce(&state, issued))
}

/// `POST /portal/pin-requests/{id}/sms`
pub async fn send_by_sms(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> HttpResult<Json<PinSmsSent>> {
    let now = state.now();
    let s = state.clone();
    let sent = state.db.write(move |tx| pins::send_by_sms(tx, &id, s.issuer(now))).await?;
    state.delivery.wake();
    Ok(Json(sent))
}

/// The code the form holds, proving the caller made the first request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgainBody {
    code: String,
}

/// `POST /portal/pin-requests/{id}/again`
pub async fn request_again(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AgainBody>,
) -> HttpResult<(StatusCode, Json<PinRequestCreated>)> {
    let now = state.now();
    let s = state.clone();
    let issued =
        state.db.write(move |tx| pins::request_again(tx, &id, &body.code, s.issuer(now))).await?;
    Ok(announce(&state, issued))
}

/// `POST /portal/pin-requests/{id}/verify`
pub async fn verify(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<VerifyPin>,
) -> HttpResult<Json<AccessGranted>> {
    let now = state.now();
    let s = state.clone();
    let outcome = state.db.write(move |tx| pins::verify(tx, &id, &req, now, &s.keys)).await;
    let outcome = outcome.and_then(|inner| inner);
    state.count_verification(&outcome);
    Ok(Json(outcome?))
}
