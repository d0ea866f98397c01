//! Removals the service has not heard of yet.

use clavepin_protocol::Timestamp;
use rusqlite::params;
use zeroize::Zeroizing;

use super::{Store, StoreError, ms};

/// A removal the service has not heard of: the device id and its signing key.
pub type PendingRemoval = (String, Zeroizing<Vec<u8>>);

fn aad(device_id: &str) -> String {
    format!("pending_removals:signing_key:{device_id}")
}

impl Store {
    /// Keeps what is needed to tell the service of a removal later.
    pub fn queue_removal(
        &self,
        device_id: &str,
        signing_pkcs8: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let sealed = self.seal(&aad(device_id), signing_pkcs8)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_removals (device_id, signing_key, removed_at) VALUES (?1, ?2, ?3)",
            params![device_id, sealed, ms(now)],
        )?;
        Ok(())
    }

    /// The removals waiting to be told: device id and signing key.
    pub fn pending_removals(&self) -> Result<Vec<PendingRemoval>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT device_id, signing_key FROM pending_removals")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, sealed)| Ok((id.clone(), self.open_sealed(&aad(&id), &sealed)?)))
            .collect()
    }

    /// The service heard of this removal.
    pub fn forget_removal(&self, device_id: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM pending_removals WHERE device_id = ?1", [device_id])?;
        Ok(())
    }
}
