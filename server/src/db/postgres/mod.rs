//! PostgreSQL, for several instances sharing one database.
//!
//! The design is SQLite's (`db/sqlite.rs`), so the rules keep their meaning: each
//! instance has one writer connection on its own thread, fed by a queue, which runs
//! the waiting jobs in one transaction (each in its own savepoint when there are
//! several) and commits once. Every write transaction first takes one advisory lock
//! (`pg_advisory_xact_lock`), so the writes of all instances run one after another,
//! as SQLite's do: a PIN is used once, a limit counted once, and the outboxes' ids
//! commit in order, which their cursors rely on. Reads run in parallel, each
//! statement on the latest committed data, on a pool of read-only connections.
//!
//! Besides storage the engine offers what several instances need of each other:
//! notifications (`LISTEN`/`NOTIFY`, [`PgDb::broadcast`], [`PgDb::listen`]) and a
//! lock held across one piece of work ([`PgDb::exclusive`]).

mod activation;
mod activity;
mod approvals;
mod audit;
mod devices;
mod oidc;
mod pins;
mod registry;
mod schema;
mod shared;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};
use tokio::sync::oneshot;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{DatabaseUrl, OpenError, Savepoints, StoreError, StoreResult};

/// The lock every write transaction takes (any constant; "clavepin" in ASCII).
const WRITE_LOCK: i64 = 0x636c_6176_6570_696e;

/// The lock migrations take, so instances starting together migrate once.
const MIGRATE_LOCK: i64 = WRITE_LOCK + 1;

/// Most jobs committed together.
const MAX_BATCH: usize = 128;

/// Readers kept open; more are opened when all are busy.
const READERS: usize = 8;

/// A connection and the statements prepared on it (a cached statement saves a round
/// trip on every use).
struct Conn {
    client: Client,
    statements: RefCell<HashMap<String, Statement>>,
}

/// Where connections go, and how: TLS (verified against the web's roots and the
/// operator's CA) when the URL says `sslmode=require`, else plain, which only a
/// loopback address or a Unix socket may use.
#[derive(Clone)]
struct Target {
    config: postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl Target {
    fn new(url: &DatabaseUrl) -> Result<Self, OpenError> {
        let fail = |reason: String| OpenError::Postgres { url: url.to_string(), reason };
        let mut config: postgres::Config =
            url.as_str().parse().map_err(|e| fail(format!("{e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        // A connection whose peer vanished (a dropped NAT flow, a dead host) is noticed
        // in seconds, not after the kernel's quarter of an hour: the writer and the
        // delivery lock would otherwise wait on it.
        config.keepalives(true).keepalives_idle(Duration::from_secs(15));
        config.keepalives_interval(Duration::from_secs(5)).keepalives_retries(3);
        config.tcp_user_timeout(Duration::from_secs(20));
        if config.get_application_name().is_none() {
            config.application_name("clavepin");
        }
        if config.get_ssl_mode() == SslMode::Require {
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            if let Some(ca) = url.ca() {
                use rustls::pki_types::CertificateDer;
                use rustls::pki_types::pem::PemObject;
                let certs = CertificateDer::pem_file_iter(ca)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| fail(format!("the CA file {}: {e}", ca.display())))?;
                for cert in certs {
                    roots
                        .add(cert)
                        .map_err(|e| fail(format!("the CA file {}: {e}", ca.display())))?;
                }
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| fail(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            return Ok(Self { config, tls: Some(MakeRustlsConnect::new(tls)) });
        }
        let off_loopback = config.get_hosts().iter().any(|host| match host {
            Host::Unix(_) => false,
            Host::Tcp(name) => {
                name != "localhost"
                    && !name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
        });
        if off_loopback || config.get_hostaddrs().iter().any(|ip| !ip.is_loopback()) {
            return Err(OpenError::PlainOffLoopback);
        }
        Ok(Self { config, tls: None })
    }

    /// A connection, set up with `setup`.
    fn open(&self, setup: &str) -> Result<Conn, postgres::Error> {
        let mut client = match &self.tls {
            Some(tls) => self.config.connect(tls.clone())?,
            None => self.config.connect(NoTls)?,
        };
        client.batch_execute(setup)?;
        Ok(Conn { client, statements: RefCell::default() })
    }
}

impl Conn {
    fn view(&mut self) -> Pg<'_> {
        Pg { client: RefCell::new(&mut self.client), statements: &self.statements }
    }
}

/// Every session: UTC, and nobody holds the write lock forever (a stuck instance's
/// transaction is ended by the server, and a writer waiting on it gives up).
const SESSION: &str = "SET TIME ZONE 'UTC'; SET idle_in_transaction_session_timeout = '15s'";
const WRITER: &str = "SET statement_timeout = '15s'";
const READER: &str = "SET default_transaction_read_only = on; SET statement_timeout = '15s'";

/// A connection inside a job's transaction (writes) or on its own (reads), as the
/// store traits see it.
pub struct Pg<'a> {
    client: RefCell<&'a mut Client>,
    statements: &'a RefCell<HashMap<String, Statement>>,
}

/// Parameters of one statement.
pub type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl Pg<'_> {
    fn statement(&self, sql: &str) -> StoreResult<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.borrow_mut().prepare(sql)?;
        self.statements.borrow_mut().insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs a statement; the rows it changed.
    pub fn execute(&self, sql: &str, params: Params<'_>) -> StoreResult<usize> {
        let statement = self.statement(sql)?;
        let changed = self.client.borrow_mut().execute(&statement, params)?;
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }

    /// Every row a query returns.
    pub fn query(&self, sql: &str, params: Params<'_>) -> StoreResult<Vec<Row>> {
        let statement = self.statement(sql)?;
        Ok(self.client.borrow_mut().query(&statement, params)?)
    }

    /// The row a query returns, if any (more than one is an error).
    pub fn query_opt(&self, sql: &str, params: Params<'_>) -> StoreResult<Option<Row>> {
        let statement = self.statement(sql)?;
        Ok(self.client.borrow_mut().query_opt(&statement, params)?)
    }

    /// The one row a query returns.
    pub fn query_one(&self, sql: &str, params: Params<'_>) -> StoreResult<Row> {
        let statement = self.statement(sql)?;
        Ok(self.client.borrow_mut().query_one(&statement, params)?)
    }

    /// Runs statements without parameters, in one round trip.
    pub fn batch(&self, sql: &str) -> StoreResult<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }
}

impl Savepoints for Pg<'_> {
    fn savepoint(&self, name: &'static str) -> StoreResult<()> {
        self.batch(&format!("SAVEPOINT {name}"))
    }

    fn release(&self, name: &'static str) -> StoreResult<()> {
        self.batch(&format!("RELEASE SAVEPOINT {name}"))
    }

    fn rollback_to(&self, name: &'static str) -> StoreResult<()> {
        self.batch(&format!("ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"))
    }
}

/// A queued write, told whether it runs alone in its transaction (then it needs no
/// savepoint: a refusal rolls the whole transaction back); it says whether it
/// succeeded, and what to tell its caller once the commit is done (`true`) or not.
type Job = Box<dyn FnOnce(&Pg<'_>, bool) -> (bool, Reply) + Send>;
type Reply = Box<dyn FnOnce(bool) + Send>;

/// What the handles share.
struct Shared {
    url: DatabaseUrl,
    target: Target,
    readers: Mutex<Vec<Conn>>,
    notifier: Mutex<Option<mpsc::Sender<(&'static str, String)>>>,
    exclusive: tokio::sync::Mutex<Option<Conn>>,
}

/// The blocking client shuts its runtime down when dropped, which panics on a thread
/// that drives async tasks: connections that may be dropped there go to a thread.
fn drop_off_async(conns: Vec<Conn>) {
    if !conns.is_empty() {
        let _ = thread::Builder::new().name("clavepin-pg-close".into()).spawn(move || drop(conns));
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let mut conns =
            std::mem::take(self.readers.get_mut().unwrap_or_else(PoisonError::into_inner));
        conns.extend(self.exclusive.get_mut().take());
        drop_off_async(conns);
    }
}

/// Holds the connection of [`PgDb::exclusive`] while its work runs, so that work
/// abandoned halfway (its task aborted) drops the connection where it may.
struct Held(Option<Conn>);

impl Drop for Held {
    fn drop(&mut self) {
        drop_off_async(self.0.take().into_iter().collect());
    }
}

/// Handle to a PostgreSQL database; cheap to clone.
#[derive(Clone)]
pub struct PgDb {
    writer: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for PgDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgDb").field("url", &self.shared.url).finish_non_exhaustive()
    }
}

impl PgDb {
    /// Connects, migrates (one instance at a time) and starts the writer.
    pub fn open(url: &DatabaseUrl, fingerprint: &[u8]) -> Result<Self, OpenError> {
        let fail = |e: &dyn std::fmt::Display| OpenError::Postgres {
            url: url.to_string(),
            reason: e.to_string(),
        };
        let target = Target::new(url)?;
        // The blocking client runs its own runtime, which may not start on a thread
        // that drives async tasks: connecting happens on a thread of its own.
        let (opened, migrate_url) = (target.clone(), url.clone());
        let fingerprint = fingerprint.to_vec();
        let writer = thread::spawn(move || -> Result<Conn, OpenError> {
            let mut conn = opened.open(&format!("{SESSION}; {WRITER}")).map_err(|e| {
                OpenError::Postgres { url: migrate_url.to_string(), reason: describe(&e) }
            })?;
            schema::migrate(&mut conn.client, MIGRATE_LOCK, &migrate_url)?;
            super::check_keys(&conn.view(), &fingerprint)?;
            Ok(conn)
        })
        .join()
        .map_err(|_| fail(&"the connecting thread panicked"))??;
        let (tx, rx) = mpsc::channel::<Job>();
        let writer_target = target.clone();
        thread::Builder::new()
            .name("clavepin-pg-writer".into())
            .spawn(move || write_loop(writer, &writer_target, &rx))
            .map_err(|e| fail(&e))?;
        Ok(Self {
            writer: tx,
            shared: Arc::new(Shared {
                url: url.clone(),
                target,
                readers: Mutex::default(),
                notifier: Mutex::default(),
                exclusive: tokio::sync::Mutex::default(),
            }),
        })
    }

    /// Runs `f` on the writer; its changes are kept if it returns `Ok`, and the answer
    /// comes once they are committed.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Pg<'_>) -> Result<T, E> + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |pg, alone| {
            let outcome = if alone { f(pg) } else { in_savepoint(pg, f) };
            let succeeded = outcome.is_ok();
            let reply: Reply = Box::new(move |committed| {
                let answer = match outcome {
                    Ok(_) if !committed => Err(StoreError::CommitFailed.into()),
                    other => other,
                };
                let _ = done.send(answer);
            });
            (succeeded, reply)
        });
        self.writer.send(job).map_err(|_| StoreError::Stopped)?;
        result.await.map_err(|_| StoreError::Stopped)?
    }

    /// Runs `f` on a reader connection, off the async threads.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Pg<'_>) -> Result<T, E> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let pooled = shared.readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let mut conn = match pooled {
                Some(conn) if !conn.client.is_closed() => conn,
                _ => shared
                    .target
                    .open(&format!("{SESSION}; {READER}"))
                    .map_err(|e| E::from(e.into()))?,
            };
            let outcome = f(&conn.view());
            let mut pool = shared.readers.lock().unwrap_or_else(PoisonError::into_inner);
            if pool.len() < READERS && !conn.client.is_closed() {
                pool.push(conn);
            }
            outcome
        })
        .await
        .map_err(|_| StoreError::Stopped)?
    }

    /// Sends `payload` to every instance listening on `channel` (this one too), in
    /// the order given, without waiting: a lost notification is only a delay, as
    /// what it announces is in the database.
    pub fn broadcast(&self, channel: &'static str, payload: String) {
        let mut notifier = self.shared.notifier.lock().unwrap_or_else(PoisonError::into_inner);
        let payload = match notifier.as_ref() {
            None => payload,
            Some(sender) => match sender.send((channel, payload)) {
                Ok(()) => return,
                // The notifier's thread ended: a new one takes over.
                Err(mpsc::SendError((_, payload))) => payload,
            },
        };
        let (sender, receiver) = mpsc::channel();
        let target = self.shared.target.clone();
        let spawned = thread::Builder::new()
            .name("clavepin-pg-notify".into())
            .spawn(move || notify_loop(&target, &receiver));
        if spawned.is_ok() && sender.send((channel, payload)).is_ok() {
            *notifier = Some(sender);
        }
    }

    /// Calls `heard` with each payload sent on `channel`, from a thread of its own,
    /// reconnecting after a lost connection, for as long as `alive` says (asked every
    /// second).
    pub fn listen(
        &self,
        channel: &'static str,
        alive: Box<dyn Fn() -> bool + Send>,
        heard: Box<dyn Fn(&str) + Send>,
    ) -> std::io::Result<()> {
        let target = self.shared.target.clone();
        thread::Builder::new()
            .name("clavepin-pg-listen".into())
            .spawn(move || listen_loop(&target, channel, alive.as_ref(), heard.as_ref()))
            .map(|_| ())
    }

    /// Runs `work` while holding the lock `key` across every instance (a session lock
    /// on a connection of its own): one round of delivery at a time, whichever
    /// instance runs it. If the connection is lost the lock is released with it.
    pub async fn exclusive<T>(&self, key: i64, work: impl Future<Output = T>) -> StoreResult<T> {
        let mut slot = self.shared.exclusive.lock().await;
        let conn = slot.take();
        let shared = Arc::clone(&self.shared);
        let locked = tokio::task::spawn_blocking(move || -> StoreResult<Conn> {
            let mut conn = match conn {
                Some(conn) if !conn.client.is_closed() => conn,
                _ => shared.target.open(SESSION)?,
            };
            conn.client.execute("SELECT pg_advisory_lock($1)", &[&key])?;
            Ok(conn)
        })
        .await
        .map_err(|_| StoreError::Stopped)??;
        let mut held = Held(Some(locked));
        let value = work.await;
        let locked = held.0.take();
        let conn = tokio::task::spawn_blocking(move || {
            let mut conn = locked?;
            conn.client.execute("SELECT pg_advisory_unlock($1)", &[&key]).ok().map(|_| conn)
        })
        .await
        .map_err(|_| StoreError::Stopped)?;
        *slot = conn;
        Ok(value)
    }
}

/// Creates the schema `name` (for `DatabaseUrl::in_fresh_schema`).
pub(super) fn create_schema(url: &DatabaseUrl, name: &str) -> Result<(), OpenError> {
    let target = Target::new(url)?;
    let sql = format!("CREATE SCHEMA {name}");
    // The blocking client runs its own runtime: on a thread of its own.
    let made = thread::spawn(move || target.open(SESSION)?.client.batch_execute(&sql)).join();
    let fail = |reason: String| OpenError::Postgres { url: url.to_string(), reason };
    made.map_err(|_| fail("the connecting thread panicked".into()))?.map_err(|e| fail(describe(&e)))
}

/// The writer: batches of waiting jobs, one transaction each, under the write lock.
fn write_loop(mut conn: Conn, target: &Target, jobs: &mpsc::Receiver<Job>) {
    // Ends when every handle (every sender) is gone.
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if conn.client.is_closed() {
            match target.open(&format!("{SESSION}; {WRITER}")) {
                Ok(fresh) => conn = fresh,
                Err(e) => {
                    // Dropping the jobs drops their senders: each caller gets an error.
                    tracing::error!(error = %describe(&e), "cannot reconnect to PostgreSQL");
                    thread::sleep(Duration::from_millis(200));
                    continue;
                }
            }
        }
        run_batch(&mut conn, batch);
    }
}

fn run_batch(conn: &mut Conn, jobs: Vec<Job>) {
    let alone = jobs.len() == 1;
    // Round trips are what a batch spends its lock on: the first job's savepoint goes
    // with BEGIN, each next one with the release of the last, the last release with
    // COMMIT. A job alone needs none: its refusal rolls the transaction back.
    let savepoint = if alone { "" } else { "; SAVEPOINT job" };
    // READ COMMITTED whatever the server's default: each statement after the lock sees
    // what the lock's previous holder committed.
    let begin = format!(
        "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({WRITE_LOCK}){savepoint}"
    );
    if let Err(e) = conn.client.batch_execute(&begin) {
        tracing::error!(error = %describe(&e), "cannot begin a write transaction");
        let _ = conn.client.batch_execute("ROLLBACK");
        return;
    }
    let count = jobs.len();
    let mut replies = Vec::with_capacity(count);
    let mut failed_alone = false;
    {
        let pg = conn.view();
        for (i, job) in jobs.into_iter().enumerate() {
            let run = std::panic::AssertUnwindSafe(|| job(&pg, alone));
            match std::panic::catch_unwind(run) {
                Ok((succeeded, reply)) => {
                    failed_alone = alone && !succeeded;
                    replies.push(reply);
                }
                Err(_) => {
                    failed_alone = alone;
                    if !alone {
                        let _ = pg.batch("ROLLBACK TO SAVEPOINT job");
                    }
                    tracing::error!("a database write panicked; it was rolled back");
                }
            }
            if !alone && i + 1 < count {
                // A failure here leaves the transaction aborted: the commit says so.
                let _ = pg.batch("RELEASE SAVEPOINT job; SAVEPOINT job");
            }
        }
    }
    // A job alone that failed leaves its changes or an aborted transaction: both go.
    let committed = !failed_alone && conn.client.batch_execute("COMMIT").is_ok();
    if !committed {
        let _ = conn.client.batch_execute("ROLLBACK");
    }
    for reply in replies {
        reply(committed);
    }
}

/// Runs one job of a batch inside the savepoint the batch opened for it: rolled
/// back to it if the job fails (the batch releases it either way).
fn in_savepoint<T, E: From<StoreError>>(
    pg: &Pg<'_>,
    f: impl FnOnce(&Pg<'_>) -> Result<T, E>,
) -> Result<T, E> {
    match f(pg) {
        Ok(value) => Ok(value),
        Err(e) => {
            pg.batch("ROLLBACK TO SAVEPOINT job")?;
            Err(e)
        }
    }
}

fn notify_loop(target: &Target, queue: &mpsc::Receiver<(&'static str, String)>) {
    let mut conn: Option<Conn> = None;
    while let Ok((channel, payload)) = queue.recv() {
        if conn.as_ref().is_none_or(|c| c.client.is_closed()) {
            conn = target.open(SESSION).ok();
        }
        let Some(live) = conn.as_mut() else {
            tracing::warn!("a notification to the other instances was lost: no connection");
            continue;
        };
        if let Err(e) = live.view().execute("SELECT pg_notify($1, $2)", &[&channel, &payload]) {
            tracing::warn!(error = %e, "a notification to the other instances was lost");
        }
    }
}

fn listen_loop(
    target: &Target,
    channel: &'static str,
    alive: &dyn Fn() -> bool,
    heard: &dyn Fn(&str),
) {
    let mut wait = Duration::from_millis(100);
    while alive() {
        let mut conn = match target.open(&format!("{SESSION}; LISTEN {channel}")) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %describe(&e), "cannot listen to the other instances");
                thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        wait = Duration::from_millis(100);
        'connected: while alive() {
            let mut notifications = conn.client.notifications();
            let mut waiting = notifications.timeout_iter(Duration::from_secs(1));
            loop {
                match waiting.next() {
                    // Busy channels keep the wait from ending: ask here too.
                    Ok(Some(_)) if !alive() => return,
                    Ok(Some(n)) => heard(n.payload()),
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %describe(&e), "lost the other instances' news");
                        break 'connected;
                    }
                }
            }
            drop(waiting);
            drop(notifications);
            if conn.client.is_closed() {
                break;
            }
        }
    }
}

/// The server's own message when there is one (the client's `Display` says only "db
/// error").
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.code().code(), db.message());
    }
    // The client's own errors say what failed; their sources say why (a refused
    // connection, a certificate of an unknown CA).
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Postgres(describe(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Result<Target, OpenError> {
        Target::new(&DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}")))
    }

    #[test]
    fn plain_tcp_goes_to_loopback_or_a_socket_only() {
        for url in [
            "postgres://clave:secret@10.0.0.5/clavepin",
            "postgres://clave@db.example.es/clavepin",
            "postgres://clave@127.0.0.1,10.0.0.5/clavepin",
            "postgres://clave@localhost/clavepin?hostaddr=10.0.0.5",
            "postgres://clave@db.example.es/clavepin?sslmode=prefer",
        ] {
            assert!(matches!(target(url), Err(OpenError::PlainOffLoopback)), "{url}");
        }
        for url in [
            "postgres://clave@127.0.0.1/clavepin",
            "postgres://clave@localhost:5433/clavepin",
            "postgres://clave@[::1]/clavepin",
            "postgresql:///clavepin?host=/run/postgresql",
        ] {
            assert!(target(url).is_ok_and(|t| t.tls.is_none()), "{url}");
        }
        let tls = target("postgres://clave@db.example.es/clavepin?sslmode=require");
        assert!(tls.is_ok_and(|t| t.tls.is_some()));
    }

    /// The engine itself, when the suite runs on PostgreSQL (`CLAVEPIN_TEST_DATABASE`).
    fn database() -> Option<PgDb> {
        let url = std::env::var("CLAVEPIN_TEST_DATABASE").ok().filter(|u| !u.is_empty())?;
        let url = DatabaseUrl::parse(&url).and_then(|u| u.in_fresh_schema("engine"));
        Some(
            PgDb::open(&url.unwrap_or_else(|e| panic!("{e}")), b"keys")
                .unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batched_writes_commit_together_and_a_refused_one_alone_rolls_back() {
        let Some(db) = database() else { return };
        let writes = (0..200i64).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |pg| {
                    pg.execute(
                        "INSERT INTO letters (to_name, address, text, sent_at) VALUES ('a','b','c',$1)",
                        &[&i],
                    )?;
                    match i % 20 {
                        0 => Err(StoreError::Corrupt("refused job")),
                        // A statement that fails leaves an aborted transaction behind it.
                        10 => pg.execute("INSERT INTO no_such_table VALUES (1)", &[]).map(|_| i),
                        _ => Ok(i),
                    }
                })
                .await
            })
        });
        let outcomes = futures_util::future::join_all(writes).await;
        let accepted = outcomes.into_iter().filter(|o| matches!(o, Ok(Ok(_)))).count();
        assert_eq!(accepted, 180);
        let stored: i64 = db
            .read(|pg| {
                Ok::<i64, StoreError>(
                    pg.query_one("SELECT count(*) FROM letters", &[])?.try_get(0)?,
                )
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored, 180, "each refused or failed write rolled back alone");
    }

    #[test]
    fn an_unreadable_ca_file_is_named() {
        let url = DatabaseUrl::parse("postgres://clave@db.example.es/clavepin?sslmode=require")
            .unwrap_or_else(|e| panic!("{e}"))
            .trusting("/nonexistent/ca.pem");
        let err = Target::new(&url).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    }
}
