//! Bound devices and the authentication of their signed requests.

use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::crypto::{SealingKey, SignedRequest};
use clavepin_protocol::wire::{DeviceState, MAX_REQUEST_AGE, RegisterPushToken};

use crate::activity::{self, Event};
use crate::db::StoreResult;
use crate::db::devices::DeviceStore;
use crate::error::{DeviceError, DeviceResult, Fault};
use crate::keys::ServiceKeys;
use crate::store::Store;
use crate::time::millis;

pub use crate::db::devices::Device;

/// Loads a device by id.
pub fn load(store: &dyn DeviceStore, id: &str) -> DeviceResult<Option<Device>> {
    Ok(store.device(id)?)
}

/// Whether a request signed at `timestamp_ms` is fresh at `now` (both directions: a
/// device clock running ahead is as suspect as a replay from the past).
pub fn is_fresh(timestamp_ms: i64, now: Timestamp) -> bool {
    millis(now).abs_diff(timestamp_ms) <= MAX_REQUEST_AGE.num_milliseconds().unsigned_abs()
}

/// Remembers a request's nonce; a nonce seen before is a replay.
pub fn record_nonce(store: &dyn DeviceStore, request: &SignedRequest) -> DeviceResult<()> {
    if !store.insert_nonce(&request.device_id, &request.nonce, request.timestamp_ms)? {
        return Err(DeviceError::ReplayedRequest);
    }
    Ok(())
}

/// Forgets nonces whose requests are too old to pass the freshness check again. Kept
/// by the request's own timestamp, so a device clock running ahead cannot open a
/// window for a replay.
pub fn prune_nonces(store: &dyn DeviceStore, now: Timestamp) -> StoreResult<usize> {
    store.prune_nonces(millis(now - MAX_REQUEST_AGE - TimeDelta::minutes(1)))
}

/// The citizen removes this device (in the app, or on "My devices"): it stops
/// receiving PINs, which go by SMS until another is activated.
pub fn remove(tx: &dyn Store, id: &str, now: Timestamp) -> DeviceResult<()> {
    let Some(device) = tx.device(id)? else { return Ok(()) };
    if device.state != DeviceState::Active {
        return Ok(());
    }
    tx.mark_removed(id, millis(now))?;
    let label = tx
        .devices_of(&device.document)?
        .into_iter()
        .find(|d| d.id == id)
        .map(|d| d.label())
        .unwrap_or_default();
    activity::record(tx, &device.document, now, &Event::DeviceRemoved { device: label })?;
    Ok(())
}

/// The device signed a request now: "My devices" shows it as its last use.
pub fn touch(store: &dyn DeviceStore, id: &str, now: Timestamp) -> StoreResult<()> {
    store.touch_device(id, millis(now))
}

/// Longest push token accepted (FCM's are ~160 bytes, APNs' 64 hex digits; the limit
/// leaves room for both to grow).
const MAX_PUSH_TOKEN: usize = 4096;

/// Registers or refreshes where pushes for this device go.
pub fn set_push_token(
    store: &dyn DeviceStore,
    id: &str,
    req: &RegisterPushToken,
) -> DeviceResult<()> {
    let token = req.token.as_str();
    if token.is_empty()
        || token.len() > MAX_PUSH_TOKEN
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(DeviceError::Invalid(
            "the push token is empty, too long or not printable".into(),
        ));
    }
    // Replaced between authentication and this write: say so, as the next request would.
    if !store.set_push_token(id, req.platform, token)? {
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
