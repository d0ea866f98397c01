//! The HTTP client the real gateways share: rustls on ring with Mozilla's roots
//! (webpki-roots), HTTP/2 where the gateway offers it (APNs requires it), and firm
//! timeouts so a slow gateway holds up no more than one round. A gateway address on
//! loopback over plain HTTP is a local stand-in (the tests'); HTTP/2 then goes
//! without TLS (prior knowledge), as on a private link.

use std::sync::Arc;
use std::time::Duration;

use super::gateways::GatewayError;

/// How long one call to a gateway may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a gateway could not be set up: said at start, not at the first message.
#[derive(Debug, thiserror::Error)]
pub enum GatewayConfigError {
    #[error("cannot read {what}: {reason}")]
    Unreadable { what: &'static str, reason: String },
    #[error("{what} is not valid: {reason}")]
    Invalid { what: &'static str, reason: String },
}

impl GatewayConfigError {
    pub fn invalid(what: &'static str, reason: impl std::fmt::Display) -> Self {
        GatewayConfigError::Invalid { what, reason: reason.to_string() }
    }
}

/// A gateway's address: `https://…`, or plain `http://` to loopback (a stand-in).
pub fn endpoint(what: &'static str, text: &str) -> Result<url::Url, GatewayConfigError> {
    let url = url::Url::parse(text).map_err(|e| GatewayConfigError::invalid(what, e))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if crate::urls::is_loopback(&url) => Ok(url),
        _ => Err(GatewayConfigError::invalid(what, "use https (plain http only to loopback)")),
    }
}

/// A client for `base`: HTTP/2 only if `http2` (negotiated with ALPN over TLS; by
/// prior knowledge to a plain loopback stand-in).
pub fn client(base: &url::Url, http2: bool) -> Result<reqwest::Client, GatewayConfigError> {
    let mut builder = reqwest::Client::builder()
        .timeout(CALL_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none());
    // Always our own TLS configuration (ring), even for a plain stand-in: the
    // workspace's reqwest has no crypto provider of its own to fall back on.
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| GatewayConfigError::invalid("TLS", e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = if http2 { vec![b"h2".to_vec()] } else { vec![b"http/1.1".to_vec()] };
    builder = builder.use_preconfigured_tls(tls);
    if http2 && base.scheme() == "http" {
        builder = builder.http2_prior_knowledge();
    }
    if !http2 {
        builder = builder.http1_only();
    }
    builder.build().map_err(|e| GatewayConfigError::invalid("the HTTP client", e))
}

/// A transport failure: always worth another try later.
pub fn unavailable(gateway: &str, e: &reqwest::Error) -> GatewayError {
    let why = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "the request failed"
    };
    GatewayError::Unavailable(format!("{gateway}: {why}"))
}

/// What to make of a status no gateway-specific rule covered: 429 and 5xx are
/// transient, other 4xx are not.
pub fn by_status(gateway: &str, status: reqwest::StatusCode, detail: &str) -> GatewayError {
    let said = format!("{gateway} answered {status}: {detail}");
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        GatewayError::Unavailable(said)
    } else {
        GatewayError::Refused(said)
    }
}

/// Seconds since the Unix epoch, for the JWTs gateways want (their clocks are real).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
