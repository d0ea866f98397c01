//! Unlocking with the security pattern (SPEC.md's table): the pattern opens the
//! citizen's signing key; wrong patterns bring waits of 30 s, 1, 5 and 15 minutes
//! after the 5th, persisted across restarts, and the 10th wipes the activation.
//!
//! Stretching the pattern takes 600,000 PBKDF2 rounds: these calls are async and
//! stretch on tokio's blocking pool, never on the caller's thread and never holding
//! the store's lock, so the screen, pushes and notifications go on meanwhile. Tries
//! are serialised by the pattern gate, so the failure count cannot race.

use std::sync::Arc;

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::crypto::DeviceSigningKey;
use zeroize::Zeroizing;

use super::{Device, Session};
use crate::error::{CoreError, CoreResult};
use crate::pattern::{self, Pattern};
use crate::store::{CitizenState, PatternLock, StoreError};

impl Device {
    /// Unlocks a citizen with the pattern. Acknowledgements of PINs that arrived
    /// while locked, and a push token that is waiting, are sent by [`Device::pull`],
    /// which the shells call next.
    pub async fn unlock(&self, document: &str, pattern: &Pattern) -> CoreResult<()> {
        let document = Self::document(document)?;
        let _gate = self.inner.pattern_gate.lock().await;
        let epoch = self.lock_epoch();
        let pkcs8 = self.open_lock(&document, pattern).await?;
        if self.lock_epoch() != epoch {
            // Locked while the pattern was being stretched: it stays locked.
            return Err(CoreError::Locked);
        }
        let (key, device_id) = {
            let store = self.store();
            let key = DeviceSigningKey::from_pkcs8(&pkcs8, store.rng())
                .map_err(|_| StoreError::Corrupt("signing key"))?;
            (key, store.citizen(&document)?.ok_or(CoreError::UnknownCitizen)?.device_id)
        };
        self.sessions().insert(document, Arc::new(Session { device_id, key }));
        self.notify_changed();
        Ok(())
    }

    /// Locks a citizen again (the app went to the background).
    pub fn lock(&self, document: &str) -> CoreResult<()> {
        let document = Self::document(document)?;
        self.bump_lock_epoch();
        self.sessions().remove(&document);
        self.notify_changed();
        Ok(())
    }

    /// Locks every citizen (the phone was locked, or the app left the screen).
    pub fn lock_all(&self) {
        self.bump_lock_epoch();
        self.sessions().clear();
        self.notify_changed();
    }

    /// Whether a citizen is unlocked.
    pub fn is_unlocked(&self, document: &str) -> bool {
        Self::document(document).is_ok_and(|d| self.sessions().contains_key(&d))
    }

    /// Changes the pattern: the old one must open the lock (wrong tries count).
    pub async fn change_pattern(
        &self,
        document: &str,
        old: &Pattern,
        new: &Pattern,
    ) -> CoreResult<()> {
        let document = Self::document(document)?;
        let _gate = self.inner.pattern_gate.lock().await;
        let pkcs8 = self.open_lock(&document, old).await?;
        let lock = self.stretch_lock(new, pkcs8).await?;
        self.store().set_pattern_lock(&document, &lock)?;
        Ok(())
    }

    /// Locks a signing key under a pattern, stretching on the blocking pool.
    pub(super) async fn stretch_lock(
        &self,
        pattern: &Pattern,
        pkcs8: Zeroizing<Vec<u8>>,
    ) -> CoreResult<PatternLock> {
        let (pattern, iterations) = (pattern.clone(), self.inner.pattern_iterations);
        let rng = ring::rand::SystemRandom::new();
        off_thread(move || Ok(pattern.lock(&pkcs8, iterations, &rng)?)).await
    }

    /// Tries the pattern against the citizen's lock, applying waits and the wipe.
    /// The caller holds the pattern gate.
    async fn open_lock(
        &self,
        document: &DocumentNumber,
        pattern: &Pattern,
    ) -> CoreResult<Zeroizing<Vec<u8>>> {
        let (citizen, lock) = {
            let store = self.store();
            let citizen = store.citizen(document)?.ok_or(CoreError::UnknownCitizen)?;
            if citizen.state == CitizenState::NeedsPattern {
                return Err(CoreError::PatternNotSet);
            }
            // Never longer than the rule, whatever the clock did since the wait began:
            // a clock set back (or corrected back) re-anchors the wait at now, so a
            // 30-s wait ends at most 30 s after it is seen, and never becomes minutes.
            let now = self.now();
            let rule = pattern::wait_after(citizen.unlock_failures);
            let mut wait = citizen.unlock_blocked_until - now;
            if wait > rule {
                store.set_unlock_failures(document, citizen.unlock_failures, now + rule)?;
                wait = rule;
            }
            if wait > chrono::TimeDelta::zero() {
                return Err(CoreError::UnlockWait {
                    wait_secs: (wait.num_milliseconds() + 999) / 1000,
                });
            }
            (citizen, store.pattern_lock(document)?.ok_or(CoreError::PatternNotSet)?)
        };
        let pattern = pattern.clone();
        let opened = off_thread(move || Ok(pattern.open(&lock)?)).await?;
        let now = self.now();
        if let Some(pkcs8) = opened {
            self.store().set_unlock_failures(document, 0, now)?;
            return Ok(pkcs8);
        }
        let failures = citizen.unlock_failures + 1;
        if failures >= pattern::WIPE_AT {
            self.store().remove_citizen(document)?;
            self.sessions().remove(document);
            self.notify_changed();
            return Err(CoreError::Wiped);
        }
        let wait = pattern::wait_after(failures);
        self.store().set_unlock_failures(document, failures, now + wait)?;
        Err(CoreError::WrongPattern {
            tries_left: pattern::WIPE_AT - failures,
            wait_secs: wait.num_seconds(),
        })
    }
}

/// Runs CPU-heavy work (key stretching) on tokio's blocking pool.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> CoreResult<T> + Send + 'static,
) -> CoreResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(|_| CoreError::Crypto("key stretching"))?
}
