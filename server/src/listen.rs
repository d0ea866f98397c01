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

/// Where to listen: the public API and the portal, and the operator API.
#[derive(Debug, Clone, Copy)]
pub struct Addresses {
    /// The public API and the portal.
    pub public: SocketAddr,
    /// The operator API: loopback unless the operator chooses otherwise (then TLS
    /// too), so the token never crosses a network it need not.
    pub operator: SocketAddr,
}

/// What was bound (with port 0, the ports chosen).
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// The public address.
    pub public: SocketAddr,
    /// The operator address.
    pub operator: SocketAddr,
    /// Whether both speak TLS.
    pub tls: bool,
}

/// Binds both addresses and serves until `shutdown`; `on_listening` is told what was
/// bound. The operator address is also written to the data folder
/// ([`crate::OPERATOR_ADDRESS_FILE`]).
pub async fn serve_on(
    service: Service,
    addresses: Addresses,
    tls: Option<TlsFiles>,
    on_listening: impl FnOnce(&Bound),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ListenError> {
    let acceptor = match tls {
        None => {
            for addr in [addresses.public, addresses.operator] {
                if !addr.ip().is_loopback() {
                    return Err(ListenError::TlsRequired(addr));
                }
            }
            None
        }
        Some(files) => Some(acceptor(&files)?),
    };
    let bind = |addr: SocketAddr| async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ListenError::Io { addr, source })?;
        let bound = listener.local_addr().map_err(|source| ListenError::Io { addr, source })?;
        Ok::<_, ListenError>((listener, bound))
    };
    let (public, public_addr) = bind(addresses.public).await?;
    let (operator, operator_addr) = bind(addresses.operator).await?;
    // Written before anyone is told the service listens, so `admin --data` finds it.
    service
        .write_operator_address(operator_addr, acceptor.is_some())
        .map_err(|source| ListenError::Io { addr: operator_addr, source })?;
    on_listening(&Bound { public: public_addr, operator: operator_addr, tls: acceptor.is_some() });
    let service = if acceptor.is_some() { service.over_tls() } else { service };
    service
        .serve_with(public, Some(operator), acceptor, shutdown)
        .await
        .map_err(|source| ListenError::Io { addr: public_addr, source })
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
