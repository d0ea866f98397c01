//! The PIN rules' storage on PostgreSQL (the SQLite version is in db/pins.rs).

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::{PendingPin, PushPlatform};

use super::Pg;
use crate::db::pins::{ActiveDevice, NewRequest, PinBlock, PinStore, PushWindow, RequestRow};
use crate::db::{StoreError, StoreResult};
use crate::time::from_millis;

impl PinStore for Pg<'_> {
    fn active_device(&self, document: &DocumentNumber) -> StoreResult<Option<ActiveDevice>> {
        // LIMIT 1: SQLite's `query_row` takes the first row, `query_opt` refuses several.
        let Some(r) = self.query_opt(
            "SELECT id, sealing_key, push_platform, push_token FROM devices
             WHERE document = $1 AND state = 'active' LIMIT 1",
            &[&document.as_str()],
        )?
        else {
            return Ok(None);
        };
        let platform =
            r.try_get::<_, Option<String>>(2)?.as_deref().and_then(PushPlatform::from_name);
        let token: Option<String> = r.try_get(3)?;
        Ok(Some(ActiveDevice {
            id: r.try_get(0)?,
            sealing_key: r.try_get(1)?,
            push: platform.zip(token),
        }))
    }

    fn device_sealing_key(&self, device_id: &str) -> StoreResult<Vec<u8>> {
        Ok(self
            .query_one("SELECT sealing_key FROM devices WHERE id = $1", &[&device_id])?
            .try_get(0)?)
    }

    fn pin_block(&self, document: &DocumentNumber) -> StoreResult<PinBlock> {
        let r = self.query_one(
            "SELECT pin_blocked_until, pin_locked FROM citizens WHERE document = $1",
            &[&document.as_str()],
        )?;
        Ok(PinBlock { blocked_until: r.try_get(0)?, locked: r.try_get::<_, i64>(1)? != 0 })
    }

    fn requests_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        let r = self.query_one(
            "SELECT count(*), min(issued_at) FROM pin_requests WHERE document = $1 AND issued_at > $2",
            &[&document.as_str(), &since],
        )?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    }

    fn supersede_live(&self, document: &DocumentNumber) -> StoreResult<()> {
        self.execute(
            "UPDATE pin_requests SET state = 'superseded' WHERE document = $1 AND state = 'live'",
            &[&document.as_str()],
        )?;
        Ok(())
    }

    fn insert_request(&self, r: &NewRequest<'_>) -> StoreResult<()> {
        self.execute(
            "INSERT INTO pin_requests (id, document, code_hash, pin_hash, channel, device_id, sealed,
                                       issued_at, expires_at, state, sms_sent, site)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'live', $10, $11)",
            &[
                &r.id,
                &r.document.as_str(),
                &r.code_hash,
                &r.pin_hash,
                &r.channel,
                &r.device_id,
                &r.sealed,
                &r.issued_at,
                &r.expires_at,
                &r.sms_sent,
                &r.site,
            ],
        )?;
        Ok(())
    }

    fn request(&self, id: &str) -> StoreResult<Option<RequestRow>> {
        let Some(r) = self.query_opt(
            "SELECT document, code_hash, pin_hash, channel, device_id, sealed, expires_at, state, tries, sms_sent,
                    site, reported_at IS NOT NULL
             FROM pin_requests WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let document =
            DocumentNumber::parse(r.try_get(0)?).map_err(|_| StoreError::Corrupt("PIN request"))?;
        Ok(Some(RequestRow {
            document,
            code_hash: r.try_get(1)?,
            pin_hash: r.try_get(2)?,
            channel: r.try_get(3)?,
            device_id: r.try_get(4)?,
            sealed: r.try_get(5)?,
            expires_at: r.try_get(6)?,
            state: r.try_get(7)?,
            tries: r.try_get(8)?,
            sms_sent: r.try_get(9)?,
            site: r.try_get(10)?,
            reported: r.try_get(11)?,
        }))
    }

    fn count_sms_sent(&self, id: &str) -> StoreResult<()> {
        self.execute("UPDATE pin_requests SET sms_sent = sms_sent + 1 WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn mark_used(&self, id: &str, document: &DocumentNumber, at: i64) -> StoreResult<()> {
        self.execute("UPDATE pin_requests SET state = 'used' WHERE id = $1", &[&id])?;
        self.execute(
            "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, last_sign_in_at = $2
             WHERE document = $1",
            &[&document.as_str(), &at],
        )?;
        Ok(())
    }

    fn push_window(&self, document: &DocumentNumber) -> StoreResult<PushWindow> {
        let r = self.query_one(
            "SELECT last_sign_in_at, pushes_held_until FROM citizens WHERE document = $1",
            &[&document.as_str()],
        )?;
        Ok(PushWindow { last_sign_in_at: r.try_get(0)?, pushes_held_until: r.try_get(1)? })
    }

    fn hold_pushes(&self, document: &DocumentNumber, until: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE citizens SET pushes_held_until = greatest(pushes_held_until, $2) WHERE document = $1",
            &[&document.as_str(), &until],
        )?;
        Ok(())
    }

    fn mark_reported(&self, id: &str, at: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE pin_requests SET state = CASE WHEN state = 'live' THEN 'dead' ELSE state END,
                                     reported_at = coalesce(reported_at, $2)
             WHERE id = $1",
            &[&id, &at],
        )?;
        Ok(())
    }

    fn record_wrong_try(
        &self,
        id: &str,
        tries: i64,
        dead: bool,
        document: &DocumentNumber,
    ) -> StoreResult<i64> {
        self.execute(
            "UPDATE pin_requests SET tries = $2, state = CASE WHEN $3::BOOLEAN THEN 'dead' ELSE state END
             WHERE id = $1",
            &[&id, &tries, &dead],
        )?;
        Ok(self
            .query_one(
                "UPDATE citizens SET pin_failures = pin_failures + 1 WHERE document = $1 RETURNING pin_failures",
                &[&document.as_str()],
            )?
            .try_get(0)?)
    }

    fn set_pin_block(&self, document: &DocumentNumber, block: PinBlock) -> StoreResult<()> {
        self.execute(
            "UPDATE citizens SET pin_blocked_until = $2, pin_locked = $3 WHERE document = $1",
            &[&document.as_str(), &block.blocked_until, &i64::from(block.locked)],
        )?;
        Ok(())
    }

    fn clear_pin_failures(&self, document: &DocumentNumber) -> StoreResult<bool> {
        let n = self.execute(
            "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, pin_locked = 0 WHERE document = $1",
            &[&document.as_str()],
        )?;
        Ok(n > 0)
    }

    fn pending_for_device(&self, device_id: &str, now: i64) -> StoreResult<Vec<PendingPin>> {
        self.query(
            "SELECT id, sealed, issued_at, expires_at FROM pin_requests
             WHERE device_id = $1 AND state = 'live' AND delivered_at IS NULL AND expires_at > $2
                   AND sealed IS NOT NULL
             ORDER BY issued_at",
            &[&device_id, &now],
        )?
        .iter()
        .map(|r| {
            Ok(PendingPin {
                request_id: r.try_get(0)?,
                device_id: device_id.to_owned(),
                sealed: r.try_get(1)?,
                issued_at: from_millis(r.try_get(2)?),
                expires_at: from_millis(r.try_get(3)?),
            })
        })
        .collect()
    }

    fn delivered_at(&self, id: &str, device_id: &str) -> StoreResult<Option<Option<i64>>> {
        self.query_opt(
            "SELECT delivered_at FROM pin_requests WHERE id = $1 AND device_id = $2",
            &[&id, &device_id],
        )?
        .map(|r| Ok(r.try_get(0)?))
        .transpose()
    }

    fn mark_delivered(&self, id: &str, at: i64) -> StoreResult<()> {
        self.execute("UPDATE pin_requests SET delivered_at = $2 WHERE id = $1", &[&id, &at])?;
        Ok(())
    }

    fn request_state(&self, id: &str, device_id: &str) -> StoreResult<Option<(String, i64)>> {
        self.query_opt(
            "SELECT state, expires_at FROM pin_requests WHERE id = $1 AND device_id = $2",
            &[&id, &device_id],
        )?
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .transpose()
    }

    fn prune_requests(&self, expired_before: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM pin_requests WHERE expires_at < $1", &[&expired_before])
    }
}
