//! What the activation rules need from storage: activation attempts, the hourly code
//! limit and its resets, devices bound by the round trip and waiting for their first
//! signed request.

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::crypto::DevicePublicKey;
use clavepin_protocol::wire::DeviceState;
use rusqlite::{Connection, OptionalExtension, params};

use super::devices::Device;
use super::{StoreError, StoreResult};
use crate::time::{from_millis, millis};

/// An activation attempt's row.
#[derive(Debug)]
pub struct Attempt {
    pub document: String,
    pub code_hash: Vec<u8>,
    pub expires_at: i64,
    pub tries: i64,
    pub state: String,
    pub signing_key: Option<Vec<u8>>,
    pub agreement_share: Option<String>,
    pub answer: Option<String>,
}

/// A device bound by the round trip, as stored.
#[derive(Debug)]
pub struct NewPendingDevice<'a> {
    pub id: &'a str,
    pub document: &'a DocumentNumber,
    pub public_key: &'a [u8],
    pub sealing_key: &'a [u8],
    pub bound_at: i64,
    /// As the app gave them, or empty.
    pub name: &'a str,
    pub model: &'a str,
}

pub trait ActivationStore {
    /// Codes sent to a citizen after `since` that count (sent after the last reset),
    /// and the oldest of them.
    fn codes_since(&self, document: &DocumentNumber, since: i64)
    -> StoreResult<(i64, Option<i64>)>;
    /// Ends the citizen's pending attempts (a new code supersedes them).
    fn end_pending_attempts(&self, document: &DocumentNumber) -> StoreResult<()>;
    fn insert_attempt(
        &self,
        id: &str,
        document: &DocumentNumber,
        code_hash: &[u8],
        expires_at: i64,
        at: i64,
    ) -> StoreResult<()>;
    fn attempt(&self, id: &str) -> StoreResult<Option<Attempt>>;
    fn kill_attempt(&self, id: &str) -> StoreResult<()>;
    fn count_attempt_try(&self, id: &str, tries: i64) -> StoreResult<()>;
    /// The round trip done: the keys the device sent and the answer it got, kept so a
    /// repeated request gets the same answer.
    fn complete_attempt(
        &self,
        id: &str,
        signing_key: &[u8],
        agreement_share: &str,
        answer: &str,
    ) -> StoreResult<()>;
    fn insert_pending_device(&self, device: &NewPendingDevice<'_>) -> StoreResult<()>;
    fn pending_device(&self, id: &str) -> StoreResult<Option<Device>>;
    /// The pending device becomes the citizen's device, the active one before it is
    /// replaced, and it and older pending ones go; returns how many were replaced.
    fn confirm_pending_device(&self, device: &Device, at: i64) -> StoreResult<usize>;
    fn prune_pending_devices(&self, bound_before: i64) -> StoreResult<usize>;
    fn reset_code_limit(&self, document: &DocumentNumber, at: i64) -> StoreResult<()>;
}

impl ActivationStore for Connection {
    fn codes_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        Ok(self
            .prepare_cached(
                "SELECT count(*), min(created_at) FROM activations WHERE document = ?1 AND created_at > ?2
                   AND created_at > coalesce((SELECT reset_at FROM code_limit_resets WHERE document = ?1), 0)",
            )?
            .query_row(params![document.as_str(), since], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn end_pending_attempts(&self, document: &DocumentNumber) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE activations SET state = 'dead' WHERE document = ?1 AND state = 'pending'",
        )?
        .execute([document.as_str()])?;
        Ok(())
    }

    fn insert_attempt(
        &self,
        id: &str,
        document: &DocumentNumber,
        code_hash: &[u8],
        expires_at: i64,
        at: i64,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO activations (id, document, code_hash, expires_at, state, created_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
        )?
        .execute(params![id, document.as_str(), code_hash, expires_at, at])?;
        Ok(())
    }

    fn attempt(&self, id: &str) -> StoreResult<Option<Attempt>> {
        Ok(self
            .prepare_cached(
                "SELECT document, code_hash, expires_at, tries, state, signing_key, agreement_share, answer
                 FROM activations WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Attempt {
                    document: r.get(0)?,
                    code_hash: r.get(1)?,
                    expires_at: r.get(2)?,
                    tries: r.get(3)?,
                    state: r.get(4)?,
                    signing_key: r.get(5)?,
                    agreement_share: r.get(6)?,
                    answer: r.get(7)?,
                })
            })
            .optional()?)
    }

    fn kill_attempt(&self, id: &str) -> StoreResult<()> {
        self.prepare_cached("UPDATE activations SET state = 'dead' WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    fn count_attempt_try(&self, id: &str, tries: i64) -> StoreResult<()> {
        self.prepare_cached("UPDATE activations SET tries = ?2 WHERE id = ?1")?
            .execute(params![id, tries])?;
        Ok(())
    }

    fn complete_attempt(
        &self,
        id: &str,
        signing_key: &[u8],
        agreement_share: &str,
        answer: &str,
    ) -> StoreResult<()> {
        self.prepare_cached(
            "UPDATE activations SET state = 'completed', signing_key = ?2, agreement_share = ?3, answer = ?4
             WHERE id = ?1",
        )?
        .execute(params![id, signing_key, agreement_share, answer])?;
        Ok(())
    }

    fn insert_pending_device(&self, d: &NewPendingDevice<'_>) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO pending_devices (id, document, public_key, sealing_key, bound_at, name, model)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            d.id,
            d.document.as_str(),
            d.public_key,
            d.sealing_key,
            d.bound_at,
            d.name,
            d.model
        ])?;
        Ok(())
    }

    fn pending_device(&self, id: &str) -> StoreResult<Option<Device>> {
        let row: Option<(String, Vec<u8>, i64)> = self
            .prepare_cached(
                "SELECT document, public_key, bound_at FROM pending_devices WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((document, key, bound_at)) = row else { return Ok(None) };
        let corrupt = || StoreError::Corrupt("pending device row");
        Ok(Some(Device {
            id: id.to_owned(),
            document: DocumentNumber::parse(&document).map_err(|_| corrupt())?,
            public_key: DevicePublicKey::from_bytes(&key).map_err(|_| corrupt())?,
            state: DeviceState::Active,
            activated_at: from_millis(bound_at),
        }))
    }

    fn confirm_pending_device(&self, device: &Device, at: i64) -> StoreResult<usize> {
        let document = device.document.as_str();
        let replaced = self
            .prepare_cached(
                "UPDATE devices SET state = 'replaced', ended_at = ?2 WHERE document = ?1 AND state = 'active'",
            )?
            .execute(params![document, at])?;
        self.prepare_cached(
            "INSERT INTO devices (id, document, public_key, sealing_key, state, activated_at, name, model)
             SELECT id, document, public_key, sealing_key, 'active', bound_at, name, model
             FROM pending_devices WHERE id = ?1",
        )?
        .execute([device.id.as_str()])?;
        // This device and any bound before it for the citizen: an older activation that
        // confirms later must not take the phone back from this one. Ones bound after it
        // (an activation in progress) stay.
        self.prepare_cached(
            "DELETE FROM pending_devices WHERE document = ?1 AND (id = ?2 OR bound_at <= ?3)",
        )?
        .execute(params![document, device.id, millis(device.activated_at)])?;
        Ok(replaced)
    }

    fn prune_pending_devices(&self, bound_before: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM pending_devices WHERE bound_at < ?1")?
            .execute([bound_before])?)
    }

    fn reset_code_limit(&self, document: &DocumentNumber, at: i64) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO code_limit_resets (document, reset_at) VALUES (?1, ?2)
             ON CONFLICT (document) DO UPDATE SET reset_at = ?2",
        )?
        .execute(params![document.as_str(), at])?;
        Ok(())
    }
}
