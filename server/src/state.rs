//! What every request handler shares.

use std::sync::Arc;

use clavepin_protocol::{Clock, Timestamp};
use ring::rand::SystemRandom;

use crate::db::Db;
use crate::keys::ServiceKeys;
use crate::sms::SmsGateway;

/// The service's shared state; cloning is cheap.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub keys: ServiceKeys,
    pub rng: SystemRandom,
    pub sms: Arc<dyn SmsGateway>,
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }

    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
