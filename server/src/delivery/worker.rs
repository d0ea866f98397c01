//! The delivery worker: after a commit that queued messages it is woken at once, and
//! every second it looks for retries that fell due. One per service process: with
//! several instances on one database each would claim rows (`FOR UPDATE SKIP
//! LOCKED`), which SQLite's single process does not need.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::gateways::{GatewayError, PushGateway, SmsGateway};
use super::outbox::{self, Kind};
use crate::db::Db;
use crate::db::{StoreError, StoreResult};
use clavepin_protocol::Clock;

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
    pub async fn drain(&self, db: &Db, clock: &dyn Clock) -> StoreResult<usize> {
        let _round = self.round.lock().await;
        let now = clock.now();
        let (sms, pushes) = db
            .read(move |c| {
                Ok::<_, StoreError>((outbox::due_sms(c, now)?, outbox::due_pushes(c, now)?))
            })
            .await?;
        let mut outcomes = Vec::with_capacity(sms.len() + pushes.len());
        for due in &sms {
            outcomes.push((Kind::Sms, due.id, due.attempts, self.sms.send(&due.message).await));
        }
        for due in &pushes {
            outcomes.push((Kind::Push, due.id, due.attempts, self.push.send(&due.message).await));
        }
        if outcomes.is_empty() {
            return Ok(0);
        }
        let now = clock.now();
        let records: Vec<_> = outcomes
            .into_iter()
            .map(|(kind, id, attempts, sent)| {
                if let Err(e) = &sent {
                    tracing::warn!(?kind, id, attempts, error = %e, "delivery failed");
                }
                (kind, id, attempts, sent.map_err(|e| matches!(e, GatewayError::Refused(_))))
            })
            .collect();
        db.write(move |tx| {
            let mut taken = 0;
            for (kind, id, attempts, sent) in &records {
                match sent {
                    Ok(()) => {
                        outbox::delivered(tx, *kind, *id, now)?;
                        taken += 1;
                    }
                    Err(permanent) => outbox::failed(tx, *kind, *id, *attempts, *permanent, now)?,
                }
            }
            Ok(taken)
        })
        .await
    }

    /// Delivers until the task is aborted.
    pub async fn run(self, db: Db, clock: Arc<dyn Clock>) {
        loop {
            let _ = tokio::time::timeout(Duration::from_secs(1), self.bell.notified()).await;
            if let Err(e) = self.drain(&db, clock.as_ref()).await {
                tracing::warn!(error = %e, "delivery round failed");
            }
        }
    }
}
