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

/// A device as its citizen's "My devices" page lists it. Instants are Unix ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSummary {
    pub id: String,
    /// As the app gave them; empty if it gave none.
    pub name: String,
    pub model: String,
    pub state: DeviceState,
    pub activated_at: i64,
    pub ended_at: Option<i64>,
    /// When it last signed a request, to the minute.
    pub last_used_at: Option<i64>,
}

impl DeviceSummary {
    /// What to call it: "name (model)", or whichever the app gave.
    pub fn label(&self) -> String {
        match (self.name.is_empty(), self.model.is_empty()) {
            (false, false) => format!("{} ({})", self.name, self.model),
            (false, true) => self.name.clone(),
            (true, false) => self.model.clone(),
            (true, true) => String::new(),
        }
    }
}

/// A device's state as stored.
pub(crate) fn parse_state(state: &str) -> Option<DeviceState> {
    Some(match state {
        "active" => DeviceState::Active,
        "replaced" => DeviceState::Replaced,
        "removed" => DeviceState::Removed,
        _ => return None,
    })
}

/// Requests signed within a minute of the last recorded use do not write it again.
pub const LAST_USE_GRAIN_MS: i64 = 60_000;

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
    /// The device signed a request at `at` (kept to [`LAST_USE_GRAIN_MS`]).
    fn touch_device(&self, id: &str, at: i64) -> StoreResult<()>;
    /// The citizen's devices, newest first (not those still pending).
    fn devices_of(&self, document: &DocumentNumber) -> StoreResult<Vec<DeviceSummary>>;
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
            state: parse_state(&state).ok_or_else(corrupt)?,
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

    fn touch_device(&self, id: &str, at: i64) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE devices SET last_used_at = ?2
             WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at <= ?2 - ?3)",
        )?
        .execute(params![id, at, LAST_USE_GRAIN_MS])?;
        Ok(())
    }

    fn devices_of(&self, document: &DocumentNumber) -> StoreResult<Vec<DeviceSummary>> {
        let mut stmt = self.prepare_cached(
            "SELECT id, name, model, state, activated_at, ended_at, last_used_at FROM devices
             WHERE document = ?1 ORDER BY activated_at DESC, id",
        )?;
        let rows = stmt.query_map([document.as_str()], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?),
                (r.get(4)?, r.get(5)?, r.get(6)?),
            ))
        })?;
        rows.map(|row| {
            let ((id, name, model, state), (activated_at, ended_at, last_used_at)) = row?;
            let state = parse_state(&state).ok_or(StoreError::Corrupt("device row"))?;
            Ok(DeviceSummary { id, name, model, state, activated_at, ended_at, last_used_at })
        })
        .collect()
    }
}
