//! PIN requests (SPEC.md flows 3–5): "Obtain PIN" with its channel, the SMS fallback,
//! "Request again", verification with throttling, and delivery to the device.

pub mod events;
pub mod push;
pub mod throttle;

use chrono::TimeDelta;
use clavepin_protocol::crypto::{PinEnvelope, SealedPin, SealingContext, SealingKey};
use clavepin_protocol::wire::{
    AccessGranted, ObtainPin, PendingPin, PinChannel, PinRequestCreated, PinSmsSent, PinState,
    PinStateEntry, PushPlatform, VerifyPin,
};
use clavepin_protocol::{DocumentNumber, IdentityClaim, Pin, PinCode, Timestamp};
use ring::rand::SecureRandom;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::activation::sealing_key_aad;
use crate::error::{ServiceError, ServiceResult};
use crate::ids::random_id;
use crate::keys::ServiceKeys;
use crate::registry::{self, MobileNumber};
use crate::sms::SmsGateway;
use crate::time::{from_millis, millis, retry_after_secs};
use push::{PushGateway, PushTarget};

/// A PIN lives 10 minutes from issue (SPEC.md's table; seed 002).
pub const PIN_LIFE: TimeDelta = TimeDelta::minutes(10);

/// "Request SMS to be sent to your mobile": once per app request.
const SMS_PER_APP_REQUEST: i64 = 1;

const CODE_PURPOSE: &str = "pin-code";
const PIN_PURPOSE: &str = "pin";

/// What issuing needs besides the transaction.
#[derive(Clone, Copy)]
pub struct Issuer<'a> {
    pub now: Timestamp,
    pub rng: &'a dyn SecureRandom,
    pub keys: &'a ServiceKeys,
    pub sms: &'a dyn SmsGateway,
    pub push: &'a dyn PushGateway,
}

/// A new request, and the PIN to announce on the direct channel once committed.
#[derive(Debug)]
pub struct Issued {
    pub created: PinRequestCreated,
    pub pending: Option<PendingPin>,
}

struct ActiveDevice {
    id: String,
    sealing_key: Vec<u8>,
    push: Option<PushTarget>,
}

fn active_device(
    conn: &Connection,
    document: &DocumentNumber,
) -> ServiceResult<Option<ActiveDevice>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, sealing_key, push_platform, push_token FROM devices
             WHERE document = ?1 AND state = 'active'",
        )?
        .query_row([document.as_str()], |r| {
            let platform = match r.get::<_, Option<String>>(2)?.as_deref() {
                Some("fcm") => Some(PushPlatform::Fcm),
                Some("apns") => Some(PushPlatform::Apns),
                _ => None,
            };
            let token: Option<String> = r.get(3)?;
            let push = platform.zip(token).map(|(platform, token)| PushTarget { platform, token });
            Ok(ActiveDevice { id: r.get(0)?, sealing_key: r.get(1)?, push })
        })
        .optional()?)
}

/// Whether the citizen has an activated app that a PIN could be pushed to: the
/// portal then offers the choice of app or SMS (seed 001).
pub fn app_available(conn: &Connection, document: &DocumentNumber) -> ServiceResult<bool> {
    Ok(active_device(conn, document)?.is_some())
}

fn sealing_key(keys: &ServiceKeys, device_id: &str, stored: &[u8]) -> ServiceResult<SealingKey> {
    let raw = keys.decrypt(&sealing_key_aad(device_id), stored)?;
    SealingKey::from_bytes(&raw).map_err(|_| ServiceError::Internal("stored sealing key"))
}

/// Refuses while the citizen waits after wrong PINs, or is stopped at 100.
fn check_not_throttled(
    conn: &Connection,
    document: &DocumentNumber,
    now: Timestamp,
) -> ServiceResult<()> {
    let (blocked_until, locked): (i64, i64) = conn
        .prepare_cached("SELECT pin_blocked_until, pin_locked FROM citizens WHERE document = ?1")?
        .query_row([document.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if locked != 0 {
        return Err(ServiceError::PinsLocked);
    }
    let wait_ms = blocked_until - millis(now);
    if wait_ms > 0 {
        return Err(ServiceError::Throttled { retry_after_secs: (wait_ms + 999) / 1000 });
    }
    Ok(())
}

/// "Obtain PIN".
pub fn obtain(tx: &Transaction<'_>, req: &ObtainPin, issuer: Issuer<'_>) -> ServiceResult<Issued> {
    let claim = IdentityClaim::new(req.document, req.contrast)
        .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
    let citizen = registry::registered_citizen(tx, &claim)?;
    let code = match &req.code {
        Some(text) => PinCode::parse(text).map_err(|e| ServiceError::BadRequest(e.to_string()))?,
        None => PinCode::random(issuer.rng).map_err(|_| ServiceError::Internal("randomness"))?,
    };
    issue(tx, &claim.document(), &citizen.mobile, code, req.channel, issuer)
}

fn issue(
    tx: &Transaction<'_>,
    document: &DocumentNumber,
    mobile: &MobileNumber,
    code: PinCode,
    choice: Option<PinChannel>,
    issuer: Issuer<'_>,
) -> ServiceResult<Issued> {
    let now = issuer.now;
    check_not_throttled(tx, document, now)?;
    let window_start = millis(now - throttle::PUSH_CAP_WINDOW);
    let (recent, oldest): (i64, Option<i64>) = tx.prepare_cached("SELECT count(*), min(issued_at) FROM pin_requests WHERE document = ?1 AND issued_at > ?2")?.query_row(params![document.as_str(), window_start],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if recent >= throttle::PUSH_CAP {
        return Err(ServiceError::TooManyPins {
            retry_after_secs: retry_after_secs(oldest, throttle::PUSH_CAP_WINDOW, now),
        });
    }
    let device = active_device(tx, document)?;
    let channel = match (choice, &device) {
        (Some(PinChannel::App), None) => return Err(ServiceError::AppNotActivated),
        (Some(channel), _) => channel,
        (None, Some(_)) => PinChannel::App,
        (None, None) => PinChannel::Sms,
    };
    tx.prepare_cached(
        "UPDATE pin_requests SET state = 'superseded' WHERE document = ?1 AND state = 'live'",
    )?
    .execute([document.as_str()])?;

    let request_id = random_id(issuer.rng)?;
    let pin = Pin::random(issuer.rng).map_err(|_| ServiceError::Internal("randomness"))?;
    let expires_at = from_millis(millis(now + PIN_LIFE));
    let mut pending = None;
    let mut sms_sent = 0;
    match (channel, &device) {
        (PinChannel::App, Some(device)) => {
            let key = sealing_key(issuer.keys, &device.id, &device.sealing_key)?;
            let context = SealingContext {
                device_id: &device.id,
                document,
                request_id: &request_id,
                expires_at,
            };
            let sealed = key
                .seal(&context, &PinEnvelope { code, pin: pin.clone() }, issuer.rng)
                .map_err(|_| ServiceError::Internal("sealing"))?;
            pending = Some(PendingPin {
                request_id: request_id.clone(),
                device_id: device.id.clone(),
                sealed: sealed.to_b64(),
                issued_at: from_millis(millis(now)),
                expires_at,
            });
        }
        _ => {
            issuer.sms.send(tx, mobile, &pin_sms(&code, &pin), now)?;
            sms_sent = 1;
        }
    }
    tx.prepare_cached(
        "INSERT INTO pin_requests (id, document, code_hash, pin_hash, channel, device_id, sealed,
                                   issued_at, expires_at, state, sms_sent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'live', ?10)",
    )?
    .execute(params![
        request_id,
        document.as_str(),
        issuer.keys.keyed_hash(CODE_PURPOSE, &request_id, code.as_str()),
        issuer.keys.keyed_hash(PIN_PURPOSE, &request_id, pin.expose()),
        channel_text(channel),
        pending.as_ref().map(|p| p.device_id.clone()),
        pending.as_ref().map(|p| p.sealed.clone()),
        millis(now),
        millis(expires_at),
        sms_sent,
    ])?;
    if let (Some(pin), Some(device)) = (&pending, &device)
        && let Some(target) = &device.push
    {
        issuer.push.push(tx, &device.id, target, &push::payload_for(target, pin, now), now)?;
    }
    tracing::info!(document = %document.masked(), channel = channel_text(channel), "PIN issued");
    Ok(Issued {
        created: PinRequestCreated {
            request_id,
            code: code.to_string(),
            channel,
            expires_at,
            phone_hint: mobile.hint(),
            app_available: device.is_some(),
        },
        pending,
    })
}

fn channel_text(channel: PinChannel) -> &'static str {
    match channel {
        PinChannel::App => "app",
        PinChannel::Sms => "sms",
    }
}

fn pin_sms(code: &PinCode, pin: &Pin) -> String {
    format!(
        "Cl@ve PIN: código {code}, PIN {} (válido 10 minutos, un solo uso). No lo comparta. \
         / Code {code}, PIN {}.",
        pin.expose(),
        pin.expose()
    )
}

struct RequestRow {
    document: DocumentNumber,
    code_hash: Vec<u8>,
    pin_hash: Vec<u8>,
    channel: String,
    device_id: Option<String>,
    sealed: Option<String>,
    expires_at: i64,
    state: String,
    tries: i64,
    sms_sent: i64,
}

fn load_request(conn: &Connection, id: &str) -> ServiceResult<RequestRow> {
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
        return Err(ServiceError::UnknownPinRequest);
    };
    Ok(RequestRow {
        document: DocumentNumber::parse(&document)
            .map_err(|_| ServiceError::Internal("corrupt PIN request"))?,
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
fn effective_state(state: &str, expires_at: i64, now: Timestamp) -> PinState {
    match state {
        "used" => PinState::Used,
        "superseded" => PinState::Superseded,
        "dead" => PinState::Dead,
        _ if millis(now) >= expires_at => PinState::Expired,
        _ => PinState::Live,
    }
}

fn refuse_unless_live(request: &RequestRow, now: Timestamp) -> ServiceResult<()> {
    match effective_state(&request.state, request.expires_at, now) {
        PinState::Live => Ok(()),
        PinState::Used => Err(ServiceError::PinUsed),
        PinState::Expired => Err(ServiceError::PinExpired),
        PinState::Superseded => Err(ServiceError::PinSuperseded),
        PinState::Dead => Err(ServiceError::PinRequestDead),
    }
}

/// "Request SMS to be sent to your mobile": the app's PIN, by SMS too. The service
/// opens its own sealed copy; it keeps no other.
pub fn send_by_sms(
    tx: &Transaction<'_>,
    request_id: &str,
    issuer: Issuer<'_>,
) -> ServiceResult<PinSmsSent> {
    let request = load_request(tx, request_id)?;
    refuse_unless_live(&request, issuer.now)?;
    let (Some(device_id), Some(sealed), "app") =
        (&request.device_id, &request.sealed, request.channel.as_str())
    else {
        return Err(ServiceError::SmsLimit);
    };
    if request.sms_sent >= SMS_PER_APP_REQUEST {
        return Err(ServiceError::SmsLimit);
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
    let sealed =
        SealedPin::from_b64(sealed).map_err(|_| ServiceError::Internal("stored sealed PIN"))?;
    let envelope =
        key.open(&context, &sealed).map_err(|_| ServiceError::Internal("stored sealed PIN"))?;
    let citizen = registry::citizen(tx, &request.document)?.ok_or(ServiceError::NotRegistered)?;
    issuer.sms.send(tx, &citizen.mobile, &pin_sms(&envelope.code, &envelope.pin), issuer.now)?;
    tx.prepare_cached("UPDATE pin_requests SET sms_sent = sms_sent + 1 WHERE id = ?1")?
        .execute([request_id])?;
    Ok(PinSmsSent { phone_hint: citizen.mobile.hint() })
}

/// "Request again": a fresh PIN with the same code, replacing the request. The code
/// proves the caller holds the form the first request gave.
pub fn request_again(
    tx: &Transaction<'_>,
    request_id: &str,
    code: &str,
    issuer: Issuer<'_>,
) -> ServiceResult<Issued> {
    let request = load_request(tx, request_id)?;
    let code = PinCode::parse(code).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
    if !issuer.keys.keyed_hash_matches(CODE_PURPOSE, request_id, code.as_str(), &request.code_hash)
    {
        return Err(ServiceError::UnknownPinRequest);
    }
    if request.state == "used" {
        return Err(ServiceError::PinUsed);
    }
    let citizen = registry::citizen(tx, &request.document)?.ok_or(ServiceError::NotRegistered)?;
    let channel = if request.channel == "app" { PinChannel::App } else { PinChannel::Sms };
    issue(tx, &request.document, &citizen.mobile, code, Some(channel), issuer)
}

/// "Access": checks code and PIN. A wrong try is counted even though the request is
/// refused, hence the nested result.
pub fn verify(
    tx: &Transaction<'_>,
    request_id: &str,
    req: &VerifyPin,
    now: Timestamp,
    keys: &ServiceKeys,
) -> ServiceResult<ServiceResult<AccessGranted>> {
    let pin = Pin::parse(&req.pin).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
    let code = PinCode::parse(&req.code).map_err(|e| ServiceError::BadRequest(e.to_string()))?;
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
        ServiceError::PinRequestDead
    } else {
        ServiceError::WrongPin { tries_left: (throttle::TRIES_PER_REQUEST - tries) as u32 }
    }))
}

/// Clears a citizen's PIN failures (operator unlock, or a new activation).
pub fn clear_failures(tx: &Transaction<'_>, document: &DocumentNumber) -> ServiceResult<bool> {
    let n = tx.prepare_cached("UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, pin_locked = 0 WHERE document = ?1")?.execute([document.as_str()],
    )?;
    Ok(n > 0)
}

/// Live PINs sealed for a device that it has not acknowledged.
pub fn pending_for(
    conn: &Connection,
    device_id: &str,
    now: Timestamp,
) -> ServiceResult<Vec<PendingPin>> {
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
) -> ServiceResult<()> {
    let known: Option<Option<i64>> = tx
        .query_row(
            "SELECT delivered_at FROM pin_requests WHERE id = ?1 AND device_id = ?2",
            params![request_id, device_id],
            |r| r.get(0),
        )
        .optional()?;
    match known {
        None => Err(ServiceError::UnknownPinRequest),
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
) -> ServiceResult<Vec<PinStateEntry>> {
    if ids.len() > MAX_STATE_QUERY {
        return Err(ServiceError::BadRequest(format!("at most {MAX_STATE_QUERY} request ids")));
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

/// Forgets requests a day past expiry (the device keeps its own history).
pub fn prune(tx: &Transaction<'_>, now: Timestamp) -> ServiceResult<usize> {
    let horizon = millis(now - TimeDelta::days(1));
    Ok(tx.prepare_cached("DELETE FROM pin_requests WHERE expires_at < ?1")?.execute([horizon])?)
}
