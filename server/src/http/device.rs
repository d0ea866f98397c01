//! Endpoints for activated devices; every request is signed.

use std::convert::Infallible;
use std::time::Duration;

use crate::pins::events::Heard;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use clavepin_protocol::wire::{
    ApprovalDecided, ApprovalRequest, DecideApproval, DeviceStatus, LookUpApproval, NotMeRecorded,
    PendingPin, PendingPins, PinStates, PinStatesQuery, RegisterPushToken,
};
use futures_util::{Stream, StreamExt, stream};

use super::error::HttpResult;
use super::extract::{ApiPath, Signed};
use crate::approvals;
use crate::devices;
use crate::pins;
use crate::state::AppState;

/// `GET /device/status`: an active device learns it is still bound (a replaced or
/// removed one gets 410 with `device_replaced` / `device_removed` instead).
pub async fn status(signed: Signed<()>) -> Json<DeviceStatus> {
    Json(signed.device.status())
}

/// `DELETE /device`: the citizen removes this device.
pub async fn remove(State(state): State<AppState>, signed: Signed<()>) -> HttpResult<StatusCode> {
    let now = state.now();
    let id = signed.device.id;
    state.db.write(move |tx| devices::remove(tx, &id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /device/push-token`: register or refresh the push token.
pub async fn set_push_token(
    State(state): State<AppState>,
    signed: Signed<RegisterPushToken>,
) -> HttpResult<StatusCode> {
    let Signed { device, body } = signed;
    state.db.write(move |tx| devices::set_push_token(tx, &device.id, &body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /device/pins`: live PINs for this device not yet acknowledged.
pub async fn pending(
    State(state): State<AppState>,
    signed: Signed<()>,
) -> HttpResult<Json<PendingPins>> {
    let now = state.now();
    let id = signed.device.id;
    let pins = state.db.read(move |c| pins::pending_for(c, &id, now)).await?;
    Ok(Json(PendingPins { pins }))
}

/// `POST /device/pins/{id}/ack`: the device has stored the PIN.
pub async fn acknowledge(
    State(state): State<AppState>,
    ApiPath(request_id): ApiPath<String>,
    signed: Signed<()>,
) -> HttpResult<StatusCode> {
    let now = state.now();
    let device_id = signed.device.id;
    state.db.write(move |tx| pins::acknowledge(tx, &device_id, &request_id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /device/pins/states`: live, used, expired, superseded or dead.
pub async fn states(
    State(state): State<AppState>,
    signed: Signed<PinStatesQuery>,
) -> HttpResult<Json<PinStates>> {
    let now = state.now();
    let Signed { device, body } = signed;
    let states =
        state.db.read(move |c| pins::states(c, &device.id, &body.request_ids, now)).await?;
    Ok(Json(PinStates { states }))
}

fn pin_event(pin: &PendingPin) -> Event {
    Event::default()
        .event("pin")
        .id(pin.request_id.clone())
        .data(serde_json::to_string(pin).unwrap_or_default())
}

/// `GET /device/events`: the direct channel, as server-sent events. Pending PINs
/// first, then each new one as it is issued; `resync` asks the device to pull.
pub async fn events(
    State(state): State<AppState>,
    signed: Signed<()>,
) -> HttpResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let device_id = signed.device.id;
    // Subscribe before reading what is pending, so nothing falls in between (a PIN
    // may come twice; the device keeps one per request id).
    let subscription = state.events.subscribe(&device_id);
    let closed = state.events.closed();
    let now = state.now();
    let id = device_id.clone();
    let pending = state.db.read(move |c| pins::pending_for(c, &id, now)).await?;
    let first = stream::iter(pending.iter().map(pin_event).map(Ok).collect::<Vec<_>>());
    let live =
        stream::unfold((subscription, closed), |(mut subscription, mut closed)| async move {
            tokio::select! {
                heard = subscription.recv() => match heard {
                    Some(Heard::Pin(pin)) => Some((Ok(pin_event(&pin)), (subscription, closed))),
                    Some(Heard::Resync) => {
                        let resync = Event::default().event("resync").data("pull");
                        Some((Ok(resync), (subscription, closed)))
                    }
                    None => None,
                },
                _ = closed.changed() => None,
            }
        });
    let keep_alive = KeepAlive::new().interval(Duration::from_secs(15));
    Ok(Sse::new(first.chain(live)).keep_alive(keep_alive))
}

/// `POST /device/pins/{id}/not-me`: "This wasn't me" on a PIN pushed to this device.
pub async fn not_me(
    State(state): State<AppState>,
    ApiPath(request_id): ApiPath<String>,
    signed: Signed<()>,
) -> HttpResult<Json<NotMeRecorded>> {
    let now = state.now();
    let device_id = signed.device.id;
    let recorded =
        state.db.write(move |tx| pins::report_not_me(tx, &device_id, &request_id, now)).await?;
    Ok(Json(recorded))
}

/// `POST /device/approvals/look-up`: what a scanned or typed approval code is for.
/// A wrong code counts against the approval, so the refusal is committed too.
pub async fn look_up_approval(
    State(state): State<AppState>,
    signed: Signed<LookUpApproval>,
) -> HttpResult<Json<ApprovalRequest>> {
    let now = state.now();
    let app = state.clone();
    let Signed { device, body } = signed;
    let request = state
        .db
        .write(move |tx| approvals::look_up(tx, &device, &body.code, now, &app.keys))
        .await?;
    Ok(Json(request?))
}

/// `POST /device/approvals/decide`: approve (after the pattern), refuse, or "this
/// wasn't me".
pub async fn decide_approval(
    State(state): State<AppState>,
    signed: Signed<DecideApproval>,
) -> HttpResult<Json<ApprovalDecided>> {
    let now = state.now();
    let app = state.clone();
    let Signed { device, body } = signed;
    let decided =
        state.db.write(move |tx| approvals::decide(tx, &device, &body, now, &app.keys)).await?;
    Ok(Json(decided?))
}
