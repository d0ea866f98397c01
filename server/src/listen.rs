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
    /// The certificate or key cannot be used.
    #[error("cannot use the TLS certificate and key: {0}")]
    BadTls(String),
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
    let acceptor = match tls {
        None if !addr.ip().is_loopback() => return Err(ListenError::TlsRequired(addr)),
        None => None,
        Some(files) => Some(acceptor(&files)?),
    };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(io_err)?;
    on_listening(listener.local_addr().map_err(io_err)?, acceptor.is_some());
    let service = if acceptor.is_some() { service.over_tls() } else { service };
    service.serve_with(listener, acceptor, shutdown).await.map_err(io_err)
}

fn acceptor(files: &TlsFiles) -> Result<tokio_rustls::TlsAcceptor, ListenError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &std::path::Path, e: &dyn std::fmt::Display| {
        ListenError::BadTls(format!("{}: {e}", what.display()))
    };
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| bad(&files.cert, &e))?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad(&files.key, &e))?;
    // One crypto library in the build: rustls uses ring, as the rest does.
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ListenError::BadTls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| ListenError::BadTls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
}
