//! What the citizen's activity needs from storage: append, the citizen's latest,
//! the operator's pages of "this wasn't me" reports, pruning.

use rusqlite::{Connection, params};

use super::StoreResult;

/// One entry, as stored. Instants are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub id: i64,
    pub document: String,
    pub at: i64,
    pub kind: String,
    pub site: Option<String>,
    pub channel: Option<String>,
    pub device: Option<String>,
}

/// An entry to append.
#[derive(Debug)]
pub struct NewActivity<'a> {
    pub document: &'a str,
    pub at: i64,
    pub kind: &'a str,
    pub site: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub device: Option<&'a str>,
}

pub trait ActivityStore {
    fn append_activity(&self, entry: &NewActivity<'_>) -> StoreResult<()>;
    /// The citizen's newest `limit` entries, newest first.
    fn activity_of(&self, document: &str, limit: i64) -> StoreResult<Vec<ActivityRow>>;
    /// Up to `limit` entries of `kind` after the entry `after`, oldest first.
    fn activity_of_kind(&self, kind: &str, after: i64, limit: i64)
    -> StoreResult<Vec<ActivityRow>>;
    fn prune_activity(&self, before: i64) -> StoreResult<usize>;
}

const COLUMNS: &str = "id, document, at, kind, site, channel, device";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    Ok(ActivityRow {
        id: r.get(0)?,
        document: r.get(1)?,
        at: r.get(2)?,
        kind: r.get(3)?,
        site: r.get(4)?,
        channel: r.get(5)?,
        device: r.get(6)?,
    })
}

impl ActivityStore for Connection {
    fn append_activity(&self, e: &NewActivity<'_>) -> StoreResult<()> {
        self.prepare_cached(
            "INSERT INTO activity (document, at, kind, site, channel, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![e.document, e.at, e.kind, e.site, e.channel, e.device])?;
        Ok(())
    }

    fn activity_of(&self, document: &str, limit: i64) -> StoreResult<Vec<ActivityRow>> {
        let mut stmt = self.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM activity WHERE document = ?1 ORDER BY at DESC, id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![document, limit], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn activity_of_kind(
        &self,
        kind: &str,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        let mut stmt = self.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM activity WHERE kind = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![kind, after, limit], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn prune_activity(&self, before: i64) -> StoreResult<usize> {
        Ok(self.prepare_cached("DELETE FROM activity WHERE at < ?1")?.execute([before])?)
    }
}
