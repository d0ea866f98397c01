//! The delivery worker: after a commit that queued messages it is woken at once, and
//! every second it looks for retries that fell due. One per service process: with
//! several instances on one database each would claim rows (`FOR UPDATE SKIP
//! LOCKED`) instead of following the cursor, which SQLite's single process allows.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::gateways::SmsMessage;
use super::gateways::{GatewayError, PushGateway, SmsGateway};
use super::outbox::{self, Due, Kind, OutboxStore, Outcome, QueuedSms};
use super::sealing::{self, Outbox};
use crate::db::Db;
use crate::db::{StoreError, StoreResult};
use crate::keys::ServiceKeys;
use clavepin_protocol::Clock;

/// How long a woken worker waits for more: under load a round then takes a batch
/// (one read, one write) instead of one message each, and a message is still out
/// within milliseconds of its commit.
const GATHER: Duration = Duration::from_millis(5);

/// The gateways, and the bell that wakes the worker.
#[derive(Debug, Clone)]
pub struct Delivery {
    sms: Arc<dyn SmsGateway>,
    push: Arc<dyn PushGateway>,
    bell: Arc<Notify>,
    /// One round at a time, so a message is never handed over twice.
    round: Arc<tokio::sync::Mutex<()>>,
}

impl Delivery {
    pub fn new(sms: Arc<dyn SmsGateway>, push: Arc<dyn PushGateway>) -> Self {
        Self { sms, push, bell: Arc::new(Notify::new()), round: Arc::default() }
    }

    /// Something was queued and committed: deliver it now rather than at the next tick.
    pub fn wake(&self) {
        self.bell.notify_one();
    }

    /// Hands everything due to the gateways once; returns how many messages they took.
    pub async fn drain(
        &self,
        db: &Db,
        clock: &dyn Clock,
        keys: &ServiceKeys,
    ) -> StoreResult<usize> {
        let _round = self.round.lock().await;
        let now = clock.now();
        let (sms, pushes) =
            db.read(move |c| Ok::<_, StoreError>((c.due_sms(now)?, c.due_pushes(now)?))).await?;
        let sms = opened(sms, keys)?;
        if sms.fresh.is_empty()
            && sms.retries.is_empty()
            && pushes.fresh.is_empty()
            && pushes.retries.is_empty()
        {
            return Ok(0);
        }
        let sms_outcomes = hand_over(&sms, |m| self.sms.send(m)).await;
        let push_outcomes = hand_over(&pushes, |m| self.push.send(m)).await;
        let now = clock.now();
        let (sms_through, push_through) =
            (sms.fresh.last().map(|d| d.id), pushes.fresh.last().map(|d| d.id));
        let (forget_sms, forget_pushes) = (!self.sms.is_the_outbox(), !self.push.is_the_outbox());
        db.write(move |tx| {
            Ok::<_, StoreError>(
                tx.record_round(Kind::Sms, sms_through, &sms_outcomes, forget_sms, now)?
                    + tx.record_round(
                        Kind::Push,
                        push_through,
                        &push_outcomes,
                        forget_pushes,
                        now,
                    )?,
            )
        })
        .await
    }

    /// Delivers until the task is aborted.
    pub async fn run(self, db: Db, clock: Arc<dyn Clock>, keys: Arc<ServiceKeys>) {
        loop {
            let woken = tokio::time::timeout(Duration::from_secs(1), self.bell.notified()).await;
            if woken.is_ok() {
                // Let the commits of a burst gather: one round, one write, for all of them.
                tokio::time::sleep(GATHER).await;
            }
            if let Err(e) = self.drain(&db, clock.as_ref(), &keys).await {
                tracing::warn!(error = %e, "delivery round failed");
            }
        }
    }
}

/// Sends a round's messages, fresh then retries, and says how each went.
async fn hand_over<'a, M: 'a>(
    round: &'a outbox::Round<M>,
    send: impl Fn(&'a M) -> super::gateways::Sending<'a>,
) -> Vec<(i64, i64, Outcome)> {
    let mut outcomes = Vec::with_capacity(round.fresh.len() + round.retries.len());
    for due in round.fresh.iter().chain(&round.retries) {
        let outcome = match send(&due.message).await {
            Ok(()) => Outcome::Taken,
            Err(e) => {
                tracing::warn!(id = due.id, attempts = due.attempts, error = %e, "delivery failed");
                match e {
                    GatewayError::Unavailable(_) => Outcome::Unavailable,
                    GatewayError::Refused(_) => Outcome::Refused,
                }
            }
        };
        outcomes.push((due.id, due.attempts, outcome));
    }
    outcomes
}

/// The round's SMS with their texts opened, in memory only for the hand-over.
fn opened(
    round: outbox::Round<QueuedSms>,
    keys: &ServiceKeys,
) -> StoreResult<outbox::Round<SmsMessage>> {
    let open = |due: Due<QueuedSms>| -> StoreResult<Due<SmsMessage>> {
        let text = sealing::open(keys, Outbox::Sms, &due.message.text)?;
        let message = SmsMessage { to: due.message.to, text: text.as_str().to_owned() };
        Ok(Due { id: due.id, attempts: due.attempts, message })
    };
    Ok(outbox::Round {
        fresh: round.fresh.into_iter().map(open).collect::<StoreResult<_>>()?,
        retries: round.retries.into_iter().map(open).collect::<StoreResult<_>>()?,
    })
}
