//! What several instances share besides the rules' tables: the fingerprint of the
//! service's keys, and the portal's sessions when they live in the database.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

pub trait SharedStore {
    /// The fingerprint of the keys the data was written with, if recorded yet.
    fn key_fingerprint(&self) -> StoreResult<Option<Vec<u8>>>;
    /// Records the fingerprint unless one is (another instance may have been first).
    fn set_key_fingerprint(&self, fingerprint: &[u8]) -> StoreResult<()>;
    /// A session's data if it was seen after `idle_since`, touched at `now`; an idle
    /// one is forgotten.
    fn load_session(
        &self,
        id_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<String>>;
    /// Stores a session; a new one only while its client holds fewer than `cap` live
    /// ones (false then).
    fn save_session(
        &self,
        id_hash: &[u8],
        client: &str,
        data: &str,
        now: i64,
        idle_since: i64,
        cap: i64,
    ) -> StoreResult<bool>;
    /// Stores a session only if it is still there (not signed out or rotated away
    /// meanwhile); whether it was.
    fn update_session(&self, id_hash: &[u8], data: &str, now: i64) -> StoreResult<bool>;
    fn remove_session(&self, id_hash: &[u8]) -> StoreResult<()>;
    /// Sessions seen after `idle_since`.
    fn live_sessions(&self, idle_since: i64) -> StoreResult<i64>;
    fn prune_sessions(&self, idle_since: i64) -> StoreResult<usize>;
}

impl SharedStore for Connection {
    fn key_fingerprint(&self) -> StoreResult<Option<Vec<u8>>> {
        Ok(self
            .prepare_cached("SELECT fingerprint FROM key_fingerprint")?
            .query_row([], |r| r.get(0))
            .optional()?)
    }

    fn set_key_fingerprint(&self, fingerprint: &[u8]) -> StoreResult<()> {
        self.prepare_cached("INSERT OR IGNORE INTO key_fingerprint VALUES (1, ?1)")?
            .execute([fingerprint])?;
        Ok(())
    }

    fn load_session(
        &self,
        id_hash: &[u8],
        now: i64,
        idle_since: i64,
    ) -> StoreResult<Option<String>> {
        let row: Option<(String, i64)> = self
            .prepare_cached("SELECT data, last_seen FROM portal_sessions WHERE id_hash = ?1")?
            .query_row([id_hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((data, seen)) if seen > idle_since => {
                self.prepare_cached(
                    "UPDATE portal_sessions SET last_seen = ?2 WHERE id_hash = ?1",
                )?
                .execute(params![id_hash, now])?;
                Ok(Some(data))
            }
            Some(_) => {
                self.remove_session(id_hash)?;
                Ok(None)
            }
            None => Ok(None),
        }
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
        let updated = self
            .prepare_cached(
                "UPDATE portal_sessions SET data = ?2, last_seen = ?3 WHERE id_hash = ?1",
            )?
            .execute(params![id_hash, data, now])?;
        if updated > 0 {
            return Ok(true);
        }
        let held: i64 = self
            .prepare_cached(
                "SELECT count(*) FROM portal_sessions WHERE client = ?1 AND last_seen > ?2",
            )?
            .query_row(params![client, idle_since], |r| r.get(0))?;
        if held >= cap {
            return Ok(false);
        }
        self.prepare_cached("INSERT INTO portal_sessions VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![id_hash, client, data, now])?;
        Ok(true)
    }

    fn update_session(&self, id_hash: &[u8], data: &str, now: i64) -> StoreResult<bool> {
        Ok(self
            .prepare_cached(
                "UPDATE portal_sessions SET data = ?2, last_seen = ?3 WHERE id_hash = ?1",
            )?
            .execute(params![id_hash, data, now])?
            > 0)
    }

    fn remove_session(&self, id_hash: &[u8]) -> StoreResult<()> {
        self.prepare_cached("DELETE FROM portal_sessions WHERE id_hash = ?1")?
            .execute([id_hash])?;
        Ok(())
    }

    fn live_sessions(&self, idle_since: i64) -> StoreResult<i64> {
        Ok(self
            .prepare_cached("SELECT count(*) FROM portal_sessions WHERE last_seen > ?1")?
            .query_row([idle_since], |r| r.get(0))?)
    }

    fn prune_sessions(&self, idle_since: i64) -> StoreResult<usize> {
        Ok(self
            .prepare_cached("DELETE FROM portal_sessions WHERE last_seen <= ?1")?
            .execute([idle_since])?)
    }
}
