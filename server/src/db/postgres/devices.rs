//! The devices' storage on PostgreSQL (the SQLite version is in db/devices.rs).

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::crypto::DevicePublicKey;
use clavepin_protocol::wire::{DeviceState, PushPlatform};
use postgres::Row;

use super::Pg;
use crate::db::devices::{Device, DeviceStore, DeviceSummary, LAST_USE_GRAIN_MS, parse_state};
use crate::db::{StoreError, StoreResult};
use crate::time::from_millis;

/// A device from a row starting with its document, public key and activation time;
/// `what` names the row when they do not parse.
pub(super) fn device_row(
    id: &str,
    row: &Row,
    state: DeviceState,
    what: &'static str,
) -> StoreResult<Device> {
    Ok(Device {
        id: id.to_owned(),
        document: DocumentNumber::parse(row.try_get(0)?).map_err(|_| StoreError::Corrupt(what))?,
        public_key: DevicePublicKey::from_bytes(row.try_get(1)?)
            .map_err(|_| StoreError::Corrupt(what))?,
        state,
        activated_at: from_millis(row.try_get(2)?),
    })
}

impl DeviceStore for Pg<'_> {
    fn device(&self, id: &str) -> StoreResult<Option<Device>> {
        let Some(row) = self.query_opt(
            "SELECT document, public_key, activated_at, state FROM devices WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let state = parse_state(row.try_get(3)?).ok_or(StoreError::Corrupt("device row"))?;
        device_row(id, &row, state, "device row").map(Some)
    }

    fn insert_nonce(&self, device_id: &str, nonce: &str, signed_at: i64) -> StoreResult<bool> {
        Ok(self.execute(
            "INSERT INTO nonces (device_id, nonce, signed_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&device_id, &nonce, &signed_at],
        )? > 0)
    }

    fn prune_nonces(&self, signed_before: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM nonces WHERE signed_at < $1", &[&signed_before])
    }

    fn mark_removed(&self, id: &str, at: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE devices SET state = 'removed', ended_at = $2 WHERE id = $1 AND state = 'active'",
            &[&id, &at],
        )?;
        Ok(())
    }

    fn clear_push_token(&self, id: &str, token: &str) -> StoreResult<bool> {
        Ok(self.execute(
            "UPDATE devices SET push_platform = NULL, push_token = NULL
             WHERE id = $1 AND push_token = $2",
            &[&id, &token],
        )? > 0)
    }

    fn set_push_token(&self, id: &str, platform: PushPlatform, token: &str) -> StoreResult<bool> {
        Ok(self.execute(
            "UPDATE devices SET push_platform = $2, push_token = $3 WHERE id = $1 AND state = 'active'",
            &[&id, &platform.as_str(), &token],
        )? > 0)
    }

    fn touch_device(&self, id: &str, at: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE devices SET last_used_at = $2
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::BIGINT - $3::BIGINT)",
            &[&id, &at, &LAST_USE_GRAIN_MS],
        )?;
        Ok(())
    }

    fn devices_of(&self, document: &DocumentNumber) -> StoreResult<Vec<DeviceSummary>> {
        self.query(
            "SELECT id, name, model, state, activated_at, ended_at, last_used_at FROM devices
             WHERE document = $1 ORDER BY activated_at DESC, id",
            &[&document.as_str()],
        )?
        .iter()
        .map(|r| {
            Ok(DeviceSummary {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                model: r.try_get(2)?,
                state: parse_state(r.try_get(3)?).ok_or(StoreError::Corrupt("device row"))?,
                activated_at: r.try_get(4)?,
                ended_at: r.try_get(5)?,
                last_used_at: r.try_get(6)?,
            })
        })
        .collect()
    }
}
