//! Versioned migrations. `user_version` holds the schema version; each step upgrades
//! from one version to the next in its own transaction. The steps are SQL files,
//! one per version, in `migrations/sqlite/`; a second database keeps its own
//! directory beside it with the same versions, each the same change in its dialect,
//! so both stores move in step.

use rusqlite::Connection;

/// The schema this build writes.
pub const SCHEMA_VERSION: i64 = 13;

const V1: &str = include_str!("migrations/sqlite/v1.sql");
const V2: &str = include_str!("migrations/sqlite/v2.sql");
const V3: &str = include_str!("migrations/sqlite/v3.sql");
const V4: &str = include_str!("migrations/sqlite/v4.sql");
const V5: &str = include_str!("migrations/sqlite/v5.sql");
const V6: &str = include_str!("migrations/sqlite/v6.sql");
const V7: &str = include_str!("migrations/sqlite/v7.sql");
const V8: &str = include_str!("migrations/sqlite/v8.sql");
const V9: &str = include_str!("migrations/sqlite/v9.sql");
const V10: &str = include_str!("migrations/sqlite/v10.sql");
const V11: &str = include_str!("migrations/sqlite/v11.sql");
const V12: &str = include_str!("migrations/sqlite/v12.sql");
const V13: &str = include_str!("migrations/sqlite/v13.sql");

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
        1 => tx.execute_batch(V2),
        2 => tx.execute_batch(V3),
        3 => tx.execute_batch(V4),
        4 => tx.execute_batch(V5),
        5 => tx.execute_batch(V6),
        6 => tx.execute_batch(V7),
        7 => tx.execute_batch(V8),
        8 => tx.execute_batch(V9),
        9 => tx.execute_batch(V10),
        10 => tx.execute_batch(V11),
        11 => tx.execute_batch(V12),
        12 => tx.execute_batch(V13),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn upgrading_the_first_schema_equals_a_fresh_database() {
        // A database as the first release wrote it, with a citizen in it.
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute_batch(
            "INSERT INTO census VALUES ('12345678Z', 'Ana', '1985-04-12', '{}', 'Madrid', 0);
             INSERT INTO citizens VALUES ('12345678Z', '+34612345678', 'a@b.es', 'office', 0);",
        )
        .unwrap();
        assert!(matches!(migrate(&mut old).unwrap(), Migrated::Ok));

        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        assert_eq!(schema_of(&old), schema_of(&fresh));
        let version: i64 = old.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let failures: i64 = old
            .query_row("SELECT pin_failures FROM citizens WHERE document = '12345678Z'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(failures, 0, "the citizen survived the upgrade");
    }
}
