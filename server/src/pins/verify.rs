//! "Access": the code and the PIN checked against their keyed hashes, a wrong try
//! counted against the request and the citizen.

use clavepin_protocol::wire::{AccessGranted, VerifyPin};
use clavepin_protocol::{Pin, PinCode, Timestamp};
use rusqlite::{Transaction, params};

use super::request::{load_request, refuse_unless_live};
use super::throttle::{self, check_not_throttled};
use super::{CODE_PURPOSE, PIN_PURPOSE};
use crate::error::{PinError, PinResult};
use crate::keys::ServiceKeys;
use crate::registry;
use crate::time::millis;

/// "Access": checks code and PIN. A wrong try is counted even though the request is
/// refused, hence the nested result.
pub fn verify(
    tx: &Transaction<'_>,
    request_id: &str,
    req: &VerifyPin,
    now: Timestamp,
    keys: &ServiceKeys,
) -> PinResult<PinResult<AccessGranted>> {
    let pin = Pin::parse(&req.pin).map_err(|e| PinError::Invalid(e.to_string()))?;
    let code = PinCode::parse(&req.code).map_err(|e| PinError::Invalid(e.to_string()))?;
    let request = load_request(tx, request_id)?;
    check_not_throttled(tx, &request.document, now)?;
    refuse_unless_live(&request, now)?;
    // Both checks always run, so timing does not tell which one failed.
    let code_ok =
        keys.keyed_hash_matches(CODE_PURPOSE, request_id, code.as_str(), &request.code_hash);
    let pin_ok = keys.keyed_hash_matches(PIN_PURPOSE, request_id, pin.expose(), &request.pin_hash);
    let document = request.document.as_str();
    if code_ok && pin_ok {
        tx.prepare_cached("UPDATE pin_requests SET state = 'used' WHERE id = ?1")?
            .execute([request_id])?;
        tx.prepare_cached(
            "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0 WHERE document = ?1",
        )?
        .execute([document])?;
        let full_name = registry::census_record(tx, &request.document)?
            .map(|r| r.full_name)
            .unwrap_or_default();
        tracing::info!(document = %request.document.masked(), "PIN accepted");
        return Ok(Ok(AccessGranted { document: request.document, full_name }));
    }
    let tries = request.tries + 1;
    let dead = tries >= throttle::TRIES_PER_REQUEST;
    tx.prepare_cached("UPDATE pin_requests SET tries = ?2, state = CASE WHEN ?3 THEN 'dead' ELSE state END WHERE id = ?1")?.execute(params![request_id, tries, dead],
    )?;
    let failures: i64 = tx.prepare_cached("UPDATE citizens SET pin_failures = pin_failures + 1 WHERE document = ?1 RETURNING pin_failures")?.query_row([document],
        |r| r.get(0),
    )?;
    let blocked_until = millis(now + throttle::wait_after(failures));
    tx.prepare_cached(
        "UPDATE citizens SET pin_blocked_until = ?2, pin_locked = ?3 WHERE document = ?1",
    )?
    .execute(params![document, blocked_until, failures >= throttle::LOCK_AT])?;
    tracing::info!(document = %request.document.masked(), failures, "wrong PIN");
    Ok(Err(if dead {
        PinError::PinRequestDead
    } else {
        PinError::WrongPin { tries_left: (throttle::TRIES_PER_REQUEST - tries) as u32 }
    }))
}
