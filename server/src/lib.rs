//! The reference Cl@ve PIN service: census, registry, device activation and signed
//! device requests, PIN issuance and verification, and the portal's "Obtain PIN"
//! pages (`portal/`), over HTTP (axum) with a SQLite file in its data folder. It
//! depends on `clavepin-protocol` and never on the device core (only its tests do).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let service = clavepin_server::Service::open(clavepin_server::ServiceConfig::new("data"))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! service.serve(listener, None, std::future::pending()).await?;
//! # Ok(()) }
//! ```

mod activation;
mod activity;
mod approvals;
mod audit;
mod binding_notice;
mod db;
mod delivery;
mod devices;
mod error;
mod fanout;
mod files;
mod http;
mod ids;
mod keys;
mod listen;
mod metrics;
mod oidc;
mod pins;
mod portal;
mod refusal;
mod registry;
mod serving;
mod state;
mod store;
mod time;
mod urls;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clavepin_protocol::{Clock, SystemClock};
use ring::rand::SystemRandom;

pub use db::StoreError;
pub use db::{DatabaseUrl, OpenError};
pub use delivery::apns::{APNS_DEVELOPMENT, APNS_PRODUCTION, Apns, ApnsKey};
pub use delivery::fcm::{Fcm, ServiceAccount};
pub use delivery::gateways::PushGateways;
pub use delivery::gateways::{
    EmailGateway, EmailMessage, Embedded, GatewayError, PushGateway, PushMessage, PushTarget,
    Sending, SmsGateway, SmsMessage,
};
pub use delivery::https::GatewayConfigError;
pub use delivery::payloads::{apns_payload, fcm_payload, payload_for as push_payload};
pub use delivery::twilio::{Sender as SmsSender, Twilio};
pub use http::app_links::{AppLinkError, AppLinks};
pub use listen::{Addresses, Bound, ListenError, TlsFiles, serve_on};
pub use serving::Limits;
pub use serving::client::{ClientAddress, TrustedProxies};
pub use urls::is_loopback;

/// The database file inside the data folder.
pub const DATABASE_FILE: &str = "clavepin.db";
/// The operator token file inside the data folder.
pub const OPERATOR_TOKEN_FILE: &str = "operator.token";
/// Where a serving service writes its operator API's address (`http://127.0.0.1:…`),
/// beside the token, so `clavepin admin --data DIR` finds both.
pub const OPERATOR_ADDRESS_FILE: &str = "operator.address";

/// How to run a service.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
    sms: Arc<dyn SmsGateway>,
    push: Arc<dyn PushGateway>,
    secure_cookies: bool,
    limits: Limits,
    proxies: TrustedProxies,
    issuer: Option<String>,
    database: Option<db::DatabaseUrl>,
    keys_file: Option<PathBuf>,
    app_links: AppLinks,
}

impl ServiceConfig {
    /// The real clock and the embedded gateways (the outboxes are where SMS and pushes
    /// end), with data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            clock: Arc::new(SystemClock),
            sms: Arc::new(Embedded),
            push: Arc::new(Embedded),
            secure_cookies: false,
            limits: Limits::default(),
            proxies: TrustedProxies::default(),
            issuer: None,
            database: None,
            keys_file: None,
            app_links: AppLinks::default(),
        }
    }

    /// The apps the log-in page's `/approve` links open (Android app links, iOS
    /// universal links): served as `/.well-known/assetlinks.json` and
    /// `/.well-known/apple-app-site-association`.
    pub fn with_app_links(mut self, links: AppLinks) -> Self {
        self.app_links = links;
        self
    }

    /// Keeps the data in PostgreSQL instead of the data folder's SQLite file: for
    /// several instances sharing one database, each with its own data folder.
    pub fn with_database(mut self, url: db::DatabaseUrl) -> Self {
        self.database = Some(url);
        self
    }

    /// Reads the service's master key from `path` instead of the data folder: the one
    /// file every instance of a service is given (created on the first start).
    pub fn with_keys_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.keys_file = Some(path.into());
        self
    }

    /// The OpenID Connect issuer: the public URL sites reach the service at
    /// (`https://clave.example.es`). Without it, the address the public listener is
    /// bound to, which only suits loopback.
    pub fn with_issuer(mut self, url: impl Into<String>) -> Self {
        self.issuer = Some(url.into());
        self
    }

    /// Other caps and timeouts for clients.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Proxies whose `X-Forwarded-For` names the client (for the caps and the claim
    /// throttle); without any, the peer address is the client.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.proxies = proxies;
        self
    }

    /// Marks the portal's session cookie `Secure` (and names it `__Host-…`): for a
    /// service reached over TLS through a proxy that terminates it. [`serve_on`] with
    /// TLS sets this itself; on plain loopback HTTP it must stay off, or browsers
    /// would not send the cookie back.
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    /// Another clock: tests and the demo move time in-process. `clavepin serve` never
    /// calls this.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Another push gateway.
    pub fn with_push(mut self, push: Arc<dyn PushGateway>) -> Self {
        self.push = push;
        self
    }

    /// Another SMS gateway.
    pub fn with_sms(mut self, sms: Arc<dyn SmsGateway>) -> Self {
        self.sms = sms;
        self
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data folder or a key file could not be made or read.
    #[error("data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] OpenError),
    /// Another service runs on this data folder (two writers would corrupt nothing,
    /// SQLite sees to that, but would race for the same keys and outboxes).
    #[error("another clavepin service is using the data folder {0}; stop it first")]
    InUse(PathBuf),
}

/// The lock file in the data folder: held while a service runs, released by the
/// system when its process ends, crash included, so a restart is never refused.
pub const LOCK_FILE: &str = "service.lock";

/// A running service's state: open database, keys, clock.
#[derive(Debug, Clone)]
pub struct Service {
    state: state::AppState,
    /// The portal's sessions: one store for every router this service makes.
    sessions: Arc<portal::Sessions>,
    data_dir: PathBuf,
    secure_cookies: bool,
    limits: Limits,
    proxies: TrustedProxies,
    /// The OpenID Connect issuer, configured or else set when serving starts.
    issuer: Option<oidc::Issuer>,
    app_links: AppLinks,
    /// Holds the data folder's lock for as long as any clone lives.
    _lock: std::sync::Arc<std::fs::File>,
}

impl Service {
    /// Opens the data folder (creating it, its keys and its database on first start).
    pub fn open(config: ServiceConfig) -> Result<Self, StartError> {
        let dir = &config.data_dir;
        let data_err = |source| StartError::DataDir { path: dir.clone(), source };
        files::create_private_dir(dir).map_err(data_err)?;
        let lock = files::open_private(&dir.join(LOCK_FILE)).map_err(data_err)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StartError::InUse(dir.clone())),
            Err(std::fs::TryLockError::Error(e)) => return Err(data_err(e)),
        }
        let rng = SystemRandom::new();
        let location = match &config.database {
            Some(url) => db::Location::Postgres(url.clone()),
            None => db::Location::Sqlite(dir.join(DATABASE_FILE)),
        };
        // On PostgreSQL any instance may be the first; the keys' fingerprint in the
        // database refuses one whose key was made anew.
        let first_start = match &location {
            db::Location::Sqlite(path) => !path.exists(),
            db::Location::Postgres(_) => true,
        };
        let master = config.keys_file.as_deref();
        let keys =
            keys::ServiceKeys::load_or_create(dir, master, &rng, first_start).map_err(data_err)?;
        if let db::Location::Sqlite(path) = &location {
            files::private_database(path).map_err(data_err)?;
        }
        let db = db::Db::open(&location, &keys.fingerprint())?;
        files::close_up(dir).map_err(data_err)?;
        let events = match db.postgres() {
            Some(pg) => fanout::across_instances(pg).map_err(data_err)?,
            None => pins::events::EventHub::default(),
        };
        let sessions = match &location {
            db::Location::Sqlite(_) => portal::Sessions::default(),
            db::Location::Postgres(_) => portal::Sessions::Database(db.clone()),
        };
        let metrics = Arc::new(metrics::Metrics::default());
        let state = state::AppState::new(state::Inner {
            db,
            clock: config.clock,
            keys: Arc::new(keys),
            rng,
            delivery: delivery::worker::Delivery::new(config.sms, config.push, metrics.clone())
                .on_dead_token(Arc::new(|tx, dead, keys, now| {
                    pins::fall_back_from_dead_push(tx, dead, keys, now)
                })),
            events,
            metrics,
        });
        Ok(Self {
            state,
            sessions: Arc::new(sessions),
            data_dir: config.data_dir,
            secure_cookies: config.secure_cookies,
            limits: config.limits,
            proxies: config.proxies,
            issuer: config.issuer.as_deref().map(oidc::Issuer::new),
            app_links: config.app_links,
            _lock: std::sync::Arc::new(lock),
        })
    }

    /// The HTTP routes, for serving or for in-process tests.
    pub fn router(&self) -> axum::Router {
        http::router(
            self.state.clone(),
            self.sessions.clone(),
            self.issuer(),
            self.secure_cookies,
            &self.limits,
            self.app_links.clone(),
        )
    }

    /// The OpenID Connect issuer (until serving starts, a placeholder on loopback).
    fn issuer(&self) -> oidc::Issuer {
        self.issuer.clone().unwrap_or_else(|| oidc::Issuer::new("http://127.0.0.1"))
    }

    /// The issuer URL sites configure.
    pub fn issuer_url(&self) -> String {
        self.issuer().as_str().to_owned()
    }

    /// The operator API's routes, for its own listener.
    pub fn operator_router(&self) -> axum::Router {
        http::operator_router(self.state.clone(), self.sessions.clone(), &self.limits)
    }

    /// The same service, its portal cookies marked `Secure`: it is served over TLS.
    pub(crate) fn over_tls(mut self) -> Self {
        self.secure_cookies = true;
        self
    }

    /// How many portal sessions are stored (anonymous visits store none).
    pub async fn portal_sessions(&self) -> Result<usize, StoreError> {
        self.sessions.len(self.state.now()).await
    }

    /// The operator's bearer token.
    pub fn operator_token(&self) -> &str {
        self.state.keys.operator_token()
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Serves plain HTTP, the public API on `public` and the operator API on
    /// `operator` (none without it), until `shutdown` completes, then finishes the
    /// requests in flight (for at most the limits' shutdown deadline). For loopback
    /// listeners: [`serve_on`] checks that.
    pub async fn serve(
        self,
        public: tokio::net::TcpListener,
        operator: Option<tokio::net::TcpListener>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        if let Some(listener) = &operator {
            self.write_operator_address(listener.local_addr()?, false)?;
        }
        self.serve_with(public, operator, None, shutdown).await
    }

    /// Writes where the operator API listens into the data folder, owner-only.
    pub(crate) fn write_operator_address(&self, addr: SocketAddr, tls: bool) -> io::Result<()> {
        let scheme = if tls { "https" } else { "http" };
        let path = self.data_dir.join(OPERATOR_ADDRESS_FILE);
        files::write_private(&path, &format!("{scheme}://{addr}\n"))
    }

    /// The same service, its issuer the public listener's address unless one was
    /// configured.
    pub(crate) fn issued_at(mut self, public: SocketAddr, tls: bool) -> Self {
        if self.issuer.is_none() {
            let scheme = if tls { "https" } else { "http" };
            self.issuer = Some(oidc::Issuer::new(&format!("{scheme}://{public}")));
        }
        self
    }

    pub(crate) async fn serve_with(
        self,
        public: tokio::net::TcpListener,
        operator: Option<tokio::net::TcpListener>,
        tls: Option<tokio_rustls::TlsAcceptor>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let ready = self.issued_at(public.local_addr()?, tls.is_some());
        ready.serve_ready(public, operator, tls, shutdown).await
    }

    async fn serve_ready(
        self,
        public: tokio::net::TcpListener,
        operator: Option<tokio::net::TcpListener>,
        tls: Option<tokio_rustls::TlsAcceptor>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let pruning = self.spawn_pruning();
        let delivering = self.spawn_delivery();
        // One signal stops both listeners; open event streams never end by
        // themselves, so they are closed when it comes.
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let events = self.state.events.clone();
        let signal = tokio::spawn(async move {
            shutdown.await;
            events.close();
            let _ = stop.send(true);
        });
        let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        let proxies = self.proxies.clone();
        let public_served = serving::serve(
            public,
            tls.clone(),
            self.router(),
            &self.limits,
            proxies,
            stopped(stopping.clone()),
        );
        let result = match operator {
            None => public_served.await,
            Some(listener) => {
                // The operator's address is its own: no forwarded addresses believed.
                let operator_served = serving::serve(
                    listener,
                    tls,
                    self.operator_router(),
                    &self.limits,
                    TrustedProxies::default(),
                    stopped(stopping),
                );
                let (public, operator) = tokio::join!(public_served, operator_served);
                public.and(operator)
            }
        };
        signal.abort();
        pruning.abort();
        delivering.abort();
        result
    }

    /// Starts the minute-by-minute pruning; abort the handle when serving stops.
    pub(crate) fn spawn_pruning(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(prune_forever(self.state.clone(), self.sessions.clone()))
    }

    /// Starts the outbox's worker; abort the handle when serving stops.
    pub(crate) fn spawn_delivery(&self) -> tokio::task::JoinHandle<()> {
        let state = &self.state;
        let (db, clock, keys) = (state.db.clone(), state.clock.clone(), state.keys.clone());
        tokio::spawn(state.delivery.clone().run(db, clock, keys))
    }

    /// Hands what the outboxes hold to the gateways once (the worker does this after
    /// every commit that queued something, and every second); for tests and the demo
    /// that run the service without serving. Returns how many messages went.
    pub async fn deliver(&self) -> Result<usize, StoreError> {
        let state = &self.state;
        state.delivery.drain(&state.db, state.clock.as_ref(), &state.keys).await
    }

    /// Forgets what is no longer needed: old nonces, requests a day past expiry,
    /// outbox rows 15 minutes old. Runs every minute while serving; public so tests and
    /// the demo can run it after moving their clock. Returns how many rows went.
    pub async fn prune(&self) -> Result<usize, StoreError> {
        let sessions = self.sessions.prune(self.state.now()).await?;
        Ok(prune_once(&self.state).await? + sessions)
    }
}

async fn prune_once(state: &state::AppState) -> Result<usize, StoreError> {
    let now = state.now();
    let pruned: usize = state
        .db
        .write(move |tx| {
            Ok(devices::prune_nonces(tx, now)?
                + activation::prune_pending(tx, now)?
                + pins::prune(tx, now)?
                + approvals::prune(tx, now)?
                + activity::prune(tx, now)?
                + registry::guard::prune(tx, now)?
                + delivery::outbox::OutboxStore::prune_outbox(tx, now)?
                + oidc::tokens::prune(tx, now)?)
        })
        .await
        .map_err(|e: StoreError| e)?;
    // The signing keys' calendar: the next key published ahead, retired ones dropped.
    let app = state.clone();
    let maintained =
        state.db.write(move |tx| oidc::signing::maintain(tx, &app.keys, &app.rng, now)).await;
    if let Err(e) = maintained {
        tracing::warn!(error = %e, "signing-key maintenance failed");
    }
    Ok(pruned)
}

async fn prune_forever(state: state::AppState, sessions: Arc<portal::Sessions>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        if let Err(e) = prune_once(&state).await {
            tracing::warn!(error = %e, "pruning failed");
        }
        if let Err(e) = sessions.prune(state.now()).await {
            tracing::warn!(error = %e, "pruning the portal's sessions failed");
        }
    }
}
