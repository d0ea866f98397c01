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
        F: FnOnce(&rusqlite::Connection) -> Result<T, E> + Send + 'static,
    {
        crate::registry::guard::guarded(&self.db, self.now(), document, client, f).await
    }

    /// What issuing a PIN needs, at `now`.
    pub fn issuer(&self, now: Timestamp) -> crate::pins::Issuer<'_> {
        crate::pins::Issuer { now, rng: &self.0.rng, keys: &self.0.keys }
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
