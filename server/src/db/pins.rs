//! What the PIN rules need from storage: PIN requests, the citizen's wrong-PIN
//! counters, the active device a PIN is sealed for. The rules call these and hold no
//! SQL; a second database implements the same trait.

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::{PendingPin, PushPlatform};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, StoreResult};
use crate::time::from_millis;

/// A stored PIN request. Instants are Unix milliseconds, as stored.
#[derive(Debug)]
pub struct RequestRow {
    pub document: DocumentNumber,
    pub code_hash: Vec<u8>,
    pub pin_hash: Vec<u8>,
    pub channel: String,
    pub device_id: Option<String>,
    pub sealed: Option<String>,
    pub expires_at: i64,
    pub state: String,
    pub tries: i64,
    pub sms_sent: i64,
    /// The site it was asked for, if a site asked.
    pub site: Option<String>,
    /// Its citizen said "this wasn't me".
    pub reported: bool,
}

/// A new request, as issuing writes it.
#[derive(Debug)]
pub struct NewRequest<'a> {
    pub id: &'a str,
    pub document: &'a DocumentNumber,
    pub code_hash: Vec<u8>,
    pub pin_hash: Vec<u8>,
    pub channel: &'a str,
    pub device_id: Option<&'a str>,
    pub sealed: Option<&'a str>,
    pub issued_at: i64,
    pub expires_at: i64,
    pub sms_sent: i64,
    pub site: Option<&'a str>,
}

/// The citizen's active device: its sealing key (encrypted) and push registration.
#[derive(Debug)]
pub struct ActiveDevice {
    pub id: String,
    pub sealing_key: Vec<u8>,
    pub push: Option<(PushPlatform, String)>,
}

/// What decides whether a PIN may be pushed: the push cap counts requests since the
/// last sign-in, and a "this wasn't me" report holds pushes for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushWindow {
    pub last_sign_in_at: i64,
    pub pushes_held_until: i64,
}

/// The citizen's wrong-PIN state.
#[derive(Debug, Clone, Copy)]
pub struct PinBlock {
    pub blocked_until: i64,
    pub locked: bool,
}

pub trait PinStore {
    fn active_device(&self, document: &DocumentNumber) -> StoreResult<Option<ActiveDevice>>;
    /// The encrypted sealing key of a device, by id.
    fn device_sealing_key(&self, device_id: &str) -> StoreResult<Vec<u8>>;
    fn pin_block(&self, document: &DocumentNumber) -> StoreResult<PinBlock>;
    /// Requests issued after `since`, and the oldest of them.
    fn requests_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)>;
    fn supersede_live(&self, document: &DocumentNumber) -> StoreResult<()>;
    fn insert_request(&self, request: &NewRequest<'_>) -> StoreResult<()>;
    fn request(&self, id: &str) -> StoreResult<Option<RequestRow>>;
    fn count_sms_sent(&self, id: &str) -> StoreResult<()>;
    /// Used: the request, the citizen's failures cleared, the sign-in's time kept.
    fn mark_used(&self, id: &str, document: &DocumentNumber, at: i64) -> StoreResult<()>;
    fn push_window(&self, document: &DocumentNumber) -> StoreResult<PushWindow>;
    /// Pushes to the citizen held until `until` (a later hold stays).
    fn hold_pushes(&self, document: &DocumentNumber, until: i64) -> StoreResult<()>;
    /// "This wasn't me": a live request dies; the first report's time is kept.
    fn mark_reported(&self, id: &str, at: i64) -> StoreResult<()>;
    /// A wrong try: counted on the request (dead at the limit) and the citizen; returns
    /// the citizen's consecutive failures.
    fn record_wrong_try(
        &self,
        id: &str,
        tries: i64,
        dead: bool,
        document: &DocumentNumber,
    ) -> StoreResult<i64>;
    fn set_pin_block(&self, document: &DocumentNumber, block: PinBlock) -> StoreResult<()>;
    /// Clears a citizen's failures and lock; false when there is no such citizen.
    fn clear_pin_failures(&self, document: &DocumentNumber) -> StoreResult<bool>;
    /// Live sealed requests for a device it has not acknowledged, oldest first.
    fn pending_for_device(&self, device_id: &str, now: i64) -> StoreResult<Vec<PendingPin>>;
    /// `None`: not this device's request; `Some(None)`: not yet acknowledged.
    fn delivered_at(&self, id: &str, device_id: &str) -> StoreResult<Option<Option<i64>>>;
    fn mark_delivered(&self, id: &str, at: i64) -> StoreResult<()>;
    /// The stored state and expiry of one of this device's requests.
    fn request_state(&self, id: &str, device_id: &str) -> StoreResult<Option<(String, i64)>>;
    fn prune_requests(&self, expired_before: i64) -> StoreResult<usize>;
}

impl PinStore for Connection {
    fn active_device(&self, document: &DocumentNumber) -> StoreResult<Option<ActiveDevice>> {
        Ok(self
            .prepare_cached(
                "SELECT id, sealing_key, push_platform, push_token FROM devices
                 WHERE document = ?1 AND state = 'active'",
            )?
            .query_row([document.as_str()], |r| {
                let platform =
                    r.get::<_, Option<String>>(2)?.as_deref().and_then(PushPlatform::from_name);
                let token: Option<String> = r.get(3)?;
                Ok(ActiveDevice {
                    id: r.get(0)?,
                    sealing_key: r.get(1)?,
                    push: platform.zip(token),
                })
            })
            .optional()?)
    }

    fn device_sealing_key(&self, device_id: &str) -> StoreResult<Vec<u8>> {
        Ok(self
            .prepare_cached("SELECT sealing_key FROM devices WHERE id = ?1")?
            .query_row([device_id], |r| r.get(0))?)
    }

    fn pin_block(&self, document: &DocumentNumber) -> StoreResult<PinBlock> {
        Ok(self
            .prepare_cached(
                "SELECT pin_blocked_until, pin_locked FROM citizens WHERE document = ?1",
            )?
            .query_row([document.as_str()], |r| {
                Ok(PinBlock { blocked_until: r.get(0)?, locked: r.get::<_, i64>(1)? != 0 })
            })?)
    }

    fn requests_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        Ok(self
            .prepare_cached(
                "SELECT count(*), min(issued_at) FROM pin_requests WHERE document = ?1 AND issued_at > ?2",
            )?
            .query_row(params![document.as_str(), since], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn supersede_live(&self, document: &DocumentNumber) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE pin_requests SET state = 'superseded' WHERE document = ?1 AND state = 'live'",
        )?
        .execute([document.as_str()])?;
        Ok(())
    }

    fn insert_request(&self, r: &NewRequest<'_>) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO pin_requests (id, document, code_hash, pin_hash, channel, device_id, sealed,
                                       issued_at, expires_at, state, sms_sent, site)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'live', ?10, ?11)",
        )?
        .execute(params![
            r.id,
            r.document.as_str(),
            r.code_hash,
            r.pin_hash,
            r.channel,
            r.device_id,
            r.sealed,
            r.issued_at,
            r.expires_at,
            r.sms_sent,
            r.site,
        ])?;
        Ok(())
    }

    fn request(&self, id: &str) -> StoreResult<Option<RequestRow>> {
        let row = self
            .prepare_cached(
                "SELECT document, code_hash, pin_hash, channel, device_id, sealed, expires_at, state, tries, sms_sent,
                        site, reported_at IS NOT NULL
                 FROM pin_requests WHERE id = ?1",
            )?
            .query_row([id], |r| {
                let document: String = r.get(0)?;
                Ok((
                    document,
                    (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
                    (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
                    (r.get(10)?, r.get(11)?),
                ))
            })
            .optional()?;
        let Some((
            document,
            (code_hash, pin_hash, channel, device_id, sealed),
            (expires_at, state, tries, sms_sent),
            (site, reported),
        )) = row
        else {
            return Ok(None);
        };
        let document =
            DocumentNumber::parse(&document).map_err(|_| StoreError::Corrupt("PIN request"))?;
        Ok(Some(RequestRow {
            document,
            code_hash,
            pin_hash,
            channel,
            device_id,
            sealed,
            expires_at,
            state,
            tries,
            sms_sent,
            site,
            reported,
        }))
    }

    fn count_sms_sent(&self, id: &str) -> StoreResult<()> {
        self.prepare_cached("UPDATE pin_requests SET sms_sent = sms_sent + 1 WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    fn mark_used(&self, id: &str, document: &DocumentNumber, at: i64) -> StoreResult<()> {
        self.prepare_cached("UPDATE pin_requests SET state = 'used' WHERE id = ?1")?
            .execute([id])?;
        self.prepare_cached(
            "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, last_sign_in_at = ?2
             WHERE document = ?1",
        )?
        .execute(params![document.as_str(), at])?;
        Ok(())
    }

    fn push_window(&self, document: &DocumentNumber) -> StoreResult<PushWindow> {
        Ok(self
            .prepare_cached(
                "SELECT last_sign_in_at, pushes_held_until FROM citizens WHERE document = ?1",
            )?
            .query_row([document.as_str()], |r| {
                Ok(PushWindow { last_sign_in_at: r.get(0)?, pushes_held_until: r.get(1)? })
            })?)
    }

    fn hold_pushes(&self, document: &DocumentNumber, until: i64) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE citizens SET pushes_held_until = max(pushes_held_until, ?2) WHERE document = ?1",
        )?
        .execute(params![document.as_str(), until])?;
        Ok(())
    }

    fn mark_reported(&self, id: &str, at: i64) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE pin_requests SET state = CASE WHEN state = 'live' THEN 'dead' ELSE state END,
                                     reported_at = coalesce(reported_at, ?2)
             WHERE id = ?1",
        )?
        .execute(params![id, at])?;
        Ok(())
    }

    fn record_wrong_try(
        &self,
        id: &str,
        tries: i64,
        dead: bool,
        document: &DocumentNumber,
    ) -> StoreResult<i64> {
        self.prepare_cached(
            "UPDATE pin_requests SET tries = ?2, state = CASE WHEN ?3 THEN 'dead' ELSE state END WHERE id = ?1",
        )?
        .execute(params![id, tries, dead])?;
        Ok(self
            .prepare_cached(
                "UPDATE citizens SET pin_failures = pin_failures + 1 WHERE document = ?1 RETURNING pin_failures",
            )?
            .query_row([document.as_str()], |r| r.get(0))?)
    }

    fn set_pin_block(&self, document: &DocumentNumber, block: PinBlock) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE citizens SET pin_blocked_until = ?2, pin_locked = ?3 WHERE document = ?1",
        )?
        .execute(params![document.as_str(), block.blocked_until, block.locked])?;
        Ok(())
    }

    fn clear_pin_failures(&self, document: &DocumentNumber) -> StoreResult<bool> {
        let n = self
            .prepare_cached(
                "UPDATE citizens SET pin_failures = 0, pin_blocked_until = 0, pin_locked = 0 WHERE document = ?1",
            )?
            .execute([document.as_str()])?;
        Ok(n > 0)
    }

    fn pending_for_device(&self, device_id: &str, now: i64) -> StoreResult<Vec<PendingPin>> {
        let mut stmt = self.prepare_cached(
            "SELECT id, sealed, issued_at, expires_at FROM pin_requests
             WHERE device_id = ?1 AND state = 'live' AND delivered_at IS NULL AND expires_at > ?2
                   AND sealed IS NOT NULL
             ORDER BY issued_at",
        )?;
        let rows = stmt.query_map(params![device_id, now], |r| {
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

    fn delivered_at(&self, id: &str, device_id: &str) -> StoreResult<Option<Option<i64>>> {
        Ok(self
            .prepare_cached(
                "SELECT delivered_at FROM pin_requests WHERE id = ?1 AND device_id = ?2",
            )?
            .query_row(params![id, device_id], |r| r.get(0))
            .optional()?)
    }

    fn mark_delivered(&self, id: &str, at: i64) -> StoreResult<()> {
        self.prepare_cached("UPDATE pin_requests SET delivered_at = ?2 WHERE id = ?1")?
            .execute(params![id, at])?;
        Ok(())
    }

    fn request_state(&self, id: &str, device_id: &str) -> StoreResult<Option<(String, i64)>> {
        Ok(self
            .prepare_cached(
                "SELECT state, expires_at FROM pin_requests WHERE id = ?1 AND device_id = ?2",
            )?
            .query_row(params![id, device_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn prune_requests(&self, expired_before: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM pin_requests WHERE expires_at < ?1")?
            .execute([expired_before])?)
    }
}
