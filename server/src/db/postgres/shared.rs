//! The keys' fingerprint and the portal's sessions on PostgreSQL (the SQLite version
//! is in db/shared.rs).

use super::Pg;
use crate::db::StoreResult;
use crate::db::shared::SharedStore;

impl SharedStore for Pg<'_> {
    fn key_fingerprint(&self) -> StoreResult<Option<Vec<u8>>> {
        let row = self.query_opt("SELECT fingerprint FROM key_fingerprint", &[])?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn set_key_fingerprint(&self, fingerprint: &[u8]) -> StoreResult<()> {
        self.execute(
            "INSERT INTO key_fingerprint VALUES (1, $1) ON CONFLICT DO NOTHING",
            &[&fingerprint],
        )?;
        Ok(())
    }

    fn load_session(
        &self,
        id_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<String>> {
        // One round trip: touched if live; an idle one is left for pruning, unread.
        let row = self.query_opt(
            "UPDATE portal_sessions SET last_seen = $2 WHERE id_hash = $1 AND last_seen > $3
             RETURNING data",
            &[&id_hash, &now, &idle_since],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn save_session(
        &self,
        id_hash: &[u8],
        client: &str,
        data: &str,
        now: i64,
        idle_since: i64,
        cap: i64,
    ) -> StoreResult<bool> {
        let updated = self.execute(
            "UPDATE portal_sessions SET data = $2, last_seen = $3 WHERE id_hash = $1",
            &[&id_hash, &data, &now],
        )?;
        if updated > 0 {
            return Ok(true);
        }
        let held: i64 = self
            .query_one(
                "SELECT count(*) FROM portal_sessions WHERE client = $1 AND last_seen > $2",
                &[&client, &idle_since],
            )?
            .try_get(0)?;
        if held >= cap {
            return Ok(false);
        }
        self.execute(
            "INSERT INTO portal_sessions VALUES ($1, $2, $3, $4)",
            &[&id_hash, &client, &data, &now],
        )?;
        Ok(true)
    }

    fn update_session(&self, id_hash: &[u8], data: &str, now: i64) -> StoreResult<bool> {
        let updated = self.execute(
            "UPDATE portal_sessions SET data = $2, last_seen = $3 WHERE id_hash = $1",
            &[&id_hash, &data, &now],
        )?;
        Ok(updated > 0)
    }

    fn remove_session(&self, id_hash: &[u8]) -> StoreResult<()> {
        self.execute("DELETE FROM portal_sessions WHERE id_hash = $1", &[&id_hash])?;
        Ok(())
    }

    fn live_sessions(&self, idle_since: i64) -> StoreResult<i64> {
        let row = self.query_one(
            "SELECT count(*) FROM portal_sessions WHERE last_seen > $1",
            &[&idle_since],
        )?;
        Ok(row.try_get(0)?)
    }

    fn prune_sessions(&self, idle_since: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM portal_sessions WHERE last_seen <= $1", &[&idle_since])
    }
}
