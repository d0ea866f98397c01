//! The portal's JSON API: "Obtain PIN", the SMS fallback, "Request again", "Access";
//! approving in the app instead (start, status, completion).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clavepin_protocol::IdentityClaim;
use clavepin_protocol::wire::{
    AccessGranted, ApprovalStarted, ApprovalState, ApprovalStatus, ObtainPin, PinRequestCreated,
    PinSmsSent, StartApproval, VerifyPin,
};
use serde::Deserialize;

use super::error::HttpResult;
use super::extract::{ApiJson, ApiPath};
use crate::approvals;
use crate::error::PinError;
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

/// `POST /portal/approvals`: "Approve in the app", the claim checked as for a PIN.
pub async fn start_approval(
    State((state, issuer)): State<(AppState, crate::oidc::Issuer)>,
    client: ClientAddress,
    ApiJson(req): ApiJson<StartApproval>,
) -> HttpResult<(StatusCode, Json<ApprovalStarted>)> {
    let claim = IdentityClaim::new(req.document, req.contrast)
        .map_err(|e| PinError::Invalid(e.to_string()))?;
    let now = state.now();
    let s = state.clone();
    let started = state
        .guarded(client, req.document, move |tx| approvals::start(tx, &claim, s.issuer(now)))
        .await?;
    let link = approvals::app_link(&issuer, &started.code);
    Ok((
        StatusCode::CREATED,
        Json(ApprovalStarted {
            approval_id: started.id,
            code: started.code,
            link,
            expires_at: started.expires_at,
        }),
    ))
}

/// `GET /portal/approvals/{id}`: pending, approved, ended or expired.
pub async fn approval_status(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> HttpResult<Json<ApprovalStatus>> {
    let now = state.now();
    let approval = state.db.read(move |c| approvals::state(c, &id, now)).await?;
    Ok(Json(ApprovalStatus { state: approval }))
}

/// `POST /portal/approvals/{id}/complete`: an approved approval becomes a sign-in,
/// once.
pub async fn complete_approval(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> HttpResult<Json<AccessGranted>> {
    let now = state.now();
    let granted = state
        .db
        .write(move |tx| match approvals::complete(tx, &id, now)? {
            Some(granted) => Ok(granted),
            None if approvals::state(tx, &id, now)? == ApprovalState::Pending => {
                Err(PinError::ApprovalPending)
            }
            None => Err(PinError::UnknownApproval),
        })
        .await?;
    Ok(Json(granted))
}
