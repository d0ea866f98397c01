//! The transactional outbox: SMS and pushes queued in the transaction that decided
//! them, the worker's view of what is due, and the operator's pages of what was
//! sent (letters included, which go by post).

use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{OutboxLetter, OutboxPush, OutboxSms, PushPlatform};
use rusqlite::{Connection, Transaction, params};

use super::gateways::{PushMessage, PushTarget, SmsMessage};
use crate::db::{StoreError, StoreResult};
use crate::registry::MobileNumber;
use crate::time::{from_millis, millis};

/// Most items one page of an outbox holds, for the operator and for the worker.
pub const PAGE: i64 = 500;

/// A gateway is tried this many times before a message is given up on.
pub const MAX_ATTEMPTS: i64 = 8;

/// Which outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sms,
    Push,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Sms => "sms_outbox",
            Kind::Push => "push_outbox",
        }
    }
}

/// Queues an SMS; the worker sends it after commit.
pub fn queue_sms(tx: &Transaction<'_>, message: &SmsMessage, now: Timestamp) -> StoreResult<()> {
    tx.prepare_cached("INSERT INTO sms_outbox (to_number, text, sent_at) VALUES (?1, ?2, ?3)")?
        .execute(params![message.to.as_str(), message.text, millis(now)])?;
    tracing::info!(sms_id = tx.last_insert_rowid(), to = %message.to.hint(), "SMS queued");
    Ok(())
}

/// Queues a push; the worker sends it after commit.
pub fn queue_push(tx: &Transaction<'_>, message: &PushMessage, now: Timestamp) -> StoreResult<()> {
    let platform = message.target.platform.as_str();
    tx.prepare_cached(
        "INSERT INTO push_outbox (device_id, platform, token, payload, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![message.device_id, platform, message.target.token, message.payload.to_string(), millis(now)])?;
    tracing::info!(push_id = tx.last_insert_rowid(), platform, "push queued");
    Ok(())
}

/// A queued message and how often it was tried.
#[derive(Debug)]
pub struct Due<M> {
    pub id: i64,
    pub attempts: i64,
    pub message: M,
}

/// SMS not yet taken by the gateway whose next try is due, oldest first.
pub fn due_sms(conn: &Connection, now: Timestamp) -> StoreResult<Vec<Due<SmsMessage>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, attempts, to_number, text FROM sms_outbox
         WHERE delivered_at IS NULL AND attempts < ?1 AND next_attempt_at <= ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![MAX_ATTEMPTS, millis(now), PAGE], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?))
    })?;
    let mut due = Vec::new();
    for row in rows {
        let (id, attempts, to, text) = row?;
        let to = MobileNumber::parse(&to).map_err(|_| StoreError::Corrupt("SMS row"))?;
        due.push(Due { id, attempts, message: SmsMessage { to, text } });
    }
    Ok(due)
}

/// Pushes not yet taken by the gateway whose next try is due, oldest first.
pub fn due_pushes(conn: &Connection, now: Timestamp) -> StoreResult<Vec<Due<PushMessage>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, attempts, device_id, platform, token, payload FROM push_outbox
         WHERE delivered_at IS NULL AND attempts < ?1 AND next_attempt_at <= ?2 ORDER BY id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![MAX_ATTEMPTS, millis(now), PAGE], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get::<_, String>(3)?,
            r.get(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut due = Vec::new();
    for row in rows {
        let (id, attempts, device_id, platform, token, payload) = row?;
        let corrupt = || StoreError::Corrupt("push row");
        let platform = PushPlatform::from_name(&platform).ok_or_else(corrupt)?;
        let payload = serde_json::from_str(&payload).map_err(|_| corrupt())?;
        due.push(Due {
            id,
            attempts,
            message: PushMessage { device_id, target: PushTarget { platform, token }, payload },
        });
    }
    Ok(due)
}

/// The gateway took the message.
pub fn delivered(tx: &Transaction<'_>, kind: Kind, id: i64, now: Timestamp) -> StoreResult<()> {
    tx.execute(
        &format!("UPDATE {} SET delivered_at = ?2 WHERE id = ?1", kind.table()),
        params![id, millis(now)],
    )?;
    Ok(())
}

/// The gateway could not take it: try again after a wait that doubles each time
/// (2 s, 4 s … about 4 minutes), or give up when it refused for good.
pub fn failed(
    tx: &Transaction<'_>,
    kind: Kind,
    id: i64,
    attempts: i64,
    permanent: bool,
    now: Timestamp,
) -> StoreResult<()> {
    let attempts = if permanent { MAX_ATTEMPTS } else { attempts + 1 };
    let next = now + retry_wait(attempts);
    tx.execute(
        &format!("UPDATE {} SET attempts = ?2, next_attempt_at = ?3 WHERE id = ?1", kind.table()),
        params![id, attempts, millis(next)],
    )?;
    Ok(())
}

/// The wait before the next try after `attempts` failed ones.
pub fn retry_wait(attempts: i64) -> TimeDelta {
    TimeDelta::seconds(1 << attempts.clamp(1, MAX_ATTEMPTS - 1))
}

/// A page of the SMS outbox, after the item `after`.
pub fn sms_page(conn: &Connection, after: i64) -> StoreResult<Vec<OutboxSms>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, to_number, text, sent_at FROM sms_outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map([after, PAGE], |r| {
        Ok(OutboxSms {
            id: r.get(0)?,
            to: r.get(1)?,
            text: r.get(2)?,
            sent_at: from_millis(r.get(3)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A page of the letters sent by post, after the item `after`.
pub fn letters_page(conn: &Connection, after: i64) -> StoreResult<Vec<OutboxLetter>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, to_name, address, text, sent_at FROM letters WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map([after, PAGE], |r| {
        Ok(OutboxLetter {
            id: r.get(0)?,
            to_name: r.get(1)?,
            address: r.get(2)?,
            text: r.get(3)?,
            sent_at: from_millis(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A page of the push outbox, after the item `after`.
pub fn push_page(conn: &Connection, after: i64) -> StoreResult<Vec<OutboxPush>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, device_id, platform, token, payload, sent_at FROM push_outbox
         WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map([after, PAGE], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get::<_, String>(2)?,
            r.get(3)?,
            r.get::<_, String>(4)?,
            r.get(5)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (id, device_id, platform, token, payload, sent_at) = row?;
        let corrupt = || StoreError::Corrupt("push row");
        items.push(OutboxPush {
            id,
            device_id,
            platform: PushPlatform::from_name(&platform).ok_or_else(corrupt)?,
            token,
            payload: serde_json::from_str(&payload).map_err(|_| corrupt())?,
            sent_at: from_millis(sent_at),
        });
    }
    Ok(items)
}

/// Forgets what was sent (or given up on) a week ago.
pub fn prune(tx: &Transaction<'_>, now: Timestamp) -> StoreResult<usize> {
    let horizon = millis(now - TimeDelta::days(7));
    let mut pruned = 0;
    for table in ["sms_outbox", "letters", "push_outbox"] {
        pruned += tx.execute(&format!("DELETE FROM {table} WHERE sent_at < ?1"), [horizon])?;
    }
    Ok(pruned)
}
