//! The activations' storage on PostgreSQL (the SQLite version is in db/activation.rs).

use clavepin_protocol::DocumentNumber;
use clavepin_protocol::wire::DeviceState;

use super::Pg;
use super::devices::device_row;
use crate::db::StoreResult;
use crate::db::activation::{ActivationStore, Attempt, NewPendingDevice};
use crate::db::devices::Device;
use crate::time::millis;

impl ActivationStore for Pg<'_> {
    fn codes_since(
        &self,
        document: &DocumentNumber,
        since: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        let r = self.query_one(
            "SELECT count(*), min(created_at) FROM activations WHERE document = $1 AND created_at > $2
               AND created_at > coalesce((SELECT reset_at FROM code_limit_resets WHERE document = $1), 0)",
            &[&document.as_str(), &since],
        )?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    }

    fn end_pending_attempts(&self, document: &DocumentNumber) -> StoreResult<()> {
        self.execute(
            "UPDATE activations SET state = 'dead' WHERE document = $1 AND state = 'pending'",
            &[&document.as_str()],
        )?;
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
        self.execute(
            "INSERT INTO activations (id, document, code_hash, expires_at, state, created_at)
             VALUES ($1, $2, $3, $4, 'pending', $5)",
            &[&id, &document.as_str(), &code_hash, &expires_at, &at],
        )?;
        Ok(())
    }

    fn attempt(&self, id: &str) -> StoreResult<Option<Attempt>> {
        let row = self.query_opt(
            "SELECT document, code_hash, expires_at, tries, state, signing_key, agreement_share, answer
             FROM activations WHERE id = $1",
            &[&id],
        )?;
        row.map(|r| {
            Ok(Attempt {
                document: r.try_get(0)?,
                code_hash: r.try_get(1)?,
                expires_at: r.try_get(2)?,
                tries: r.try_get(3)?,
                state: r.try_get(4)?,
                signing_key: r.try_get(5)?,
                agreement_share: r.try_get(6)?,
                answer: r.try_get(7)?,
            })
        })
        .transpose()
    }

    fn kill_attempt(&self, id: &str) -> StoreResult<()> {
        self.execute("UPDATE activations SET state = 'dead' WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn count_attempt_try(&self, id: &str, tries: i64) -> StoreResult<()> {
        self.execute("UPDATE activations SET tries = $2 WHERE id = $1", &[&id, &tries])?;
        Ok(())
    }

    fn complete_attempt(
        &self,
        id: &str,
        signing_key: &[u8],
        agreement_share: &str,
        answer: &str,
    ) -> StoreResult<()> {
        self.execute(
            "UPDATE activations SET state = 'completed', signing_key = $2, agreement_share = $3, answer = $4
             WHERE id = $1",
            &[&id, &signing_key, &agreement_share, &answer],
        )?;
        Ok(())
    }

    fn insert_pending_device(&self, d: &NewPendingDevice<'_>) -> StoreResult<()> {
        self.execute(
            "INSERT INTO pending_devices (id, document, public_key, sealing_key, bound_at, name, model)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &d.id,
                &d.document.as_str(),
                &d.public_key,
                &d.sealing_key,
                &d.bound_at,
                &d.name,
                &d.model,
            ],
        )?;
        Ok(())
    }

    fn pending_device(&self, id: &str) -> StoreResult<Option<Device>> {
        self.query_opt(
            "SELECT document, public_key, bound_at FROM pending_devices WHERE id = $1",
            &[&id],
        )?
        .map(|row| device_row(id, &row, DeviceState::Active, "pending device row"))
        .transpose()
    }

    fn confirm_pending_device(&self, device: &Device, at: i64) -> StoreResult<usize> {
        let document = device.document.as_str();
        let replaced = self.execute(
            "UPDATE devices SET state = 'replaced', ended_at = $2 WHERE document = $1 AND state = 'active'",
            &[&document, &at],
        )?;
        self.execute(
            "INSERT INTO devices (id, document, public_key, sealing_key, state, activated_at, name, model)
             SELECT id, document, public_key, sealing_key, 'active', bound_at, name, model
             FROM pending_devices WHERE id = $1",
            &[&device.id],
        )?;
        self.execute(
            "DELETE FROM pending_devices WHERE document = $1 AND (id = $2 OR bound_at <= $3)",
            &[&document, &device.id, &millis(device.activated_at)],
        )?;
        Ok(replaced)
    }

    fn prune_pending_devices(&self, bound_before: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM pending_devices WHERE bound_at < $1", &[&bound_before])
    }

    fn reset_code_limit(&self, document: &DocumentNumber, at: i64) -> StoreResult<()> {
        self.execute(
            "INSERT INTO code_limit_resets (document, reset_at) VALUES ($1, $2)
             ON CONFLICT (document) DO UPDATE SET reset_at = $2",
            &[&document.as_str(), &at],
        )?;
        Ok(())
    }
}
