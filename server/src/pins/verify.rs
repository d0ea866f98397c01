//! "Access": the code and the PIN checked against their keyed hashes, a wrong try
//! counted against the request and the citizen.

use clavepin_protocol::wire::{AccessGranted, VerifyPin};
use clavepin_protocol::{Pin, PinCode, Timestamp};

use super::request::{load_request, refuse_unless_live};
use super::throttle::{self, check_not_throttled};
use super::{CODE_PURPOSE, PIN_PURPOSE};
use crate::activity;
use crate::db::pins::PinBlock;
use crate::error::{PinError, PinResult};
use crate::keys::ServiceKeys;
use crate::registry;
use crate::store::Store;
use crate::time::millis;

/// "Access": checks code and PIN. A wrong try is counted even though the request is
/// refused, hence the nested result.
pub fn verify(
    tx: &dyn Store,
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
    if code_ok && pin_ok {
        tx.mark_used(request_id, &request.document, millis(now))?;
        let channel = activity::pin_channel(&request.channel);
        let sign_in = activity::Event::SignIn { site: request.site.clone(), channel };
        activity::record(tx, &request.document, now, &sign_in)?;
        let full_name = registry::census_record(tx, &request.document)?
            .map(|r| r.full_name)
            .unwrap_or_default();
        tracing::info!(document = %request.document.masked(), "PIN accepted");
        return Ok(Ok(AccessGranted { document: request.document, full_name }));
    }
    let tries = request.tries + 1;
    let dead = tries >= throttle::TRIES_PER_REQUEST;
    let failures = tx.record_wrong_try(request_id, tries, dead, &request.document)?;
    let block = PinBlock {
        blocked_until: millis(now + throttle::wait_after(failures)),
        locked: failures >= throttle::LOCK_AT,
    };
    tx.set_pin_block(&request.document, block)?;
    tracing::info!(document = %request.document.masked(), failures, "wrong PIN");
    Ok(Err(if dead {
        PinError::PinRequestDead
    } else {
        PinError::WrongPin { tries_left: (throttle::TRIES_PER_REQUEST - tries) as u32 }
    }))
}
