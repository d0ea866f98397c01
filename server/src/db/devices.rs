//! What the device rules need from storage: bound devices, the nonces of their
//! signed requests, their push registration.

use clavepin_protocol::crypto::DevicePublicKey;
use clavepin_protocol::wire::{DeviceState, DeviceStatus, PushPlatform};
use clavepin_protocol::{DocumentNumber, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, StoreResult};
use crate::time::from_millis;

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

pub trait DeviceStore {
    fn device(&self, id: &str) -> StoreResult<Option<Device>>;
    /// Remembers a nonce; false when it was seen before.
    fn insert_nonce(&self, device_id: &str, nonce: &str, signed_at: i64) -> StoreResult<bool>;
    fn prune_nonces(&self, signed_before: i64) -> StoreResult<usize>;
    /// An active device removed by its citizen.
    fn mark_removed(&self, id: &str, at: i64) -> StoreResult<()>;
    /// Where an active device's pushes go; false when it is no longer active.
    fn set_push_token(&self, id: &str, platform: PushPlatform, token: &str) -> StoreResult<bool>;
    /// Forgets a device's push token if it is still `token` (the app may have
    /// registered a new one meanwhile); whether it was.
    fn clear_push_token(&self, id: &str, token: &str) -> StoreResult<bool>;
}

impl DeviceStore for Connection {
    fn device(&self, id: &str) -> StoreResult<Option<Device>> {
        let row: Option<(String, Vec<u8>, String, i64)> = self
            .prepare_cached(
                "SELECT document, public_key, state, activated_at FROM devices WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((document, key, state, activated_at)) = row else {
            return Ok(None);
        };
        let corrupt = || StoreError::Corrupt("device row");
        Ok(Some(Device {
            id: id.to_owned(),
            document: DocumentNumber::parse(&document).map_err(|_| corrupt())?,
            public_key: DevicePublicKey::from_bytes(&key).map_err(|_| corrupt())?,
            state: match state.as_str() {
                "active" => DeviceState::Active,
                "replaced" => DeviceState::Replaced,
                "removed" => DeviceState::Removed,
                _ => return Err(corrupt()),
            },
            activated_at: from_millis(activated_at),
        }))
    }

    fn insert_nonce(&self, device_id: &str, nonce: &str, signed_at: i64) -> StoreResult<bool> {
        Ok(self
            .prepare_cached(
                "INSERT OR IGNORE INTO nonces (device_id, nonce, signed_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![device_id, nonce, signed_at])?
            > 0)
    }

    fn prune_nonces(&self, signed_before: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM nonces WHERE signed_at < ?1")?
            .execute([signed_before])?)
    }

    fn mark_removed(&self, id: &str, at: i64) -> StoreResult<()> {
        self.prepare_cached("UPDATE devices SET state = 'removed', ended_at = ?2 WHERE id = ?1 AND state = 'active'")?
            .execute(params![id, at])?;
        Ok(())
    }

    fn clear_push_token(&self, id: &str, token: &str) -> StoreResult<bool> {
        Ok(self
            .prepare_cached(
                "UPDATE devices SET push_platform = NULL, push_token = NULL
                 WHERE id = ?1 AND push_token = ?2",
            )?
            .execute(params![id, token])?
            > 0)
    }

    fn set_push_token(&self, id: &str, platform: PushPlatform, token: &str) -> StoreResult<bool> {
        Ok(self
            .prepare_cached(
                "UPDATE devices SET push_platform = ?2, push_token = ?3 WHERE id = ?1 AND state = 'active'",
            )?
            .execute(params![id, platform.as_str(), token])?
            > 0)
    }
}
