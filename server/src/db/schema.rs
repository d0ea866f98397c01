//! Versioned migrations. `user_version` holds the schema version; each step upgrades
//! from one version to the next in its own transaction.

use rusqlite::Connection;

/// The schema this build writes.
pub const SCHEMA_VERSION: i64 = 1;

const V1: &str = include_str!("schema_v1.sql");

pub enum Migrated {
    Ok,
    TooNew(i64),
}

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Migrated> {
    let mut version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Ok(Migrated::TooNew(version));
    }
    while version < SCHEMA_VERSION {
        let tx = conn.transaction()?;
        upgrade_from(&tx, version)?;
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(Migrated::Ok)
}

fn upgrade_from(tx: &rusqlite::Transaction<'_>, version: i64) -> rusqlite::Result<()> {
    match version {
        0 => tx.execute_batch(V1),
        _ => Ok(()),
    }
}
