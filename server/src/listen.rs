//! Where the service listens. Plain HTTP only on loopback; any other address needs
//! TLS (rustls with the `ring` provider), because device requests carry codes and
//! the portal carries PINs.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Service;

/// A certificate chain and private key, both PEM.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// Why the service cannot listen.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// A non-loopback address without TLS.
    #[error("{0} is not a loopback address: serving there needs --tls-cert and --tls-key")]
    TlsRequired(SocketAddr),
    /// Binding or serving failed.
    #[error("cannot listen on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
}

/// Binds `addr` and serves until `shutdown`; `on_listening` is told the bound address
/// (useful with port 0).
pub async fn serve_on(
    service: Service,
    addr: SocketAddr,
    tls: Option<TlsFiles>,
    on_listening: impl FnOnce(SocketAddr, bool),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ListenError> {
    let io_err = |source| ListenError::Io { addr, source };
    match tls {
        None if !addr.ip().is_loopback() => Err(ListenError::TlsRequired(addr)),
        None => {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(io_err)?;
            on_listening(listener.local_addr().map_err(io_err)?, false);
            service.serve(listener, shutdown).await.map_err(io_err)
        }
        Some(files) => {
            // One crypto library in the build: rustls uses ring, as the rest does.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config =
                axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key)
                    .await
                    .map_err(io_err)?;
            let std_listener = std::net::TcpListener::bind(addr).map_err(io_err)?;
            std_listener.set_nonblocking(true).map_err(io_err)?;
            on_listening(std_listener.local_addr().map_err(io_err)?, true);
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            let closer = service.clone();
            tokio::spawn(async move {
                shutdown.await;
                closer.close_event_streams();
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            let service = service.over_tls();
            let pruning = service.spawn_pruning();
            let delivering = service.spawn_delivery();
            let served = axum_server::from_tcp_rustls(std_listener, config)
                .map_err(io_err)?
                .handle(handle)
                .serve(service.router().into_make_service())
                .await
                .map_err(io_err);
            pruning.abort();
            delivering.abort();
            served
        }
    }
}
