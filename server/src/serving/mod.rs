//! The service's own accept loop, so that no client can hold it: hyper's HTTP/1
//! connections with a header read timeout (which also ends idle keep-alive
//! connections), a TLS handshake timeout, caps on open connections in all and per
//! client, and a graceful shutdown that waits for requests in flight only up to a
//! deadline. The per-request limits (timeouts, requests in flight) are layers on the
//! router (`http::router`), where the one endpoint that is meant to stay open, the
//! device's event stream, is left out of them.

pub mod admission;
pub mod client;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt;

use self::admission::PerClient;
use self::client::{ClientAddress, TrustedProxies};

/// What one service lets its clients hold. The defaults suit one machine with
/// 20,000 open files: generous per client, because citizens behind a carrier's NAT
/// share one address, and each device with the app open holds one event stream.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections, all clients together; more are closed on arrival.
    pub max_connections: usize,
    /// Open connections from one client address.
    pub max_connections_per_client: usize,
    /// Requests being answered at once (event streams aside); more get 503.
    pub max_requests_in_flight: usize,
    /// Requests being answered at once for one client; more get 429.
    pub max_requests_in_flight_per_client: usize,
    /// Time to send a request's line and headers, and to start the next request on a
    /// kept-alive connection.
    pub header_read_timeout: Duration,
    /// Time to send a request's body.
    pub request_body_timeout: Duration,
    /// Time to answer a request, body included; then 408.
    pub request_timeout: Duration,
    /// Time to finish a TLS handshake.
    pub tls_handshake_timeout: Duration,
    /// How long a shutdown waits for requests in flight before closing them.
    pub shutdown_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 16_000,
            max_connections_per_client: 2_000,
            max_requests_in_flight: 1_024,
            max_requests_in_flight_per_client: 256,
            header_read_timeout: Duration::from_secs(10),
            request_body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            tls_handshake_timeout: Duration::from_secs(10),
            shutdown_deadline: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown` completes, then
/// lets requests in flight finish for at most `limits.shutdown_deadline`.
pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    limits: &Limits,
    proxies: TrustedProxies,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let per_client = PerClient::new(limits.max_connections_per_client);
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let handshake = limits.tls_handshake_timeout;
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            Some(_) = tasks.join_next() => continue,
            () = &mut shutdown => break,
        };
        // Over a cap the connection is closed at once: it costs a socket for an
        // instant, never a task.
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tracing::warn!("connection refused: {} connections open", limits.max_connections);
            continue;
        };
        // Behind a trusted proxy every connection comes from the proxy, which sets its
        // own caps; the per-client caps then apply to requests only.
        let admitted = if proxies.is_trusted(peer.ip()) {
            None
        } else {
            match per_client.admit(ClientAddress::of(peer.ip())) {
                Some(admitted) => Some(admitted),
                None => {
                    tracing::warn!(client = %ClientAddress::of(peer.ip()), "connection refused: too many from this client");
                    continue;
                }
            }
        };
        let connection = Connection {
            http: http.clone(),
            app: app.clone(),
            proxies: proxies.clone(),
            peer,
            watcher: graceful.watcher(),
        };
        let tls = tls.clone();
        tasks.spawn(async move {
            let _held = (permit, admitted);
            match tls {
                None => connection.run(stream).await,
                Some(acceptor) => {
                    match tokio::time::timeout(handshake, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => connection.run(stream).await,
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    let open = graceful.count();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_deadline) => {
            tracing::warn!(open, "shutdown deadline passed: closing the connections still open");
        }
    }
    // Dropping the set aborts what is left (connections mid-handshake included).
    tasks.shutdown().await;
    Ok(())
}

/// Errors such as running out of file descriptors are the system's, not the
/// client's: wait a little instead of spinning. A client that reset its connection
/// before it was accepted is nothing to wait for.
async fn accept_failed(e: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tracing::warn!(error = %e, "accepting a connection failed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct Connection {
    http: hyper::server::conn::http1::Builder,
    app: Router,
    proxies: TrustedProxies,
    peer: SocketAddr,
    watcher: hyper_util::server::graceful::Watcher,
}

impl Connection {
    async fn run<I>(self, io: I)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Self { http, app, proxies, peer, watcher } = self;
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let client = proxies.client(peer.ip(), request.headers());
            request.extensions_mut().insert(client);
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let served = watcher.watch(http.serve_connection(TokioIo::new(io), service));
        if let Err(e) = served.await {
            // Header timeouts and clients that hang up end here; nothing to act on.
            tracing::debug!(error = %e, "connection ended");
        }
    }
}
