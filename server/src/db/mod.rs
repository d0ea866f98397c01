//! The service's SQLite database: one file in WAL mode with `synchronous=NORMAL`, one
//! writer connection on its own thread fed by a queue (SQLite allows one writer at a
//! time anyway; a queue beats lock contention), and a few reader connections.
//!
//! A write closure runs in one transaction, committed only if it returns `Ok`, so a
//! refused request changes nothing. Where a refusal must still leave a trace (a wrong
//! code counts a try), the closure returns `Ok(Err(refusal))`.

mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;

use rusqlite::{Connection, OpenFlags, Transaction};
use tokio::sync::oneshot;

use crate::error::{ServiceError, ServiceResult};

pub use schema::SCHEMA_VERSION;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Readers kept open; more wait for one to be free.
const READERS: usize = 4;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    writer: mpsc::Sender<Job>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: Arc<PathBuf>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
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
    /// The file was written by a newer version of the service.
    #[error(
        "the database {path} has schema version {found}, newer than this service's {supported}"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// Ours.
        supported: i64,
    },
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`. A file that is
    /// not a database, or is from a newer version, is an error and is left untouched.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let sqlite = |source| OpenError::Sqlite { path: path.to_owned(), source };
        let mut writer = Connection::open(path).map_err(sqlite)?;
        configure(&writer).map_err(sqlite)?;
        match schema::migrate(&mut writer).map_err(sqlite)? {
            schema::Migrated::Ok => {}
            schema::Migrated::TooNew(found) => {
                return Err(OpenError::TooNew {
                    path: path.to_owned(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let reader = Connection::open_with_flags(path, flags).map_err(sqlite)?;
            reader.busy_timeout(std::time::Duration::from_secs(5)).map_err(sqlite)?;
            readers.push(reader);
        }
        let (tx, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("clavepin-db-writer".into())
            .spawn(move || {
                // Ends when every Db handle (every sender) is gone.
                for job in rx {
                    // A panic fails that request (its sender is dropped), not the writer.
                    let run = std::panic::AssertUnwindSafe(|| job(&mut writer));
                    if std::panic::catch_unwind(run).is_err() {
                        tracing::error!("a database write panicked; it was rolled back");
                    }
                }
            })
            .map_err(|e| sqlite(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        Ok(Self {
            writer: tx,
            readers: Arc::new(Mutex::new(readers)),
            path: Arc::new(path.to_owned()),
        })
    }

    /// Runs `f` in a write transaction on the writer thread; commits if it returns `Ok`.
    pub async fn write<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> ServiceResult<T> + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let outcome = (|| {
                let tx = conn.transaction()?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            })();
            let _ = done.send(outcome);
        });
        self.writer.send(job).map_err(|_| ServiceError::Internal("database writer stopped"))?;
        result.await.map_err(|_| ServiceError::Internal("database writer stopped"))?
    }

    /// Runs `f` on a reader connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ServiceResult<T> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let path = Arc::clone(&self.path);
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let conn = match pooled {
                Some(conn) => conn,
                None => {
                    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    Connection::open_with_flags(path.as_path(), flags)?
                }
            };
            let outcome = f(&conn);
            let mut pool = readers.lock().unwrap_or_else(PoisonError::into_inner);
            if pool.len() < READERS {
                pool.push(conn);
            }
            outcome
        })
        .await
        .map_err(|_| ServiceError::Internal("database reader panicked"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_write_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("s.db")).unwrap();
        db.write(|tx| {
            tx.execute(
                "INSERT INTO letters (to_name, address, text, sent_at) VALUES ('a','b','c',0)",
                [],
            )?;
            Err::<(), _>(ServiceError::BadRequest("no".into()))
        })
        .await
        .unwrap_err();
        let count: i64 = db
            .read(|c| Ok(c.query_row("SELECT count(*) FROM letters", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"this is not sqlite, and it is someone's data").unwrap();
        assert!(matches!(Db::open(&path), Err(OpenError::Sqlite { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), b"this is not sqlite, and it is someone's data");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(Db::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        assert!(matches!(Db::open(&path), Err(OpenError::TooNew { .. })));
    }
}
