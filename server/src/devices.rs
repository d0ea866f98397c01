//! Bound devices and the authentication of their signed requests.

use chrono::TimeDelta;
use clavepin_protocol::crypto::{DevicePublicKey, SignedRequest};
use clavepin_protocol::wire::{DeviceState, DeviceStatus, MAX_REQUEST_AGE, RegisterPushToken};
use clavepin_protocol::{DocumentNumber, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

use clavepin_protocol::crypto::SealingKey;

use crate::db::StoreResult;
use crate::error::{DeviceError, DeviceResult, Fault};
use crate::keys::ServiceKeys;
use crate::time::{from_millis, millis};

/// A device as the service knows it.
#[derive(Debug, Clone)]
pub struct Device {
    /// Its id.
    pub id: String,
    /// The citizen it is bound to.
    pub document: DocumentNumber,
    /// Its signing key.
    pub public_key: DevicePublicKey,
    /// Active, replaced or removed.
    pub state: DeviceState,
    /// When it was activated.
    pub activated_at: Timestamp,
}

impl Device {
    /// Its status on the wire.
    pub fn status(&self) -> DeviceStatus {
        DeviceStatus {
            device_id: self.id.clone(),
            document: self.document,
            state: self.state,
            activated_at: self.activated_at,
        }
    }
}

/// Loads a device by id.
pub fn load(conn: &Connection, id: &str) -> DeviceResult<Option<Device>> {
    let row: Option<(String, Vec<u8>, String, i64)> = conn
        .prepare_cached(
            "SELECT document, public_key, state, activated_at FROM devices WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((document, key, state, activated_at)) = row else {
        return Ok(None);
    };
    let corrupt = || Fault("corrupt device row");
    Ok(Some(Device {
        id: id.to_owned(),
        document: DocumentNumber::parse(&document).map_err(|_| corrupt())?,
        public_key: DevicePublicKey::from_bytes(&key).map_err(|_| corrupt())?,
        state: match state.as_str() {
            "active" => DeviceState::Active,
            "replaced" => DeviceState::Replaced,
            "removed" => DeviceState::Removed,
            _ => return Err(corrupt().into()),
        },
        activated_at: from_millis(activated_at),
    }))
}

/// Whether a request signed at `timestamp_ms` is fresh at `now` (both directions: a
/// device clock running ahead is as suspect as a replay from the past).
pub fn is_fresh(timestamp_ms: i64, now: Timestamp) -> bool {
    millis(now).abs_diff(timestamp_ms) <= MAX_REQUEST_AGE.num_milliseconds().unsigned_abs()
}

/// Remembers a request's nonce; a nonce seen before is a replay.
pub fn record_nonce(tx: &Connection, request: &SignedRequest) -> DeviceResult<()> {
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO nonces (device_id, nonce, signed_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![request.device_id, request.nonce, request.timestamp_ms])?;
    if inserted == 0 {
        return Err(DeviceError::ReplayedRequest);
    }
    Ok(())
}

/// Forgets nonces whose requests are too old to pass the freshness check again. Kept
/// by the request's own timestamp, so a device clock running ahead cannot open a
/// window for a replay.
pub fn prune_nonces(tx: &Connection, now: Timestamp) -> StoreResult<usize> {
    let horizon = now - MAX_REQUEST_AGE - TimeDelta::minutes(1);
    Ok(tx.prepare_cached("DELETE FROM nonces WHERE signed_at < ?1")?.execute([millis(horizon)])?)
}

/// The citizen removes this device: it stops receiving PINs.
pub fn remove(tx: &Connection, id: &str, now: Timestamp) -> DeviceResult<()> {
    tx.prepare_cached(
        "UPDATE devices SET state = 'removed', ended_at = ?2 WHERE id = ?1 AND state = 'active'",
    )?
    .execute(params![id, millis(now)])?;
    Ok(())
}

/// Longest push token accepted (FCM's are ~160 bytes, APNs' 64 hex digits; the limit
/// leaves room for both to grow).
const MAX_PUSH_TOKEN: usize = 4096;

/// Registers or refreshes where pushes for this device go.
pub fn set_push_token(tx: &Connection, id: &str, req: &RegisterPushToken) -> DeviceResult<()> {
    let token = req.token.as_str();
    if token.is_empty()
        || token.len() > MAX_PUSH_TOKEN
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(DeviceError::Invalid(
            "the push token is empty, too long or not printable".into(),
        ));
    }
    let platform = req.platform.as_str();
    let updated = tx.prepare_cached("UPDATE devices SET push_platform = ?2, push_token = ?3 WHERE id = ?1 AND state = 'active'")?.execute(params![id, platform, token],
    )?;
    // Replaced between authentication and this write: say so, as the next request would.
    if updated == 0 {
        return Err(DeviceError::DeviceReplaced);
    }
    Ok(())
}

/// The associated data that binds a stored sealing key to its device row.
pub fn sealing_key_aad(device_id: &str) -> String {
    format!("device-sealing-key:{device_id}")
}

/// The device's PIN sealing key, stored encrypted under the service's storage key.
pub fn sealing_key(
    keys: &ServiceKeys,
    device_id: &str,
    stored: &[u8],
) -> Result<SealingKey, Fault> {
    let raw = keys.decrypt(&sealing_key_aad(device_id), stored)?;
    SealingKey::from_bytes(&raw).map_err(|_| Fault("stored sealing key"))
}
