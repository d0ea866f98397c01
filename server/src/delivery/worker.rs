//! The delivery worker: after a commit that queued messages it is woken at once, and
//! every second it looks for retries that fell due. One runs in every instance; a
//! round is one at a time across all of them (on PostgreSQL, under a lock of the
//! database's), so the outbox's cursor is followed by one round after another and a
//! message is never handed over twice, whichever instance queued it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::gateways::SmsMessage;
use super::gateways::{GatewayError, PushGateway, SmsGateway};
use super::outbox::{self, Due, Kind, Outcome, QueuedSms};
use super::sealing::{self, Outbox};
use crate::db::Db;
use crate::db::{StoreError, StoreResult};
use crate::keys::ServiceKeys;
use clavepin_protocol::Clock;

/// How long a woken worker waits for more: under load a round then takes a batch
/// (one read, one write) instead of one message each, and a message is still out
/// within milliseconds of its commit.
const GATHER: Duration = Duration::from_millis(5);

/// The database lock a delivery round holds across instances.
const DELIVERY_LOCK: i64 = 0x636c_6176_6564_6c76;

/// A push whose token turned out dead: which device, which token, which PIN.
#[derive(Debug, Clone)]
pub struct DeadToken {
    pub device_id: String,
    pub token: String,
    /// The PIN request the push carried, if its payload names one.
    pub request_id: Option<String>,
}

/// What to do about a dead token, in the transaction that records the round: the
/// rules above delivery supply it (drop the token, send the PIN by SMS), so that
/// delivery never calls them. Returns whether an SMS was queued.
pub type OnDeadToken = Arc<
    dyn Fn(
            &dyn crate::store::Store,
            &DeadToken,
            &ServiceKeys,
            clavepin_protocol::Timestamp,
        ) -> StoreResult<bool>
        + Send
        + Sync,
>;

/// The gateways, and the bell that wakes the worker.
#[derive(Clone)]
pub struct Delivery {
    sms: Arc<dyn SmsGateway>,
    push: Arc<dyn PushGateway>,
    metrics: Arc<crate::metrics::Metrics>,
    on_dead_token: Option<OnDeadToken>,
    bell: Arc<Notify>,
    /// One round at a time, so a message is never handed over twice.
    round: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("sms", &self.sms)
            .field("push", &self.push)
            .field("on_dead_token", &self.on_dead_token.is_some())
            .finish_non_exhaustive()
    }
}

impl Delivery {
    pub fn new(
        sms: Arc<dyn SmsGateway>,
        push: Arc<dyn PushGateway>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Self {
        let (bell, round) = (Arc::new(Notify::new()), Arc::default());
        Self { sms, push, metrics, on_dead_token: None, bell, round }
    }

    /// What to do when a push token turns out dead.
    pub fn on_dead_token(mut self, handler: OnDeadToken) -> Self {
        self.on_dead_token = Some(handler);
        self
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
        keys: &Arc<ServiceKeys>,
    ) -> StoreResult<usize> {
        let _round = self.round.lock().await;
        match db.postgres() {
            Some(pg) => pg.exclusive(DELIVERY_LOCK, self.round(db, clock, keys)).await?,
            None => self.round(db, clock, keys).await,
        }
    }

    /// One round: what is due, handed over, recorded.
    async fn round(
        &self,
        db: &Db,
        clock: &dyn Clock,
        keys: &Arc<ServiceKeys>,
    ) -> StoreResult<usize> {
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
        self.count("sms", &sms_outcomes);
        self.count("push", &push_outcomes);
        let now = clock.now();
        let (sms_through, push_through) =
            (sms.fresh.last().map(|d| d.id), pushes.fresh.last().map(|d| d.id));
        let (forget_sms, forget_pushes) = (!self.sms.is_the_outbox(), !self.push.is_the_outbox());
        let dead = dead_tokens(&pushes, &push_outcomes);
        let handler = self.on_dead_token.clone();
        let keys = keys.clone();
        let (taken, fell_back) = db
            .write(move |tx| {
                let taken =
                    tx.record_round(Kind::Sms, sms_through, &sms_outcomes, forget_sms, now)?
                        + tx.record_round(
                            Kind::Push,
                            push_through,
                            &push_outcomes,
                            forget_pushes,
                            now,
                        )?;
                let mut fell_back = false;
                if let Some(handler) = &handler {
                    for token in &dead {
                        fell_back |= handler(tx, token, &keys, now)?;
                    }
                }
                Ok::<_, StoreError>((taken, fell_back))
            })
            .await?;
        if fell_back {
            // The SMS that stands in for the dead push goes in the next round.
            self.wake();
        }
        Ok(taken)
    }

    /// Counts a round's outcomes for the metrics: taken, to retry, or given up on (the
    /// same rule `record_round` stores).
    fn count(&self, channel: &'static str, outcomes: &[(i64, i64, Outcome)]) {
        use crate::metrics::Delivered;
        let (mut taken, mut retry, mut given_up) = (0, 0, 0);
        for &(_, attempts, outcome) in outcomes {
            match outcome {
                Outcome::Taken => taken += 1,
                Outcome::Refused | Outcome::Unregistered => given_up += 1,
                Outcome::Unavailable if attempts + 1 >= outbox::MAX_ATTEMPTS => given_up += 1,
                Outcome::Unavailable => retry += 1,
            }
        }
        for (outcome, count) in
            [(Delivered::Taken, taken), (Delivered::Retry, retry), (Delivered::GivenUp, given_up)]
        {
            if count > 0 {
                self.metrics.delivered(channel, outcome, count);
            }
        }
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

/// The pushes of a round whose tokens came back dead.
fn dead_tokens(
    round: &outbox::Round<super::gateways::PushMessage>,
    outcomes: &[(i64, i64, Outcome)],
) -> Vec<DeadToken> {
    round
        .fresh
        .iter()
        .chain(&round.retries)
        .zip(outcomes)
        .filter(|(_, (_, _, outcome))| matches!(outcome, Outcome::Unregistered))
        .map(|(due, _)| {
            let m = &due.message;
            // FCM carries the data under `message.data`, APNs under `clavepin`.
            let data = m.payload.pointer("/message/data").or_else(|| m.payload.get("clavepin"));
            let request_id =
                data.and_then(|d| d.get("request_id")).and_then(|r| r.as_str()).map(str::to_owned);
            DeadToken { device_id: m.device_id.clone(), token: m.target.token.clone(), request_id }
        })
        .collect()
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
                    GatewayError::Unregistered(_) => Outcome::Unregistered,
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
