//! PostgreSQL's migrations: `migrations/postgres/vN.sql`, version for version the
//! same changes as SQLite's (`db/schema.rs`) in this dialect. The version is kept in
//! `schema_version`; instances starting together migrate one at a time.

use postgres::Client;

use super::super::{DatabaseUrl, OpenError, SCHEMA_VERSION};
use super::describe;

const STEPS: [&str; SCHEMA_VERSION as usize] = [
    include_str!("../migrations/postgres/v1.sql"),
    include_str!("../migrations/postgres/v2.sql"),
    include_str!("../migrations/postgres/v3.sql"),
    include_str!("../migrations/postgres/v4.sql"),
    include_str!("../migrations/postgres/v5.sql"),
    include_str!("../migrations/postgres/v6.sql"),
    include_str!("../migrations/postgres/v7.sql"),
    include_str!("../migrations/postgres/v8.sql"),
    include_str!("../migrations/postgres/v9.sql"),
    include_str!("../migrations/postgres/v10.sql"),
    include_str!("../migrations/postgres/v11.sql"),
    include_str!("../migrations/postgres/v12.sql"),
    include_str!("../migrations/postgres/v13.sql"),
];

/// Brings the database to [`SCHEMA_VERSION`], each step in its own transaction; a
/// newer database is refused and left as it is.
pub fn migrate(client: &mut Client, lock: i64, url: &DatabaseUrl) -> Result<(), OpenError> {
    let fail =
        |e: postgres::Error| OpenError::Postgres { url: url.to_string(), reason: describe(&e) };
    client.execute("SELECT pg_advisory_lock($1)", &[&lock]).map_err(fail)?;
    let outcome = steps(client, url);
    client.execute("SELECT pg_advisory_unlock($1)", &[&lock]).map_err(fail)?;
    outcome
}

fn steps(client: &mut Client, url: &DatabaseUrl) -> Result<(), OpenError> {
    let fail =
        |e: postgres::Error| OpenError::Postgres { url: url.to_string(), reason: describe(&e) };
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 only_row BIGINT PRIMARY KEY CHECK (only_row = 1),
                 version  BIGINT NOT NULL
             );
             INSERT INTO schema_version VALUES (1, 0) ON CONFLICT DO NOTHING",
        )
        .map_err(fail)?;
    let mut version: i64 = client
        .query_one("SELECT version FROM schema_version", &[])
        .and_then(|r| r.try_get(0))
        .map_err(fail)?;
    if version > SCHEMA_VERSION {
        return Err(OpenError::TooNew {
            place: url.to_string(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    while version < SCHEMA_VERSION {
        let step = STEPS[usize::try_from(version).unwrap_or(0)];
        let mut tx = client.transaction().map_err(fail)?;
        tx.batch_execute(step).map_err(fail)?;
        version += 1;
        tx.execute("UPDATE schema_version SET version = $1", &[&version]).map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}
