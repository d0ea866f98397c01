//! Getting a PIN to the citizen after it was issued: the device's pull and
//! acknowledgement, the states it asks for, and "Request SMS to be sent to your
//! mobile", which opens the service's own sealed copy.

use clavepin_protocol::Timestamp;
use clavepin_protocol::crypto::{SealedPin, SealingContext};
use clavepin_protocol::wire::{PendingPin, PinSmsSent, PinStateEntry};

use super::issue::Issuer;
use super::request::{effective_state, load_request, refuse_unless_live};
use super::sms_text::pin_sms;
use crate::db::StoreResult;
use crate::db::pins::PinStore;
use crate::delivery::outbox::QueuedSms;
use crate::delivery::worker::DeadToken;
use crate::devices::sealing_key;
use crate::error::{Fault, PinError, PinResult, RegistryError};
use crate::keys::ServiceKeys;
use crate::registry;
use crate::store::Store;
use crate::time::{from_millis, millis};

/// "Request SMS to be sent to your mobile": once per app request.
const SMS_PER_APP_REQUEST: i64 = 1;

/// "Request SMS to be sent to your mobile": the app's PIN, by SMS too. The service
/// opens its own sealed copy; it keeps no other.
pub fn send_by_sms(tx: &dyn Store, request_id: &str, issuer: Issuer<'_>) -> PinResult<PinSmsSent> {
    let request = load_request(tx, request_id)?;
    refuse_unless_live(&request, issuer.now)?;
    let (Some(device_id), Some(sealed), "app") =
        (&request.device_id, &request.sealed, request.channel.as_str())
    else {
        return Err(PinError::SmsLimit);
    };
    if request.sms_sent >= SMS_PER_APP_REQUEST {
        return Err(PinError::SmsLimit);
    }
    let key = sealing_key(issuer.keys, device_id, &tx.device_sealing_key(device_id)?)?;
    let context = SealingContext {
        device_id,
        document: &request.document,
        request_id,
        expires_at: from_millis(request.expires_at),
    };
    let sealed = SealedPin::from_b64(sealed).map_err(|_| Fault("stored sealed PIN"))?;
    let envelope = key.open(&context, &sealed).map_err(|_| Fault("stored sealed PIN"))?;
    let citizen = registry::citizen(tx, &request.document)?.ok_or(RegistryError::NotRegistered)?;
    let text = pin_sms(&envelope.code, &envelope.pin);
    let sms = QueuedSms::sealed(issuer.keys, issuer.rng, citizen.mobile.clone(), &text)?;
    tx.queue_sms(&sms, issuer.now)?;
    tx.count_sms_sent(request_id)?;
    Ok(PinSmsSent { phone_hint: citizen.mobile.hint() })
}

/// A push came back with its token dead (the app removed, the token replaced): the
/// token is forgotten, so no later PIN is pushed to it, and this PIN goes by SMS,
/// so the citizen still gets it. Whether an SMS was queued (not if the PIN is no
/// longer live, or was sent by SMS already).
pub fn fall_back_from_dead_push(
    tx: &dyn Store,
    dead: &DeadToken,
    keys: &ServiceKeys,
    now: Timestamp,
) -> StoreResult<bool> {
    tx.clear_push_token(&dead.device_id, &dead.token)?;
    let Some(request_id) = &dead.request_id else { return Ok(false) };
    let rng = ring::rand::SystemRandom::new();
    match send_by_sms(tx, request_id, Issuer { now, rng: &rng, keys, site: None }) {
        Ok(_) => Ok(true),
        Err(PinError::Store(e)) => Err(e),
        // Used, expired, replaced, already sent by SMS: nothing left to deliver.
        Err(e) => {
            tracing::info!(error = %e, "a dead push token: no SMS needed");
            Ok(false)
        }
    }
}

/// Live PINs sealed for a device that it has not acknowledged.
pub fn pending_for(
    store: &dyn PinStore,
    device_id: &str,
    now: Timestamp,
) -> PinResult<Vec<PendingPin>> {
    Ok(store.pending_for_device(device_id, millis(now))?)
}

/// The device has stored the PIN. Idempotent.
pub fn acknowledge(
    store: &dyn PinStore,
    device_id: &str,
    request_id: &str,
    now: Timestamp,
) -> PinResult<()> {
    match store.delivered_at(request_id, device_id)? {
        None => Err(PinError::UnknownPinRequest),
        Some(Some(_)) => Ok(()),
        Some(None) => Ok(store.mark_delivered(request_id, millis(now))?),
    }
}

/// Most ids one states query may name.
pub const MAX_STATE_QUERY: usize = 100;

/// The states of this device's requests among `ids`.
pub fn states(
    store: &dyn PinStore,
    device_id: &str,
    ids: &[String],
    now: Timestamp,
) -> PinResult<Vec<PinStateEntry>> {
    if ids.len() > MAX_STATE_QUERY {
        return Err(PinError::Invalid(format!("at most {MAX_STATE_QUERY} request ids")));
    }
    let mut out = Vec::new();
    for id in ids {
        if let Some((state, expires_at)) = store.request_state(id, device_id)? {
            out.push(PinStateEntry {
                request_id: id.clone(),
                state: effective_state(&state, expires_at, now),
            });
        }
    }
    Ok(out)
}
