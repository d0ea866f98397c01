//! Citizen-facing endpoints that need no device key: online registration and the
//! first half of device activation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clavepin_protocol::IdentityClaim;
use clavepin_protocol::wire::{
    ActivationCompleted, ActivationStarted, CitizenRegistered, CompleteActivation,
    CompleteRegistration, InvitationSent, RequestInvitation, StartActivation,
};

use super::error::{HttpError, HttpResult};
use super::extract::{ApiJson, ApiPath};
use crate::serving::client::ClientAddress;
use crate::state::AppState;
use crate::{activation, registry};

fn claim(
    document: clavepin_protocol::DocumentNumber,
    contrast: clavepin_protocol::ContrastData,
) -> HttpResult<IdentityClaim> {
    IdentityClaim::new(document, contrast).map_err(|e| HttpError::BadRequest(e.to_string()))
}

/// `POST /registration/invitation`
pub async fn request_invitation(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(req): ApiJson<RequestInvitation>,
) -> HttpResult<(StatusCode, Json<InvitationSent>)> {
    let claim = claim(req.document, req.contrast)?;
    let now = state.now();
    let s = state.clone();
    let sent = state
        .guarded(client, claim.document(), move |tx| {
            registry::send_invitation(tx, &claim, now, &s.rng, &s.keys)
        })
        .await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// `POST /registration/complete`
pub async fn complete_registration(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(req): ApiJson<CompleteRegistration>,
) -> HttpResult<(StatusCode, Json<CitizenRegistered>)> {
    let now = state.now();
    let s = state.clone();
    let document = req.document;
    let done = state
        .guarded(client, document, move |tx| {
            registry::complete_registration(tx, &req, now, &s.keys)
        })
        .await??;
    Ok((StatusCode::CREATED, Json(done)))
}

/// `POST /device/activation`
pub async fn start_activation(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(req): ApiJson<StartActivation>,
) -> HttpResult<(StatusCode, Json<ActivationStarted>)> {
    let claim = claim(req.document, req.contrast)?;
    let now = state.now();
    let s = state.clone();
    let started = state
        .guarded(client, claim.document(), move |tx| {
            activation::start(tx, &claim, now, &s.rng, &s.keys)
        })
        .await?;
    state.delivery.wake();
    Ok((StatusCode::CREATED, Json(started)))
}

/// `POST /device/activation/{id}/complete`
pub async fn complete_activation(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<CompleteActivation>,
) -> HttpResult<Json<ActivationCompleted>> {
    let now = state.now();
    let s = state.clone();
    let done = state
        .db
        .write(move |tx| activation::complete(tx, &id, &req, now, &s.rng, &s.keys))
        .await??;
    Ok(Json(done))
}
