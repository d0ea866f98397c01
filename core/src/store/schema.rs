//! Versioned migrations: `user_version` is the schema version; each step runs in its
//! own transaction.

use rusqlite::Connection;

/// The schema this build writes.
pub const VERSION: i64 = 5;

const V1: &str = include_str!("schema_v1.sql");
const V2: &str = include_str!("schema_v2.sql");
const V3: &str = include_str!("schema_v3.sql");
const V4: &str = include_str!("schema_v4.sql");
const V5: &str = include_str!("schema_v5.sql");

/// Upgrades to [`VERSION`]; returns the version found if it is newer than ours.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Option<i64>> {
    let mut version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > VERSION {
        return Ok(Some(version));
    }
    while version < VERSION {
        let tx = conn.transaction()?;
        match version {
            0 => tx.execute_batch(V1)?,
            1 => tx.execute_batch(V2)?,
            2 => tx.execute_batch(V3)?,
            3 => tx.execute_batch(V4)?,
            4 => tx.execute_batch(V5)?,
            _ => {}
        }
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(None)
}
