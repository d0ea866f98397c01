//! What every request handler shares.

use std::sync::Arc;

use clavepin_protocol::{Clock, Timestamp};
use ring::rand::SystemRandom;

use crate::db::Db;
use crate::delivery::worker::Delivery;
use crate::keys::ServiceKeys;
use crate::pins::events::EventHub;

/// The service's shared state; cloning is cheap.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<ServiceKeys>,
    pub rng: SystemRandom,
    /// The outbox's worker and the gateways behind it.
    pub delivery: Delivery,
    pub events: EventHub,
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }

    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    /// Runs `f` behind the contrast-data guess guard (`registry::guard`), at now,
    /// for `client`.
    pub async fn guarded<T, E, F>(
        &self,
        client: crate::serving::client::ClientAddress,
        document: clavepin_protocol::DocumentNumber,
        f: F,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: crate::error::ClaimOutcome + Send + 'static,
        F: FnOnce(&dyn crate::store::Store) -> Result<T, E> + Send + 'static,
    {
        crate::registry::guard::guarded(&self.db, self.now(), document, client, f).await
    }

    /// After a PIN request's transaction committed: the push or SMS goes out, an app
    /// PIN is announced on the direct channel, and the metrics count it.
    pub fn announce(
        &self,
        issued: crate::pins::Issued,
    ) -> clavepin_protocol::wire::PinRequestCreated {
        if issued.queued {
            self.delivery.wake();
        }
        if let Some(pending) = issued.pending {
            self.events.publish(pending);
        }
        let by_sms = issued.created.channel == clavepin_protocol::wire::PinChannel::Sms;
        self.metrics.pin_issued(by_sms);
        issued.created
    }

    /// Counts how a verification ended.
    pub fn count_verification<T>(&self, outcome: &Result<T, crate::error::PinError>) {
        use crate::metrics::Verified;
        let verified = match outcome {
            Ok(_) => Verified::Granted,
            Err(crate::error::PinError::WrongPin { .. }) => Verified::WrongPin,
            Err(_) => Verified::Refused,
        };
        self.metrics.pin_verified(verified);
    }

    /// What issuing a PIN needs, at `now`.
    pub fn issuer(&self, now: Timestamp) -> crate::pins::Issuer<'_> {
        crate::pins::Issuer { now, rng: &self.0.rng, keys: &self.0.keys, site: None }
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
