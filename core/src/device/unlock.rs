//! Unlocking with the security pattern (SPEC.md's table): the pattern opens the
//! citizen's signing key; wrong patterns bring waits of 30 s, 1, 5 and 15 minutes
//! after the 5th, persisted across restarts, and the 10th wipes the activation.

use std::sync::Arc;

use clavepin_protocol::crypto::DeviceSigningKey;

use super::{Device, Session};
use crate::error::{CoreError, CoreResult};
use crate::pattern::{self, Pattern};
use crate::store::CitizenState;

impl Device {
    /// Unlocks a citizen with the pattern. Acknowledgements of PINs that arrived
    /// while locked are sent by [`Device::pull`], which the shells call next.
    pub fn unlock(&self, document: &str, pattern: &Pattern) -> CoreResult<()> {
        let document = Self::document(document)?;
        let key = self.open_lock(&document, pattern)?;
        let device_id =
            self.store().citizen(&document)?.ok_or(CoreError::UnknownCitizen)?.device_id;
        self.sessions().insert(document, Arc::new(Session { device_id, key }));
        Ok(())
    }

    /// Locks a citizen again (the app went to the background).
    pub fn lock(&self, document: &str) -> CoreResult<()> {
        self.sessions().remove(&Self::document(document)?);
        Ok(())
    }

    /// Whether a citizen is unlocked.
    pub fn is_unlocked(&self, document: &str) -> bool {
        Self::document(document).is_ok_and(|d| self.sessions().contains_key(&d))
    }

    /// Changes the pattern: the old one must open the lock (wrong tries count).
    pub fn change_pattern(&self, document: &str, old: &Pattern, new: &Pattern) -> CoreResult<()> {
        let document = Self::document(document)?;
        let key = self.open_lock(&document, old)?;
        let store = self.store();
        let lock = new.lock(key.pkcs8(), self.inner.pattern_iterations, store.rng())?;
        store.set_pattern_lock(&document, &lock)?;
        Ok(())
    }

    /// Tries the pattern against the citizen's lock, applying waits and the wipe.
    fn open_lock(
        &self,
        document: &clavepin_protocol::DocumentNumber,
        pattern: &Pattern,
    ) -> CoreResult<DeviceSigningKey> {
        let now = self.now();
        let store = self.store();
        let citizen = store.citizen(document)?.ok_or(CoreError::UnknownCitizen)?;
        if citizen.state == CitizenState::NeedsPattern {
            return Err(CoreError::PatternNotSet);
        }
        let wait = citizen.unlock_blocked_until - now;
        if wait > chrono::TimeDelta::zero() {
            return Err(CoreError::UnlockWait {
                wait_secs: (wait.num_milliseconds() + 999) / 1000,
            });
        }
        let lock = store.pattern_lock(document)?.ok_or(CoreError::PatternNotSet)?;
        if let Some(pkcs8) = pattern.open(&lock)? {
            store.set_unlock_failures(document, 0, now)?;
            return DeviceSigningKey::from_pkcs8(&pkcs8, store.rng())
                .map_err(|_| CoreError::Protocol("stored key".into()));
        }
        let failures = citizen.unlock_failures + 1;
        if failures >= pattern::WIPE_AT {
            store.remove_citizen(document)?;
            drop(store);
            self.sessions().remove(document);
            return Err(CoreError::Wiped);
        }
        let wait = pattern::wait_after(failures);
        store.set_unlock_failures(document, failures, now + wait)?;
        Err(CoreError::WrongPattern {
            tries_left: pattern::WIPE_AT - failures,
            wait_secs: wait.num_seconds(),
        })
    }
}
