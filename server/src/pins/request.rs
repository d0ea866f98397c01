//! A stored PIN request as the rules see it: its row, its state with expiry applied,
//! and how long requests are kept.

use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::PinState;

use crate::db::StoreResult;
use crate::db::pins::PinStore;
pub(super) use crate::db::pins::RequestRow;
use crate::error::{PinError, PinResult};
use crate::time::millis;

/// The request, or `UnknownPinRequest`.
pub(super) fn load_request(store: &dyn PinStore, id: &str) -> PinResult<RequestRow> {
    store.request(id)?.ok_or(PinError::UnknownPinRequest)
}

/// The state a device sees, with expiry applied.
pub(super) fn effective_state(state: &str, expires_at: i64, now: Timestamp) -> PinState {
    match state {
        "used" => PinState::Used,
        "superseded" => PinState::Superseded,
        "dead" => PinState::Dead,
        _ if millis(now) >= expires_at => PinState::Expired,
        _ => PinState::Live,
    }
}

pub(super) fn refuse_unless_live(request: &RequestRow, now: Timestamp) -> PinResult<()> {
    match effective_state(&request.state, request.expires_at, now) {
        PinState::Live => Ok(()),
        PinState::Used => Err(PinError::PinUsed),
        PinState::Expired => Err(PinError::PinExpired),
        PinState::Superseded => Err(PinError::PinSuperseded),
        PinState::Dead => Err(PinError::PinRequestDead),
    }
}

/// Forgets requests a day past expiry (the device keeps its own history).
pub fn prune(store: &dyn PinStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_requests(millis(now - TimeDelta::days(1)))
}
