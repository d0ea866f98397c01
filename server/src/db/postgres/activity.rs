//! The citizen's activity on PostgreSQL (the SQLite version is in db/activity.rs).

use super::Pg;
use crate::db::StoreResult;
use crate::db::activity::{ActivityRow, ActivityStore, NewActivity};

const COLUMNS: &str = "id, document, at, kind, site, channel, device";

fn row(r: &postgres::Row) -> StoreResult<ActivityRow> {
    Ok(ActivityRow {
        id: r.try_get(0)?,
        document: r.try_get(1)?,
        at: r.try_get(2)?,
        kind: r.try_get(3)?,
        site: r.try_get(4)?,
        channel: r.try_get(5)?,
        device: r.try_get(6)?,
    })
}

impl ActivityStore for Pg<'_> {
    fn append_activity(&self, e: &NewActivity<'_>) -> StoreResult<()> {
        self.execute(
            "INSERT INTO activity (document, at, kind, site, channel, device)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&e.document, &e.at, &e.kind, &e.site, &e.channel, &e.device],
        )?;
        Ok(())
    }

    fn activity_of(&self, document: &str, limit: i64) -> StoreResult<Vec<ActivityRow>> {
        self.query(
            &format!(
                "SELECT {COLUMNS} FROM activity WHERE document = $1 ORDER BY at DESC, id DESC LIMIT $2"
            ),
            &[&document, &limit],
        )?
        .iter()
        .map(row)
        .collect()
    }

    fn activity_of_kind(
        &self,
        kind: &str,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        self.query(
            &format!(
                "SELECT {COLUMNS} FROM activity WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3"
            ),
            &[&kind, &after, &limit],
        )?
        .iter()
        .map(row)
        .collect()
    }

    fn prune_activity(&self, before: i64) -> StoreResult<usize> {
        self.execute("DELETE FROM activity WHERE at < $1", &[&before])
    }
}
