//! The service's SQLite database: one file in WAL mode with `synchronous=NORMAL`, one
//! writer connection on its own thread fed by a queue (SQLite allows one writer at a
//! time anyway; a queue beats lock contention), and a few reader connections.
//!
//! A write closure runs as if in its own transaction, committed only if it returns
//! `Ok`, so a refused request changes nothing. Where a refusal must still leave a
//! trace (a wrong code counts a try), the closure returns `Ok(Err(refusal))`.
//!
//! Group commit: the writer takes every job waiting in the queue (up to
//! [`MAX_BATCH`]), runs each in a savepoint of one transaction (a failing job rolls
//! back alone), commits once, and only then answers each caller. Under load that
//! turns many small WAL writes of the same pages into one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;

use rusqlite::{Connection, OpenFlags, Transaction};
use tokio::sync::oneshot;

use super::schema::{self, SCHEMA_VERSION};
use super::{OpenError, StoreError};

/// A fresh database in memory at this build's schema, for unit tests of the SQL.
#[cfg(test)]
pub fn in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    match schema::migrate(&mut conn) {
        Ok(schema::Migrated::Ok) => conn,
        _ => panic!("migrations failed"),
    }
}

/// A queued write: runs in its savepoint of the batch's transaction and returns
/// what to tell its caller once the batch's commit succeeded (`true`) or not.
type Job = Box<dyn FnOnce(&Transaction<'_>) -> Reply + Send>;
type Reply = Box<dyn FnOnce(bool) + Send>;

/// Most jobs committed together.
const MAX_BATCH: usize = 128;

/// Readers kept open; more wait for one to be free.
const READERS: usize = 4;

/// Handle to a SQLite database; cheap to clone.
#[derive(Clone)]
pub struct SqliteDb {
    writer: mpsc::Sender<Job>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: Arc<PathBuf>,
    /// The checkpointer stops once every handle is gone.
    _alive: Arc<()>,
}

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDb").field("path", &self.path).finish()
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

impl SqliteDb {
    /// Opens (creating if needed) and migrates the database at `path`. A file that is
    /// not a database, or is from a newer version, is an error and is left untouched.
    pub fn open(path: &Path, fingerprint: &[u8]) -> Result<Self, OpenError> {
        let sqlite = |source| OpenError::Sqlite { path: path.to_owned(), source };
        let mut writer = Connection::open(path).map_err(sqlite)?;
        configure(&writer).map_err(sqlite)?;
        match schema::migrate(&mut writer).map_err(sqlite)? {
            schema::Migrated::Ok => {}
            schema::Migrated::TooNew(found) => {
                return Err(OpenError::TooNew {
                    place: path.display().to_string(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
        }
        super::check_keys(&writer, fingerprint)?;
        // Checkpoints fsync; a background thread runs them so no request waits on one.
        writer.pragma_update(None, "wal_autocheckpoint", 0).map_err(sqlite)?;
        let alive = Arc::new(());
        spawn_checkpointer(path, Arc::downgrade(&alive)).map_err(sqlite)?;
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
                while let Ok(first) = rx.recv() {
                    let mut jobs = vec![first];
                    while jobs.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => jobs.push(job),
                            Err(_) => break,
                        }
                    }
                    run_batch(&mut writer, jobs);
                }
            })
            .map_err(|e| sqlite(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        Ok(Self {
            writer: tx,
            readers: Arc::new(Mutex::new(readers)),
            path: Arc::new(path.to_owned()),
            _alive: alive,
        })
    }

    /// Runs `f` on the writer thread; its changes are kept if it returns `Ok`, and the
    /// answer comes once they are committed. `f` sees a connection inside the batch's
    /// transaction (its own savepoint), which is what the store traits are for.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |tx| {
            let outcome = in_savepoint(tx, f);
            Box::new(move |committed| {
                let answer = match outcome {
                    Ok(_) if !committed => Err(StoreError::CommitFailed.into()),
                    other => other,
                };
                let _ = done.send(answer);
            })
        });
        self.writer.send(job).map_err(|_| StoreError::Stopped)?;
        result.await.map_err(|_| StoreError::Stopped)?
    }

    /// Runs `f` on a reader connection, off the async threads.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let path = Arc::clone(&self.path);
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let conn = match pooled {
                Some(conn) => conn,
                None => {
                    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    Connection::open_with_flags(path.as_path(), flags)
                        .map_err(|e| E::from(e.into()))?
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
        .map_err(|_| StoreError::Stopped)?
    }
}

/// How often the WAL is folded back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs passive checkpoints (they never block the writer) from a connection of its
/// own, until the database handles are gone.
fn spawn_checkpointer(path: &Path, alive: std::sync::Weak<()>) -> rusqlite::Result<()> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(1))?;
    thread::Builder::new()
        .name("clavepin-db-checkpoint".into())
        .spawn(move || {
            while alive.upgrade().is_some() {
                thread::sleep(CHECKPOINT_EVERY);
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpoint failed");
                }
            }
        })
        .map(|_| ())
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Runs one job in a savepoint: released if it returns `Ok`, rolled back otherwise.
fn in_savepoint<T, E: From<StoreError>>(
    tx: &Transaction<'_>,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E> {
    let sql = |batch: &str| tx.execute_batch(batch).map_err(|e| E::from(e.into()));
    sql("SAVEPOINT job")?;
    match f(tx) {
        Ok(value) => {
            sql("RELEASE job")?;
            Ok(value)
        }
        Err(e) => {
            sql("ROLLBACK TO job; RELEASE job")?;
            Err(e)
        }
    }
}

/// One transaction for the batch; each caller is answered after the commit.
fn run_batch(conn: &mut Connection, jobs: Vec<Job>) {
    let tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(e) => {
            // Dropping the jobs drops their senders: each caller gets an error.
            tracing::error!(error = %e, "cannot begin a write transaction");
            return;
        }
    };
    let mut replies = Vec::with_capacity(jobs.len());
    for job in jobs {
        let run = std::panic::AssertUnwindSafe(|| job(&tx));
        match std::panic::catch_unwind(run) {
            Ok(reply) => replies.push(reply),
            Err(_) => {
                // That request fails (its sender was dropped); its changes go.
                let _ = tx.execute_batch("ROLLBACK TO job; RELEASE job");
                tracing::error!("a database write panicked; it was rolled back");
            }
        }
    }
    let committed = tx.commit().is_ok();
    for reply in replies {
        reply(committed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_write_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(&dir.path().join("s.db"), b"keys").unwrap();
        db.write(|tx| {
            tx.execute(
                "INSERT INTO letters (to_name, address, text, sent_at) VALUES ('a','b','c',0)",
                [],
            )?;
            Err::<(), _>(StoreError::Corrupt("refused job"))
        })
        .await
        .unwrap_err();
        let count: i64 = db
            .read(|c| {
                Ok::<i64, StoreError>(
                    c.query_row("SELECT count(*) FROM letters", [], |r| r.get(0))?,
                )
            })
            .await
            .unwrap();
        assert_eq!(count, 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_commit_together_and_a_refused_one_alone_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(&dir.path().join("s.db"), b"keys").unwrap();
        let writes = (0..200).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |tx| {
                    tx.execute("INSERT INTO letters (to_name, address, text, sent_at) VALUES ('a','b','c',?1)", [i])?;
                    if i % 10 == 0 {
                        return Err(StoreError::Corrupt("refused job"));
                    }
                    Ok(i)
                })
                .await
            })
        });
        let outcomes = futures_util::future::join_all(writes).await;
        let accepted = outcomes.into_iter().filter(|o| matches!(o, Ok(Ok(_)))).count();
        assert_eq!(accepted, 180);
        let stored: i64 = db
            .read(|c| {
                Ok::<i64, StoreError>(
                    c.query_row("SELECT count(*) FROM letters", [], |r| r.get(0))?,
                )
            })
            .await
            .unwrap();
        assert_eq!(stored, 180, "each refused write rolled back alone");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"this is not sqlite, and it is someone's data").unwrap();
        assert!(matches!(SqliteDb::open(&path, b"keys"), Err(OpenError::Sqlite { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), b"this is not sqlite, and it is someone's data");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteDb::open(&path, b"keys").unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        assert!(matches!(SqliteDb::open(&path, b"keys"), Err(OpenError::TooNew { .. })));
    }
}
