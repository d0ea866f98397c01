//! The outboxes' storage on PostgreSQL (the SQLite version is in delivery/outbox/mod.rs).

use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{
    DeadLetter, OutboxEmail, OutboxLetter, OutboxPush, OutboxSms, PushPlatform,
};
use postgres::Row;

use super::{
    Due, Kind, OUTBOX_LIFE, OutboxStore, Outcome, PAGE, QueuedEmail, QueuedSms, Round, RoundStep,
    round_steps,
};
use crate::db::postgres::Pg;
use crate::db::{StoreError, StoreResult};
use crate::delivery::gateways::{PushMessage, PushTarget};
use crate::delivery::sealing::SealedText;
use crate::registry::MobileNumber;
use crate::time::{from_millis, millis};

/// Up to which id everything was handed over; a table whose ids started again
/// (emptied by pruning) is read from the start.
fn cursor(pg: &Pg<'_>, kind: Kind) -> StoreResult<i64> {
    // Unlike SQLite's rowids, PostgreSQL's identities never start again: the cursor
    // is read as it is (a "restart" on a pruned table would send messages twice).
    let row = pg.query_one(
        "SELECT delivered_through FROM outbox_cursors WHERE outbox = $1",
        &[&kind.name()],
    )?;
    Ok(row.try_get(0)?)
}

/// A row of `id, attempts, to_number, text`.
fn due_sms(r: &Row) -> StoreResult<Due<QueuedSms>> {
    let to = MobileNumber::parse(r.try_get(2)?).map_err(|_| StoreError::Corrupt("SMS row"))?;
    let text = SealedText::from_stored(r.try_get(3)?);
    Ok(Due { id: r.try_get(0)?, attempts: r.try_get(1)?, message: QueuedSms { to, text } })
}

/// A row of `id, attempts, device_id, platform, token, payload`.
fn due_push(r: &Row) -> StoreResult<Due<PushMessage>> {
    let platform = PushPlatform::from_name(r.try_get(3)?).ok_or(StoreError::Corrupt("push row"))?;
    let payload =
        serde_json::from_str(r.try_get(5)?).map_err(|_| StoreError::Corrupt("push row"))?;
    Ok(Due {
        id: r.try_get(0)?,
        attempts: r.try_get(1)?,
        message: PushMessage {
            device_id: r.try_get(2)?,
            target: PushTarget { platform, token: r.try_get(4)? },
            payload,
        },
    })
}

impl OutboxStore for Pg<'_> {
    fn queue_sms(&self, message: &QueuedSms, now: Timestamp) -> StoreResult<()> {
        let id: i64 = self
            .query_one(
                "INSERT INTO sms_outbox (to_number, text, sent_at) VALUES ($1, $2, $3) RETURNING id",
                &[&message.to.as_str(), &message.text.as_stored(), &millis(now)],
            )?
            .try_get(0)?;
        tracing::info!(sms_id = id, to = %message.to.hint(), "SMS queued");
        Ok(())
    }

    fn queue_email(&self, m: &QueuedEmail, now: Timestamp) -> StoreResult<()> {
        self.execute(
            "INSERT INTO email_outbox (to_address, subject, text, sent_at) VALUES ($1, $2, $3, $4)",
            &[&m.to, &m.subject, &m.text.as_stored(), &millis(now)],
        )?;
        Ok(())
    }

    fn email_page(&self, after: i64) -> StoreResult<Vec<(OutboxEmail, SealedText)>> {
        self.query(
            "SELECT id, to_address, subject, text, sent_at FROM email_outbox WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &PAGE],
        )?
        .iter()
        .map(|r| {
            let email = OutboxEmail {
                id: r.try_get(0)?,
                to: r.try_get(1)?,
                subject: r.try_get(2)?,
                text: String::new(),
                sent_at: from_millis(r.try_get(4)?),
            };
            Ok((email, SealedText::from_stored(r.try_get(3)?)))
        })
        .collect()
    }

    fn queue_push(&self, message: &PushMessage, now: Timestamp) -> StoreResult<()> {
        let platform = message.target.platform.as_str();
        let id: i64 = self
            .query_one(
                "INSERT INTO push_outbox (device_id, platform, token, payload, sent_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &message.device_id,
                    &platform,
                    &message.target.token,
                    &message.payload.to_string(),
                    &millis(now),
                ],
            )?
            .try_get(0)?;
        tracing::info!(push_id = id, platform, "push queued");
        Ok(())
    }

    fn due_sms(&self, now: Timestamp) -> StoreResult<Round<QueuedSms>> {
        let cursor = cursor(self, Kind::Sms)?;
        let fresh = self
            .query(
                "SELECT id, 0::BIGINT, to_number, text FROM sms_outbox WHERE id > $1 ORDER BY id LIMIT $2",
                &[&cursor, &PAGE],
            )?
            .iter()
            .map(due_sms)
            .collect::<StoreResult<_>>()?;
        let retries = self
            .query(
                "SELECT o.id, r.attempts, o.to_number, o.text FROM outbox_retries r JOIN sms_outbox o ON o.id = r.id
                 WHERE r.outbox = 'sms' AND r.given_up = 0 AND r.next_attempt_at <= $1 ORDER BY o.id LIMIT $2",
                &[&millis(now), &PAGE],
            )?
            .iter()
            .map(due_sms)
            .collect::<StoreResult<_>>()?;
        Ok(Round { fresh, retries })
    }

    fn due_pushes(&self, now: Timestamp) -> StoreResult<Round<PushMessage>> {
        let cursor = cursor(self, Kind::Push)?;
        let fresh = self
            .query(
                "SELECT id, 0::BIGINT, device_id, platform, token, payload FROM push_outbox
                 WHERE id > $1 ORDER BY id LIMIT $2",
                &[&cursor, &PAGE],
            )?
            .iter()
            .map(due_push)
            .collect::<StoreResult<_>>()?;
        let retries = self
            .query(
                "SELECT o.id, r.attempts, o.device_id, o.platform, o.token, o.payload
                 FROM outbox_retries r JOIN push_outbox o ON o.id = r.id
                 WHERE r.outbox = 'push' AND r.given_up = 0 AND r.next_attempt_at <= $1 ORDER BY o.id LIMIT $2",
                &[&millis(now), &PAGE],
            )?
            .iter()
            .map(due_push)
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
            self.execute(
                "UPDATE outbox_cursors SET delivered_through = $2 WHERE outbox = $1",
                &[&kind.name(), &through],
            )?;
        }
        let (taken, steps) = round_steps(outcomes, forget_taken, now);
        for step in steps {
            match step {
                RoundStep::Empty(id) => {
                    let emptied = match kind {
                        Kind::Sms => "UPDATE sms_outbox SET text = '' WHERE id = $1",
                        Kind::Push => {
                            "UPDATE push_outbox SET token = '', payload = 'null' WHERE id = $1"
                        }
                    };
                    self.execute(emptied, &[&id])?;
                }
                RoundStep::Retried(id) => {
                    self.execute(
                        "DELETE FROM outbox_retries WHERE outbox = $1 AND id = $2",
                        &[&kind.name(), &id],
                    )?;
                }
                RoundStep::Retry { id, attempts, next_attempt_at, given_up } => {
                    self.execute(
                        "INSERT INTO outbox_retries (outbox, id, attempts, next_attempt_at, given_up) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (outbox, id) DO UPDATE SET attempts = $3, next_attempt_at = $4, given_up = $5",
                        &[&kind.name(), &id, &attempts, &next_attempt_at, &i64::from(given_up)],
                    )?;
                }
            }
        }
        Ok(taken)
    }

    fn sms_page(&self, after: i64) -> StoreResult<Vec<(OutboxSms, SealedText)>> {
        self.query(
            "SELECT id, to_number, text, sent_at FROM sms_outbox WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &PAGE],
        )?
        .iter()
        .map(|r| {
            let sms = OutboxSms {
                id: r.try_get(0)?,
                to: r.try_get(1)?,
                text: String::new(),
                sent_at: from_millis(r.try_get(3)?),
            };
            Ok((sms, SealedText::from_stored(r.try_get(2)?)))
        })
        .collect()
    }

    fn letters_page(&self, after: i64) -> StoreResult<Vec<(OutboxLetter, SealedText)>> {
        self.query(
            "SELECT id, to_name, address, text, sent_at FROM letters WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &PAGE],
        )?
        .iter()
        .map(|r| {
            let letter = OutboxLetter {
                id: r.try_get(0)?,
                to_name: r.try_get(1)?,
                address: r.try_get(2)?,
                text: String::new(),
                sent_at: from_millis(r.try_get(4)?),
            };
            Ok((letter, SealedText::from_stored(r.try_get(3)?)))
        })
        .collect()
    }

    fn push_page(&self, after: i64) -> StoreResult<Vec<OutboxPush>> {
        self.query(
            "SELECT id, device_id, platform, token, payload, sent_at FROM push_outbox
             WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &PAGE],
        )?
        .iter()
        .map(|r| {
            let corrupt = || StoreError::Corrupt("push row");
            Ok(OutboxPush {
                id: r.try_get(0)?,
                device_id: r.try_get(1)?,
                platform: PushPlatform::from_name(r.try_get(2)?).ok_or_else(corrupt)?,
                token: r.try_get(3)?,
                payload: serde_json::from_str(r.try_get(4)?).map_err(|_| corrupt())?,
                sent_at: from_millis(r.try_get(5)?),
            })
        })
        .collect()
    }

    fn depth(&self, kind: Kind) -> StoreResult<(i64, i64)> {
        let through = cursor(self, kind)?;
        let fresh: i64 = self
            .query_one(
                &format!("SELECT count(*) FROM {} WHERE id > $1", kind.table()),
                &[&through],
            )?
            .try_get(0)?;
        // PostgreSQL sums no booleans: count the rows of each kind instead.
        let r = self.query_one(
            "SELECT count(*) FILTER (WHERE given_up = 0), count(*) FILTER (WHERE given_up = 1)
             FROM outbox_retries WHERE outbox = $1",
            &[&kind.name()],
        )?;
        let (retrying, dead): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        Ok((fresh + retrying, dead))
    }

    fn dead_letters(&self) -> StoreResult<Vec<DeadLetter>> {
        self.query(
            "SELECT r.outbox, r.id, r.attempts, coalesce(s.to_number, p.platform, ''),
                    coalesce(s.sent_at, p.sent_at, 0)
             FROM outbox_retries r
             LEFT JOIN sms_outbox s ON r.outbox = 'sms' AND s.id = r.id
             LEFT JOIN push_outbox p ON r.outbox = 'push' AND p.id = r.id
             WHERE r.given_up = 1 ORDER BY coalesce(s.sent_at, p.sent_at, 0) DESC LIMIT $1",
            &[&PAGE],
        )?
        .iter()
        .map(|r| {
            let outbox: String = r.try_get(0)?;
            let to: String = r.try_get(3)?;
            // A number shows only its last digits, as everywhere else.
            let to = if outbox == "sms" {
                format!("•••••••{}", to.get(to.len().saturating_sub(2)..).unwrap_or_default())
            } else {
                to
            };
            Ok(DeadLetter {
                outbox,
                id: r.try_get(1)?,
                to,
                attempts: r.try_get(2)?,
                queued_at: from_millis(r.try_get(4)?),
            })
        })
        .collect()
    }

    fn prune_outbox(&self, now: Timestamp) -> StoreResult<usize> {
        let horizon = millis(now - OUTBOX_LIFE);
        let mut pruned = 0;
        for table in ["sms_outbox", "letters", "push_outbox", "email_outbox"] {
            pruned +=
                self.execute(&format!("DELETE FROM {table} WHERE sent_at <= $1"), &[&horizon])?;
        }
        // Retries whose message is gone with it.
        pruned += self.execute(
            "DELETE FROM outbox_retries WHERE (outbox = 'sms' AND id NOT IN (SELECT id FROM sms_outbox))
                OR (outbox = 'push' AND id NOT IN (SELECT id FROM push_outbox))",
            &[],
        )?;
        Ok(pruned)
    }
}
