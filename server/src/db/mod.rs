//! The storage layer: one trait per area of rules (`registry`, `activation`,
//! `devices`, `pins`, `oidc`, `audit`; the outbox's lives with its messages in
//! `delivery`), each implemented for both engines:
//!
//! - SQLite (`sqlite.rs`, migrations in `schema.rs`): the embedded default, one file,
//!   one writer thread with group commit;
//! - PostgreSQL (`postgres/`), for several instances sharing one database: the same
//!   writer design, with every write transaction holding one advisory lock so that
//!   writes from all instances run one after another as they do on SQLite.
//!
//! A handle, [`Db`], is one or the other; a write or read closure is handed a
//! [`Tx`], which `crate::store` turns into the store traits. The rules never see
//! which engine they run on.

pub mod activation;
pub mod activity;
pub mod approvals;
pub mod audit;
pub mod devices;
mod error;
pub mod oidc;
pub mod pins;
pub mod postgres;
pub mod registry;
mod schema;
pub mod shared;
mod sqlite;

use std::path::PathBuf;

pub use error::{StoreError, StoreResult};
pub use schema::SCHEMA_VERSION;
pub use sqlite::SqliteDb;
#[cfg(test)]
pub use sqlite::in_memory;

use self::postgres::{Pg, PgDb};

/// Where the service keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL.
    Postgres(DatabaseUrl),
}

/// A `postgres://` (or `postgresql://`) URL, and the CA its server's certificate may
/// chain to besides the web's; prints without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String, Option<PathBuf>);

impl DatabaseUrl {
    /// Parses a URL the PostgreSQL client accepts.
    pub fn parse(url: &str) -> Result<Self, OpenError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(OpenError::NotPostgresUrl);
        }
        url.parse::<::postgres::Config>().map_err(|e| OpenError::BadUrl(e.to_string()))?;
        Ok(Self(url.to_owned(), None))
    }

    /// The same, trusting the CA certificates in `pem` for its TLS (`sslmode=require`).
    pub fn trusting(mut self, pem: impl Into<PathBuf>) -> Self {
        self.1 = Some(pem.into());
        self
    }

    pub(crate) fn ca(&self) -> Option<&std::path::Path> {
        self.1.as_deref()
    }

    /// A new, empty schema in this database, and the URL whose connections use it:
    /// for tests and benchmarks, which want a database of their own each and may
    /// only have one. The schema's name starts with `prefix` and is unique.
    pub fn in_fresh_schema(&self, prefix: &str) -> Result<DatabaseUrl, OpenError> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let prefix: String = prefix.chars().filter(char::is_ascii_alphanumeric).collect();
        let schema = format!("{prefix}_{}_{nanos}_{n}", std::process::id());
        postgres::create_schema(self, &schema)?;
        let joiner = if self.0.contains('?') { '&' } else { '?' };
        let url =
            DatabaseUrl::parse(&format!("{}{joiner}options=-csearch_path%3D{schema}", self.0))?;
        Ok(DatabaseUrl(url.0, self.1.clone()))
    }

    /// The URL as given, password included.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A password may sit between "//" and "@", or in the query: neither is shown.
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("postgres", &self.0));
        let (place, query) = rest.split_once('?').map_or((rest, None), |(p, q)| (p, Some(q)));
        match place.rsplit_once('@') {
            Some((who, host)) => {
                let user = who.split(':').next().unwrap_or("");
                write!(f, "{scheme}://{user}@{host}")?;
            }
            None => write!(f, "{scheme}://{place}")?,
        }
        if let Some(query) = query {
            let shown: Vec<&str> = query
                .split('&')
                .map(|pair| if pair.starts_with("password=") { "password=***" } else { pair })
                .collect();
            write!(f, "?{}", shown.join("&"))?;
        }
        Ok(())
    }
}

/// Opening the database failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// SQLite refused: not a database, locked, unreadable.
    #[error("cannot open the database {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// PostgreSQL could not be reached or refused.
    #[error("cannot use the PostgreSQL database {url}: {reason}")]
    Postgres {
        /// The database, without its password.
        url: String,
        /// What the server or the connection said.
        reason: String,
    },
    /// The database was written with other keys than this instance was given.
    #[error(
        "the database was written with other keys than this service's: give every instance \
         the same key file (--keys FILE), or restore the key file this database was made with"
    )]
    OtherKeys,
    /// The keys' fingerprint could not be read or recorded.
    #[error("cannot check the database's keys: {0}")]
    KeysUnchecked(StoreError),
    /// Plain TCP to a database off loopback: passwords and personal data in the clear.
    #[error(
        "PostgreSQL off loopback needs TLS: add sslmode=require to the URL (and --database-ca \
         FILE if its certificate is not from a public CA), or use a Unix socket"
    )]
    PlainOffLoopback,
    /// `--database` was not a PostgreSQL URL.
    #[error("--database takes a postgres:// URL (SQLite is the default and needs no option)")]
    NotPostgresUrl,
    /// The URL does not parse.
    #[error("the PostgreSQL URL is not valid: {0}")]
    BadUrl(String),
    /// The database was written by a newer version of the service.
    #[error(
        "the database {place} has schema version {found}, newer than this service's {supported}"
    )]
    TooNew {
        /// The file, or the URL without its password.
        place: String,
        /// Its version.
        found: i64,
        /// Ours.
        supported: i64,
    },
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn a_database_url_prints_without_its_password() {
        for (url, shown) in [
            (
                "postgres://clave:s3cret@db.example.es/clavepin",
                "postgres://clave@db.example.es/clavepin",
            ),
            (
                "postgres://db.example.es/clavepin?user=clave&password=s3cret&sslmode=require",
                "postgres://db.example.es/clavepin?user=clave&password=***&sslmode=require",
            ),
        ] {
            let parsed = DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.to_string(), shown);
            assert_eq!(format!("{parsed:?}"), shown);
        }
    }
}

/// Records the keys' fingerprint the first time, and refuses other keys after.
fn check_keys(store: &dyn shared::SharedStore, fingerprint: &[u8]) -> Result<(), OpenError> {
    store.set_key_fingerprint(fingerprint).map_err(OpenError::KeysUnchecked)?;
    match store.key_fingerprint().map_err(OpenError::KeysUnchecked)? {
        Some(recorded) if recorded == fingerprint => Ok(()),
        _ => Err(OpenError::OtherKeys),
    }
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgDb),
}

/// What a write or read closure is given: a connection inside the job's transaction
/// (or savepoint) on one engine or the other.
pub enum Tx<'a, 'c> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a Pg<'c>),
}

impl Db {
    /// Opens (creating if needed) and migrates the database, and checks that it was
    /// written with the keys whose `fingerprint` is given (recording it the first
    /// time). A SQLite file that is not a database, a database from a newer version,
    /// or one written with other keys is an error and is left as it is.
    pub fn open(location: &Location, fingerprint: &[u8]) -> Result<Self, OpenError> {
        Ok(match location {
            Location::Sqlite(path) => Db::Sqlite(SqliteDb::open(path, fingerprint)?),
            Location::Postgres(url) => Db::Postgres(PgDb::open(url, fingerprint)?),
        })
    }

    /// The PostgreSQL side, when that is the engine: what only several instances need
    /// (fan-out between them, the delivery lock).
    pub fn postgres(&self) -> Option<&PgDb> {
        match self {
            Db::Postgres(pg) => Some(pg),
            Db::Sqlite(_) => None,
        }
    }

    /// Runs `f` on the writer; its changes are kept if it returns `Ok`, and the answer
    /// comes once they are committed.
    pub async fn write_tx<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'a, 'c> FnOnce(Tx<'a, 'c>) -> Result<T, E> + Send + 'static,
    {
        match self {
            Db::Sqlite(db) => db.write(move |c| f(Tx::Sqlite(c))).await,
            Db::Postgres(db) => db.write(move |p| f(Tx::Postgres(p))).await,
        }
    }

    /// Runs `f` on a reader, off the async threads.
    pub async fn read_tx<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'a, 'c> FnOnce(Tx<'a, 'c>) -> Result<T, E> + Send + 'static,
    {
        match self {
            Db::Sqlite(db) => db.read(move |c| f(Tx::Sqlite(c))).await,
            Db::Postgres(db) => db.read(move |p| f(Tx::Postgres(p))).await,
        }
    }
}

/// Savepoints inside a job, for a rule that must keep part of its work when the
/// rest is refused (the guard keeps the count of a failed claim).
pub trait Savepoints {
    fn savepoint(&self, name: &'static str) -> StoreResult<()>;
    fn release(&self, name: &'static str) -> StoreResult<()>;
    /// Undoes what followed the savepoint, and ends it.
    fn rollback_to(&self, name: &'static str) -> StoreResult<()>;
}

impl Savepoints for rusqlite::Connection {
    fn savepoint(&self, name: &'static str) -> StoreResult<()> {
        Ok(self.execute_batch(&format!("SAVEPOINT {name}"))?)
    }

    fn release(&self, name: &'static str) -> StoreResult<()> {
        Ok(self.execute_batch(&format!("RELEASE {name}"))?)
    }

    fn rollback_to(&self, name: &'static str) -> StoreResult<()> {
        Ok(self.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?)
    }
}
