//! The transactional outbox: SMS and pushes queued in the transaction that decided
//! them, the worker's view of what is due, and the operator's pages of what was
//! sent (letters included, which go by post).
//!
//! Texts are kept sealed (`sealing`) and only as long as needed: a message a real
//! gateway took is forgotten at once (its row stays, emptied, so the cursor keeps its
//! place); what the embedded gateway "delivered", which stands for the citizen's
//! phone and letterbox, is kept [`OUTBOX_LIFE`] for the demo, the tests and
//! `clavepin admin outbox` to read, then pruned.

mod postgres;

use chrono::TimeDelta;
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{
    DeadLetter, OutboxEmail, OutboxLetter, OutboxPush, OutboxSms, PushPlatform,
};
use rusqlite::{Connection, params};

use super::gateways::{PushMessage, PushTarget};
use super::sealing::SealedText;
use crate::db::{StoreError, StoreResult};
use crate::registry::MobileNumber;
use crate::time::{from_millis, millis};

/// Most items one page of an outbox holds, for the operator and for the worker.
pub const PAGE: i64 = 500;

/// A gateway is tried this many times before a message is given up on.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a row stays: longer than a code or PIN lives (10 minutes) and than a
/// message's retries take (about 4 minutes), and no longer.
pub const OUTBOX_LIFE: TimeDelta = TimeDelta::minutes(15);

/// An SMS as queued: its text sealed.
#[derive(Debug, Clone)]
pub struct QueuedSms {
    pub to: MobileNumber,
    pub text: SealedText,
}

impl QueuedSms {
    /// `text` to `to`, sealed for the SMS outbox.
    pub fn sealed(
        keys: &crate::keys::ServiceKeys,
        rng: &dyn ring::rand::SecureRandom,
        to: MobileNumber,
        text: &str,
    ) -> Result<Self, crate::error::Fault> {
        let text = super::sealing::seal(keys, rng, super::sealing::Outbox::Sms, text)?;
        Ok(Self { to, text })
    }
}

/// An e-mail as queued: its text sealed.
#[derive(Debug, Clone)]
pub struct QueuedEmail {
    pub to: String,
    pub subject: String,
    pub text: SealedText,
}

impl QueuedEmail {
    /// `subject` and `text` to `to`, the text sealed for the e-mail outbox.
    pub fn sealed(
        keys: &crate::keys::ServiceKeys,
        rng: &dyn ring::rand::SecureRandom,
        to: &str,
        subject: &str,
        text: &str,
    ) -> Result<Self, crate::error::Fault> {
        let text = super::sealing::seal(keys, rng, super::sealing::Outbox::Email, text)?;
        Ok(Self { to: to.to_owned(), subject: subject.to_owned(), text })
    }
}

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

    fn name(self) -> &'static str {
        match self {
            Kind::Sms => "sms",
            Kind::Push => "push",
        }
    }
}

/// A queued message, and how often a gateway already failed to take it.
#[derive(Debug)]
pub struct Due<M> {
    pub id: i64,
    pub attempts: i64,
    pub message: M,
}

/// What one round hands over: the messages new since the cursor, then the retries
/// that fell due.
#[derive(Debug)]
pub struct Round<M> {
    pub fresh: Vec<Due<M>>,
    pub retries: Vec<Due<M>>,
}

/// Up to which id everything was handed over; a table whose ids started again
/// (emptied by pruning) is read from the start.
fn cursor(conn: &Connection, kind: Kind) -> StoreResult<i64> {
    let (cursor, max): (i64, i64) = conn.query_row(
        &format!(
            "SELECT (SELECT delivered_through FROM outbox_cursors WHERE outbox = ?1),
                    (SELECT coalesce(max(id), 0) FROM {})",
            kind.table()
        ),
        [kind.name()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(if max < cursor { 0 } else { cursor })
}

/// What a gateway said of one message.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Taken,
    /// Try again later.
    Unavailable,
    /// Never going to work.
    Refused,
    /// The push token is dead: given up on, and the PIN goes by SMS instead.
    Unregistered,
}

/// The wait before the next try after `attempts` failed ones.
pub fn retry_wait(attempts: i64) -> TimeDelta {
    TimeDelta::seconds(1 << attempts.clamp(1, MAX_ATTEMPTS - 1))
}

/// What one message's outcome asks of storage after a round.
#[derive(Debug, PartialEq, Eq)]
enum RoundStep {
    /// Taken by a real gateway: its text (or token and payload) is forgotten.
    Empty(i64),
    /// Taken after earlier failures: no longer a retry.
    Retried(i64),
    /// Not taken: tried again at `next_attempt_at`, or given up on.
    Retry { id: i64, attempts: i64, next_attempt_at: i64, given_up: bool },
}

/// The round's outcomes as steps, decided once for both engines; and how many
/// messages were taken.
fn round_steps(
    outcomes: &[(i64, i64, Outcome)],
    forget_taken: bool,
    now: Timestamp,
) -> (usize, Vec<RoundStep>) {
    let mut taken = 0;
    let mut steps = Vec::new();
    for &(id, attempts, outcome) in outcomes {
        match outcome {
            Outcome::Taken => {
                taken += 1;
                if forget_taken {
                    steps.push(RoundStep::Empty(id));
                }
                if attempts > 0 {
                    steps.push(RoundStep::Retried(id));
                }
            }
            Outcome::Unavailable | Outcome::Refused | Outcome::Unregistered => {
                let attempts = attempts + 1;
                let given_up = !matches!(outcome, Outcome::Unavailable) || attempts >= MAX_ATTEMPTS;
                let next_attempt_at = millis(now + retry_wait(attempts));
                steps.push(RoundStep::Retry { id, attempts, next_attempt_at, given_up });
            }
        }
    }
    (taken, steps)
}

/// What delivery needs from storage: the outboxes, their cursors and retries.
pub trait OutboxStore {
    /// Queues an SMS; the worker sends it after commit.
    fn queue_sms(&self, message: &QueuedSms, now: Timestamp) -> StoreResult<()>;
    /// Queues an e-mail for the embedded gateway's outbox (an operator's or a test's
    /// to read, as the citizen's mailbox).
    fn queue_email(&self, message: &QueuedEmail, now: Timestamp) -> StoreResult<()>;
    /// A page of the e-mail outbox, after the item `after`, texts still sealed.
    fn email_page(&self, after: i64) -> StoreResult<Vec<(OutboxEmail, SealedText)>>;
    /// Queues a push; the worker sends it after commit.
    fn queue_push(&self, message: &PushMessage, now: Timestamp) -> StoreResult<()>;
    /// The SMS due now.
    fn due_sms(&self, now: Timestamp) -> StoreResult<Round<QueuedSms>>;
    /// The pushes due now.
    fn due_pushes(&self, now: Timestamp) -> StoreResult<Round<PushMessage>>;
    /// Records a round: the cursor moves past every fresh message (taken, or moved to the
    /// retries), and each retry is cleared, rescheduled with a wait that doubles (2 s,
    /// 4 s … about 4 minutes) or given up on. With `forget_taken` (a real gateway) a
    /// message taken is emptied at once.
    fn record_round(
        &self,
        kind: Kind,
        through: Option<i64>,
        outcomes: &[(i64, i64, Outcome)],
        forget_taken: bool,
        now: Timestamp,
    ) -> StoreResult<usize>;
    /// A page of the SMS outbox, after the item `after`, texts still sealed.
    fn sms_page(&self, after: i64) -> StoreResult<Vec<(OutboxSms, SealedText)>>;
    /// A page of the letters sent by post, after the item `after`, texts still sealed.
    fn letters_page(&self, after: i64) -> StoreResult<Vec<(OutboxLetter, SealedText)>>;
    /// A page of the push outbox, after the item `after`.
    fn push_page(&self, after: i64) -> StoreResult<Vec<OutboxPush>>;
    /// Forgets what is [`OUTBOX_LIFE`] old: sent, or given up on.
    fn prune_outbox(&self, now: Timestamp) -> StoreResult<usize>;
    /// How many messages of `kind` wait for a gateway (new, or to retry), and how
    /// many were given up on (the dead letters).
    fn depth(&self, kind: Kind) -> StoreResult<(i64, i64)>;
    /// The messages given up on, newest first, at most [`PAGE`].
    fn dead_letters(&self) -> StoreResult<Vec<DeadLetter>>;
}

impl OutboxStore for Connection {
    fn queue_sms(&self, message: &QueuedSms, now: Timestamp) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO sms_outbox (to_number, text, sent_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![message.to.as_str(), message.text.as_stored(), millis(now)])?;
        tracing::info!(sms_id = self.last_insert_rowid(), to = %message.to.hint(), "SMS queued");
        Ok(())
    }

    fn queue_email(&self, m: &QueuedEmail, now: Timestamp) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO email_outbox (to_address, subject, text, sent_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![m.to, m.subject, m.text.as_stored(), millis(now)])?;
        Ok(())
    }

    fn email_page(&self, after: i64) -> StoreResult<Vec<(OutboxEmail, SealedText)>> {
        let mut stmt = self.prepare_cached(
            "SELECT id, to_address, subject, text, sent_at FROM email_outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, PAGE], |r| {
            let email = OutboxEmail {
                id: r.get(0)?,
                to: r.get(1)?,
                subject: r.get(2)?,
                text: String::new(),
                sent_at: from_millis(r.get(4)?),
            };
            Ok((email, SealedText::from_stored(r.get(3)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn queue_push(&self, message: &PushMessage, now: Timestamp) -> StoreResult<()> {
        let platform = message.target.platform.as_str();
        self.prepare_cached(
            "INSERT INTO push_outbox (device_id, platform, token, payload, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![message.device_id, platform, message.target.token, message.payload.to_string(), millis(now)])?;
        tracing::info!(push_id = self.last_insert_rowid(), platform, "push queued");
        Ok(())
    }

    fn due_sms(&self, now: Timestamp) -> StoreResult<Round<QueuedSms>> {
        let cursor = cursor(self, Kind::Sms)?;
        let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, i64, String, String)> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        };
        let parse = |(id, attempts, to, text): (i64, i64, String, String)| {
            let to = MobileNumber::parse(&to).map_err(|_| StoreError::Corrupt("SMS row"))?;
            Ok(Due { id, attempts, message: QueuedSms { to, text: SealedText::from_stored(text) } })
        };
        let fresh = self
            .prepare_cached(
                "SELECT id, 0, to_number, text FROM sms_outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?
            .query_map(params![cursor, PAGE], row)?
            .map(|r| parse(r?))
            .collect::<StoreResult<_>>()?;
        let retries = self
            .prepare_cached(
                "SELECT o.id, r.attempts, o.to_number, o.text FROM outbox_retries r JOIN sms_outbox o ON o.id = r.id
                 WHERE r.outbox = 'sms' AND r.given_up = 0 AND r.next_attempt_at <= ?1 ORDER BY o.id LIMIT ?2",
            )?
            .query_map(params![millis(now), PAGE], row)?
            .map(|r| parse(r?))
            .collect::<StoreResult<_>>()?;
        Ok(Round { fresh, retries })
    }

    fn due_pushes(&self, now: Timestamp) -> StoreResult<Round<PushMessage>> {
        let cursor = cursor(self, Kind::Push)?;
        type Row = (i64, i64, String, String, String, String);
        let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Row> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        };
        let parse = |(id, attempts, device_id, platform, token, payload): Row| {
            let platform =
                PushPlatform::from_name(&platform).ok_or(StoreError::Corrupt("push row"))?;
            let payload =
                serde_json::from_str(&payload).map_err(|_| StoreError::Corrupt("push row"))?;
            Ok(Due {
                id,
                attempts,
                message: PushMessage { device_id, target: PushTarget { platform, token }, payload },
            })
        };
        let fresh = self
            .prepare_cached(
                "SELECT id, 0, device_id, platform, token, payload FROM push_outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?
            .query_map(params![cursor, PAGE], row)?
            .map(|r| parse(r?))
            .collect::<StoreResult<_>>()?;
        let retries = self
            .prepare_cached(
                "SELECT o.id, r.attempts, o.device_id, o.platform, o.token, o.payload
                 FROM outbox_retries r JOIN push_outbox o ON o.id = r.id
                 WHERE r.outbox = 'push' AND r.given_up = 0 AND r.next_attempt_at <= ?1 ORDER BY o.id LIMIT ?2",
            )?
            .query_map(params![millis(now), PAGE], row)?
            .map(|r| parse(r?))
            .collect::<StoreResult<_>>()?;
        Ok(Round { fresh, retries })
    }

    fn record_round(
        &self,
        kind: Kind,
        through: Option<i64>,
        outcomes: &[(i64, i64, Outcome)],
        forget_taken: bool,
        now: Timestamp,
    ) -> StoreResult<usize> {
        if let Some(through) = through {
            self.prepare_cached(
                "UPDATE outbox_cursors SET delivered_through = ?2 WHERE outbox = ?1",
            )?
            .execute(params![kind.name(), through])?;
        }
        let (taken, steps) = round_steps(outcomes, forget_taken, now);
        for step in steps {
            match step {
                RoundStep::Empty(id) => {
                    let emptied = match kind {
                        Kind::Sms => "UPDATE sms_outbox SET text = '' WHERE id = ?1",
                        Kind::Push => {
                            "UPDATE push_outbox SET token = '', payload = 'null' WHERE id = ?1"
                        }
                    };
                    self.prepare_cached(emptied)?.execute([id])?;
                }
                RoundStep::Retried(id) => {
                    self.prepare_cached(
                        "DELETE FROM outbox_retries WHERE outbox = ?1 AND id = ?2",
                    )?
                    .execute(params![kind.name(), id])?;
                }
                RoundStep::Retry { id, attempts, next_attempt_at, given_up } => {
                    self.prepare_cached(
                        "INSERT INTO outbox_retries (outbox, id, attempts, next_attempt_at, given_up) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (outbox, id) DO UPDATE SET attempts = ?3, next_attempt_at = ?4, given_up = ?5",
                    )?
                    .execute(params![kind.name(), id, attempts, next_attempt_at, given_up])?;
                }
            }
        }
        Ok(taken)
    }

    fn sms_page(&self, after: i64) -> StoreResult<Vec<(OutboxSms, SealedText)>> {
        let mut stmt = self.prepare_cached(
            "SELECT id, to_number, text, sent_at FROM sms_outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map([after, PAGE], |r| {
            let sms = OutboxSms {
                id: r.get(0)?,
                to: r.get(1)?,
                text: String::new(),
                sent_at: from_millis(r.get(3)?),
            };
            Ok((sms, SealedText::from_stored(r.get(2)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn letters_page(&self, after: i64) -> StoreResult<Vec<(OutboxLetter, SealedText)>> {
        let mut stmt = self.prepare_cached(
            "SELECT id, to_name, address, text, sent_at FROM letters WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map([after, PAGE], |r| {
            let letter = OutboxLetter {
                id: r.get(0)?,
                to_name: r.get(1)?,
                address: r.get(2)?,
                text: String::new(),
                sent_at: from_millis(r.get(4)?),
            };
            Ok((letter, SealedText::from_stored(r.get(3)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn push_page(&self, after: i64) -> StoreResult<Vec<OutboxPush>> {
        let mut stmt = self.prepare_cached(
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

    fn depth(&self, kind: Kind) -> StoreResult<(i64, i64)> {
        let through = cursor(self, kind)?;
        let fresh: i64 = self.query_row(
            &format!("SELECT count(*) FROM {} WHERE id > ?1", kind.table()),
            [through],
            |r| r.get(0),
        )?;
        let (retrying, dead): (i64, i64) = self.query_row(
            "SELECT coalesce(sum(given_up = 0), 0), coalesce(sum(given_up = 1), 0)
             FROM outbox_retries WHERE outbox = ?1",
            [kind.name()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((fresh + retrying, dead))
    }

    fn dead_letters(&self) -> StoreResult<Vec<DeadLetter>> {
        let mut stmt = self.prepare_cached(
            "SELECT r.outbox, r.id, r.attempts, coalesce(s.to_number, p.platform, ''),
                    coalesce(s.sent_at, p.sent_at, 0)
             FROM outbox_retries r
             LEFT JOIN sms_outbox s ON r.outbox = 'sms' AND s.id = r.id
             LEFT JOIN push_outbox p ON r.outbox = 'push' AND p.id = r.id
             WHERE r.given_up = 1 ORDER BY coalesce(s.sent_at, p.sent_at, 0) DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([PAGE], |r| {
            let outbox: String = r.get(0)?;
            let to: String = r.get(3)?;
            // A number shows only its last digits, as everywhere else.
            let to = if outbox == "sms" {
                format!("•••••••{}", to.get(to.len().saturating_sub(2)..).unwrap_or_default())
            } else {
                to
            };
            Ok(DeadLetter {
                outbox,
                id: r.get(1)?,
                to,
                attempts: r.get(2)?,
                queued_at: from_millis(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn prune_outbox(&self, now: Timestamp) -> StoreResult<usize> {
        let horizon = millis(now - OUTBOX_LIFE);
        let mut pruned = 0;
        for table in ["sms_outbox", "letters", "push_outbox", "email_outbox"] {
            pruned +=
                self.execute(&format!("DELETE FROM {table} WHERE sent_at <= ?1"), [horizon])?;
        }
        // Retries whose message is gone with it.
        pruned += self.execute(
            "DELETE FROM outbox_retries WHERE (outbox = 'sms' AND id NOT IN (SELECT id FROM sms_outbox))
                OR (outbox = 'push' AND id NOT IN (SELECT id FROM push_outbox))",
            [],
        )?;
        Ok(pruned)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::db::in_memory;

    fn sms(conn: &Connection, n: i64) {
        conn.execute(
            "INSERT INTO sms_outbox (to_number, text, sent_at) VALUES ('+34612345678', ?1, 0)",
            [n],
        )
        .unwrap();
    }

    #[test]
    fn the_cursor_passes_what_was_handed_over_and_restarts_when_ids_do() {
        let mut conn = in_memory();
        let now = Timestamp::from_timestamp(1_800_000_000, 0).unwrap();
        for n in 0..3 {
            sms(&conn, n);
        }
        let round = conn.due_sms(now).unwrap();
        assert_eq!(round.fresh.iter().map(|d| d.id).collect::<Vec<_>>(), [1, 2, 3]);
        let tx = conn.transaction().unwrap();
        let outcomes =
            [(1, 0, Outcome::Taken), (2, 0, Outcome::Unavailable), (3, 0, Outcome::Refused)];
        assert_eq!(tx.record_round(Kind::Sms, Some(3), &outcomes, false, now).unwrap(), 1);
        tx.commit().unwrap();
        assert!(conn.due_sms(now).unwrap().fresh.is_empty(), "nothing is handed over twice");
        // The one the gateway could not take comes back after its wait; the refused one never.
        let later = now + TimeDelta::seconds(3);
        let retries = conn.due_sms(later).unwrap().retries;
        assert_eq!(retries.iter().map(|d| (d.id, d.attempts)).collect::<Vec<_>>(), [(2, 1)]);
        // Pruning emptied the table, so SQLite starts its ids again: still read.
        conn.execute("DELETE FROM sms_outbox", []).unwrap();
        sms(&conn, 9);
        assert_eq!(
            conn.due_sms(later).unwrap().fresh.iter().map(|d| d.id).collect::<Vec<_>>(),
            [1]
        );
    }
}
