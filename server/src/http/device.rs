//! Endpoints for activated devices; every request is signed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clavepin_protocol::wire::{DeviceStatus, RegisterPushToken};

use super::extract::Signed;
use crate::devices;
use crate::error::ServiceResult;
use crate::state::AppState;

/// `GET /device/status`: an active device learns it is still bound (a replaced or
/// removed one gets 410 with `device_replaced` / `device_removed` instead).
pub async fn status(signed: Signed<()>) -> Json<DeviceStatus> {
    Json(signed.device.status())
}

/// `DELETE /device`: the citizen removes this device.
pub async fn remove(
    State(state): State<AppState>,
    signed: Signed<()>,
) -> ServiceResult<StatusCode> {
    let now = state.now();
    let id = signed.device.id;
    state.db.write(move |tx| devices::remove(tx, &id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /device/push-token`: register or refresh the push token.
pub async fn set_push_token(
    State(state): State<AppState>,
    signed: Signed<RegisterPushToken>,
) -> ServiceResult<StatusCode> {
    let Signed { device, body } = signed;
    state.db.write(move |tx| devices::set_push_token(tx, &device.id, &body)).await?;
    Ok(StatusCode::NO_CONTENT)
}
