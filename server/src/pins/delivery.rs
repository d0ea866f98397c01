//! Getting a PIN to the citizen after it was issued: the device's pull and
//! acknowledgement, the states it asks for, and "Request SMS to be sent to your
//! mobile", which opens the service's own sealed copy.

use clavepin_protocol::Timestamp;
use clavepin_protocol::crypto::{SealedPin, SealingContext};
use clavepin_protocol::wire::{PendingPin, PinSmsSent, PinStateEntry};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::issue::Issuer;
use super::request::{effective_state, load_request, refuse_unless_live};
use super::sms_text::pin_sms;
use crate::delivery::gateways::SmsMessage;
use crate::delivery::outbox;
use crate::devices::sealing_key;
use crate::error::{Fault, PinError, PinResult, RegistryError};
use crate::registry;
use crate::time::{from_millis, millis};

/// "Request SMS to be sent to your mobile": once per app request.
const SMS_PER_APP_REQUEST: i64 = 1;

/// "Request SMS to be sent to your mobile": the app's PIN, by SMS too. The service
/// opens its own sealed copy; it keeps no other.
pub fn send_by_sms(
    tx: &Transaction<'_>,
    request_id: &str,
    issuer: Issuer<'_>,
) -> PinResult<PinSmsSent> {
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
    let stored: Vec<u8> = tx
        .prepare_cached("SELECT sealing_key FROM devices WHERE id = ?1")?
        .query_row([device_id], |r| r.get(0))?;
    let key = sealing_key(issuer.keys, device_id, &stored)?;
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
    outbox::queue_sms(tx, &SmsMessage { to: citizen.mobile.clone(), text }, issuer.now)?;
    tx.prepare_cached("UPDATE pin_requests SET sms_sent = sms_sent + 1 WHERE id = ?1")?
        .execute([request_id])?;
    Ok(PinSmsSent { phone_hint: citizen.mobile.hint() })
}

/// Live PINs sealed for a device that it has not acknowledged.
pub fn pending_for(
    conn: &Connection,
    device_id: &str,
    now: Timestamp,
) -> PinResult<Vec<PendingPin>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sealed, issued_at, expires_at FROM pin_requests
         WHERE device_id = ?1 AND state = 'live' AND delivered_at IS NULL AND expires_at > ?2
               AND sealed IS NOT NULL
         ORDER BY issued_at",
    )?;
    let rows = stmt.query_map(params![device_id, millis(now)], |r| {
        Ok(PendingPin {
            request_id: r.get(0)?,
            device_id: device_id.to_owned(),
            sealed: r.get(1)?,
            issued_at: from_millis(r.get(2)?),
            expires_at: from_millis(r.get(3)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The device has stored the PIN. Idempotent.
pub fn acknowledge(
    tx: &Transaction<'_>,
    device_id: &str,
    request_id: &str,
    now: Timestamp,
) -> PinResult<()> {
    let known: Option<Option<i64>> = tx
        .query_row(
            "SELECT delivered_at FROM pin_requests WHERE id = ?1 AND device_id = ?2",
            params![request_id, device_id],
            |r| r.get(0),
        )
        .optional()?;
    match known {
        None => Err(PinError::UnknownPinRequest),
        Some(Some(_)) => Ok(()),
        Some(None) => {
            tx.prepare_cached("UPDATE pin_requests SET delivered_at = ?2 WHERE id = ?1")?
                .execute(params![request_id, millis(now)])?;
            Ok(())
        }
    }
}

/// Most ids one states query may name.
pub const MAX_STATE_QUERY: usize = 100;

/// The states of this device's requests among `ids`.
pub fn states(
    conn: &Connection,
    device_id: &str,
    ids: &[String],
    now: Timestamp,
) -> PinResult<Vec<PinStateEntry>> {
    if ids.len() > MAX_STATE_QUERY {
        return Err(PinError::Invalid(format!("at most {MAX_STATE_QUERY} request ids")));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT state, expires_at FROM pin_requests WHERE id = ?1 AND device_id = ?2",
    )?;
    let mut out = Vec::new();
    for id in ids {
        let row: Option<(String, i64)> =
            stmt.query_row(params![id, device_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        if let Some((state, expires_at)) = row {
            out.push(PinStateEntry {
                request_id: id.clone(),
                state: effective_state(&state, expires_at, now),
            });
        }
    }
    Ok(out)
}
