//! A stored PIN request as the rules see it: its row, its state with expiry applied,
//! and how long requests are kept.

use chrono::TimeDelta;
use clavepin_protocol::DocumentNumber;
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::PinState;
use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::db::StoreResult;
use crate::error::{Fault, PinError, PinResult};
use crate::time::millis;

pub(super) struct RequestRow {
    pub(super) document: DocumentNumber,
    pub(super) code_hash: Vec<u8>,
    pub(super) pin_hash: Vec<u8>,
    pub(super) channel: String,
    pub(super) device_id: Option<String>,
    pub(super) sealed: Option<String>,
    pub(super) expires_at: i64,
    pub(super) state: String,
    pub(super) tries: i64,
    pub(super) sms_sent: i64,
}

pub(super) fn load_request(conn: &Connection, id: &str) -> PinResult<RequestRow> {
    let row = conn
        .prepare_cached(
            "SELECT document, code_hash, pin_hash, channel, device_id, sealed, expires_at, state, tries, sms_sent
             FROM pin_requests WHERE id = ?1",
        )?
        .query_row([id], |r| {
            let document: String = r.get(0)?;
            Ok((
                document,
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
                (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
            ))
        })
        .optional()?;
    let Some((
        document,
        (code_hash, pin_hash, channel, device_id, sealed),
        (expires_at, state, tries, sms_sent),
    )) = row
    else {
        return Err(PinError::UnknownPinRequest);
    };
    Ok(RequestRow {
        document: DocumentNumber::parse(&document).map_err(|_| Fault("corrupt PIN request"))?,
        code_hash,
        pin_hash,
        channel,
        device_id,
        sealed,
        expires_at,
        state,
        tries,
        sms_sent,
    })
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
pub fn prune(tx: &Transaction<'_>, now: Timestamp) -> StoreResult<usize> {
    let horizon = millis(now - TimeDelta::days(1));
    Ok(tx.prepare_cached("DELETE FROM pin_requests WHERE expires_at < ?1")?.execute([horizon])?)
}
