//! Citizens activated on this device, and an activation in progress.

use clavepin_protocol::crypto::SealingKey;
use clavepin_protocol::{DocumentNumber, Timestamp};
use rusqlite::{OptionalExtension, Row, params};
use zeroize::Zeroizing;

use super::{Store, StoreError, from_ms, ms};

/// Where a citizen's activation on this device stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CitizenState {
    /// Bound, but the security pattern is not set yet.
    NeedsPattern,
    /// Ready: receives PINs, unlocks with its pattern.
    Active,
    /// Another device was activated for this citizen; this one gets no more PINs.
    Replaced,
}

impl CitizenState {
    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "needs_pattern" => Ok(CitizenState::NeedsPattern),
            "active" => Ok(CitizenState::Active),
            "replaced" => Ok(CitizenState::Replaced),
            _ => Err(StoreError::Corrupt("citizen state")),
        }
    }
}

/// A citizen's row, without secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCitizen {
    /// The citizen.
    pub document: DocumentNumber,
    /// The service's id for this device's activation.
    pub device_id: String,
    /// Where the activation stands.
    pub state: CitizenState,
    /// When it was activated.
    pub activated_at: Timestamp,
    /// Consecutive wrong patterns.
    pub unlock_failures: u32,
    /// No unlocking before this instant.
    pub unlock_blocked_until: Timestamp,
}

/// The signing key locked under the pattern, and how to stretch the pattern.
#[derive(Debug, Clone)]
pub struct PatternLock {
    /// PBKDF2 salt.
    pub salt: Vec<u8>,
    /// PBKDF2 iterations.
    pub iterations: u32,
    /// The signing key's PKCS#8, AES-256-GCM under the stretched pattern.
    pub locked_signing_key: Vec<u8>,
}

/// An activation waiting for its SMS code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingActivation {
    /// The citizen.
    pub document: DocumentNumber,
    /// The service's id for the attempt.
    pub activation_id: String,
    /// When the code stops working.
    pub code_expires_at: Timestamp,
    /// Where the SMS went.
    pub phone_hint: String,
    /// When the code was asked for.
    pub started_at: Timestamp,
}

fn citizen_from_row(r: &Row<'_>) -> rusqlite::Result<(String, String, String, i64, i64, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

/// locked_signing_key, pattern_salt, pattern_iterations: all set, or none yet.
type LockColumns = (Option<Vec<u8>>, Option<Vec<u8>>, Option<i64>);

const CITIZEN_COLUMNS: &str =
    "document, device_id, state, activated_at, unlock_failures, unlock_blocked_until";

impl Store {
    /// Remembers an activation waiting for its code (replacing that citizen's earlier
    /// one; other citizens' stay).
    pub fn save_pending_activation(&self, pending: &PendingActivation) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_activations (document, activation_id, code_expires_at, phone_hint, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![pending.document.as_str(), pending.activation_id, ms(pending.code_expires_at), pending.phone_hint, ms(pending.started_at)],
        )?;
        Ok(())
    }

    /// The activations waiting for their codes, newest first.
    pub fn pending_activations(&self) -> Result<Vec<PendingActivation>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT document, activation_id, code_expires_at, phone_hint, started_at
             FROM pending_activations ORDER BY started_at DESC, document",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?
            .collect::<Result<Vec<(String, String, i64, String, i64)>, _>>()?;
        rows.into_iter()
            .map(|(document, activation_id, expires, phone_hint, started)| {
                Ok(PendingActivation {
                    document: DocumentNumber::parse(&document)
                        .map_err(|_| StoreError::Corrupt("pending document"))?,
                    activation_id,
                    code_expires_at: from_ms(expires),
                    phone_hint,
                    started_at: from_ms(started),
                })
            })
            .collect()
    }

    /// A citizen's activation waiting for its code, if any.
    pub fn pending_activation(
        &self,
        document: &DocumentNumber,
    ) -> Result<Option<PendingActivation>, StoreError> {
        Ok(self.pending_activations()?.into_iter().find(|p| p.document == *document))
    }

    /// Forgets a citizen's activation in progress.
    pub fn clear_pending_activation(&self, document: &DocumentNumber) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM pending_activations WHERE document = ?1", [document.as_str()])?;
        Ok(())
    }

    /// Stores a citizen just bound to this device, with its keys sealed, waiting for
    /// its pattern; in the same transaction the activation in progress ends. A
    /// citizen activated here before is replaced, history included.
    pub fn insert_bound_citizen(
        &mut self,
        document: &DocumentNumber,
        device_id: &str,
        activated_at: Timestamp,
        signing_pkcs8: &[u8],
        sealing_key: &SealingKey,
    ) -> Result<(), StoreError> {
        let doc = document.as_str();
        let sealed_sealing =
            self.seal(&format!("citizens:sealing_key:{doc}"), sealing_key.expose())?;
        let sealed_signing = self.seal(&format!("citizens:signing_key:{doc}"), signing_pkcs8)?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM citizens WHERE document = ?1", [doc])?;
        tx.execute(
            "INSERT INTO citizens (document, device_id, state, activated_at, sealing_key, signing_key)
             VALUES (?1, ?2, 'needs_pattern', ?3, ?4, ?5)",
            params![doc, device_id, ms(activated_at), sealed_sealing, sealed_signing],
        )?;
        tx.execute("DELETE FROM pending_activations WHERE document = ?1", [doc])?;
        tx.commit()?;
        Ok(())
    }

    /// The signing key of a citizen still waiting for a pattern.
    pub fn unlocked_signing_key(
        &self,
        document: &DocumentNumber,
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let doc = document.as_str();
        let sealed: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT signing_key FROM citizens WHERE document = ?1", [doc], |r| r.get(0))
            .optional()?
            .flatten();
        let sealed = sealed.ok_or(StoreError::Corrupt("no unlocked signing key"))?;
        self.open_sealed(&format!("citizens:signing_key:{doc}"), &sealed)
    }

    /// Locks the signing key under the pattern: the citizen becomes active and the
    /// unlocked copy is dropped.
    pub fn set_pattern_lock(
        &self,
        document: &DocumentNumber,
        lock: &PatternLock,
    ) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE citizens SET locked_signing_key = ?2, pattern_salt = ?3, pattern_iterations = ?4,
                 signing_key = NULL, state = CASE state WHEN 'needs_pattern' THEN 'active' ELSE state END,
                 unlock_failures = 0, unlock_blocked_until = 0
             WHERE document = ?1",
            params![document.as_str(), lock.locked_signing_key, lock.salt, lock.iterations],
        )?;
        if changed == 0 {
            return Err(StoreError::Corrupt("no such citizen"));
        }
        Ok(())
    }

    /// The pattern lock of a citizen.
    pub fn pattern_lock(
        &self,
        document: &DocumentNumber,
    ) -> Result<Option<PatternLock>, StoreError> {
        let row: Option<LockColumns> = self
            .conn
            .query_row(
                "SELECT locked_signing_key, pattern_salt, pattern_iterations FROM citizens WHERE document = ?1",
                [document.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            Some((Some(locked_signing_key), Some(salt), Some(iterations))) => {
                Ok(Some(PatternLock {
                    salt,
                    iterations: u32::try_from(iterations)
                        .map_err(|_| StoreError::Corrupt("iterations"))?,
                    locked_signing_key,
                }))
            }
            _ => Ok(None),
        }
    }

    /// Every citizen on this device, in the order they were activated.
    pub fn citizens(&self) -> Result<Vec<StoredCitizen>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {CITIZEN_COLUMNS} FROM citizens ORDER BY activated_at"))?;
        let rows = stmt.query_map([], citizen_from_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_citizen).collect()
    }

    /// One citizen.
    pub fn citizen(&self, document: &DocumentNumber) -> Result<Option<StoredCitizen>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE document = ?1"),
                [document.as_str()],
                citizen_from_row,
            )
            .optional()?;
        row.map(to_citizen).transpose()
    }

    /// The citizen's sealing key.
    pub fn sealing_key(&self, document: &DocumentNumber) -> Result<SealingKey, StoreError> {
        let doc = document.as_str();
        let sealed: Vec<u8> = self
            .conn
            .query_row("SELECT sealing_key FROM citizens WHERE document = ?1", [doc], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::Corrupt("no such citizen"))?;
        let raw = self.open_sealed(&format!("citizens:sealing_key:{doc}"), &sealed)?;
        SealingKey::from_bytes(&raw).map_err(|_| StoreError::Corrupt("sealing key"))
    }

    /// Persists the unlock throttle.
    pub fn set_unlock_failures(
        &self,
        document: &DocumentNumber,
        failures: u32,
        blocked_until: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE citizens SET unlock_failures = ?2, unlock_blocked_until = ?3 WHERE document = ?1",
            params![document.as_str(), failures, ms(blocked_until)],
        )?;
        Ok(())
    }

    /// The service said another device replaced this one.
    pub fn mark_replaced(&self, document: &DocumentNumber) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE citizens SET state = 'replaced' WHERE document = ?1",
            [document.as_str()],
        )?;
        Ok(())
    }

    /// Removes a citizen and everything stored for them.
    pub fn remove_citizen(&self, document: &DocumentNumber) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM citizens WHERE document = ?1", [document.as_str()])? > 0)
    }
}

fn to_citizen(
    (document, device_id, state, activated_at, failures, blocked): (
        String,
        String,
        String,
        i64,
        i64,
        i64,
    ),
) -> Result<StoredCitizen, StoreError> {
    Ok(StoredCitizen {
        document: DocumentNumber::parse(&document)
            .map_err(|_| StoreError::Corrupt("citizen document"))?,
        device_id,
        state: CitizenState::parse(&state)?,
        activated_at: from_ms(activated_at),
        unlock_failures: u32::try_from(failures).unwrap_or(u32::MAX),
        unlock_blocked_until: from_ms(blocked),
    })
}
