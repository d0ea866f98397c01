//! The device's side of the service's HTTP API (docs/PROTOCOL.md): plain requests
//! for activation, signed ones afterwards, the direct channel. Every response's
//! `x-clavepin-time` corrects the device's clock.

mod events;
mod retry;
mod tls;

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use chrono::TimeDelta;
use clavepin_protocol::crypto::{DeviceSigningKey, SignedRequest};
use clavepin_protocol::wire::{
    ActivationCompleted, ActivationStarted, CompleteActivation, ErrorBody, ErrorCode,
    HEADER_DEVICE, HEADER_NONCE, HEADER_SERVICE_TIME, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    StartActivation,
};
use clavepin_protocol::{Clock, Timestamp};
use reqwest::{Method, StatusCode};
use ring::rand::SystemRandom;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use events::{EventStream, ServerEvent};
pub use tls::{TlsTrust, spki_sha256};

/// Why a request to the service did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The service could not be reached (offline, DNS, timeout).
    #[error("the PIN service cannot be reached: {0}")]
    Unreachable(String),
    /// The service's TLS certificate is not trusted (unknown root, wrong name, expired,
    /// or no pinned key in its chain): someone may be in the middle.
    #[error("the PIN service's certificate is not trusted")]
    Untrusted,
    /// The service refused, with its reason.
    #[error("{message}")]
    Refused {
        /// The stable code.
        code: ErrorCode,
        /// The service's explanation.
        message: String,
        /// Tries left, where another try is allowed.
        tries_left: Option<u32>,
        /// Seconds to wait, where the refusal is a wait.
        retry_after_secs: Option<i64>,
    },
    /// The service answered something this client does not understand.
    #[error("unexpected answer from the PIN service: {0}")]
    Protocol(String),
    /// The address is plain `http://` off this machine.
    #[error("the PIN service's address must be https:// (plain http:// only on this machine)")]
    InsecureAddress,
    /// Something failed on this device before the request left (signing, TLS set-up).
    #[error("the request could not be prepared on this device ({0})")]
    Local(&'static str),
}

impl ClientError {
    /// The service's code, if it refused.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Who signs a request: the device id and its key.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    /// The activation's device id.
    pub device_id: &'a str,
    /// Its signing key.
    pub key: &'a DeviceSigningKey,
}

/// Told when the offset to the service's clock changes, to keep it across restarts.
pub type OffsetListener = Arc<dyn Fn(TimeDelta) + Send + Sync>;

/// The client; cheap to clone.
#[derive(Clone)]
pub struct ServiceClient {
    base: String,
    /// Made on first use: building it loads the system's root certificates, which
    /// showing the screen at start-up does not need.
    http: Arc<OnceLock<Result<reqwest::Client, String>>>,
    clock: Arc<dyn Clock>,
    tls: Arc<TlsTrust>,
    offset: Arc<Mutex<TimeDelta>>,
    /// The offset last handed to `on_offset`.
    kept_offset: Arc<Mutex<TimeDelta>>,
    on_offset: Option<OffsetListener>,
    rng: Arc<SystemRandom>,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Offsets that differ by less than this are not worth a write: the service's time
/// arrives in whole milliseconds after a network delay anyway.
const OFFSET_KEPT_WITHIN: TimeDelta = TimeDelta::seconds(1);

/// How long one request may take; the direct channel has no overall limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

impl ServiceClient {
    /// A client for the service at `base` (e.g. `http://127.0.0.1:8480`), trusting
    /// Mozilla's roots.
    pub fn new(base: &str, clock: Arc<dyn Clock>) -> Result<Self, ClientError> {
        Self::with_trust(base, clock, TlsTrust::default())
    }

    /// A client that trusts the service's certificate as `tls` says.
    pub fn with_trust(
        base: &str,
        clock: Arc<dyn Clock>,
        tls: TlsTrust,
    ) -> Result<Self, ClientError> {
        // A bad root, or an address that would carry codes and PINs in the clear over
        // a network, is said when the device opens, not at its first request.
        tls::client_config(&tls)
            .map_err(|_| ClientError::Local("a TLS root is not a certificate"))?;
        if !tls.plain_http_off_loopback && !tls::secure_enough(base) {
            return Err(ClientError::InsecureAddress);
        }
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            http: Arc::new(OnceLock::new()),
            clock,
            tls: Arc::new(tls),
            offset: Arc::new(Mutex::new(TimeDelta::zero())),
            kept_offset: Arc::new(Mutex::new(TimeDelta::zero())),
            on_offset: None,
            rng: Arc::new(SystemRandom::new()),
        })
    }

    /// Starts from a known offset (kept from an earlier run) and reports changes to
    /// `on_change`, so the next cold start begins corrected.
    pub fn with_offset(mut self, offset: TimeDelta, on_change: OffsetListener) -> Self {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner) = offset;
        *self.kept_offset.lock().unwrap_or_else(PoisonError::into_inner) = offset;
        self.on_offset = Some(on_change);
        self
    }

    /// The device's clock corrected by the service's last known time.
    pub fn now(&self) -> Timestamp {
        self.clock.now() + *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How far the device's clock is behind the service's (negative: ahead).
    pub fn clock_offset(&self) -> TimeDelta {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn note_service_time(&self, response: &reqwest::Response) {
        let service_ms = response
            .headers()
            .get(HEADER_SERVICE_TIME)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok());
        let Some(ms) = service_ms else { return };
        let offset = TimeDelta::milliseconds(ms - self.clock.now().timestamp_millis());
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner) = offset;
        let mut kept = self.kept_offset.lock().unwrap_or_else(PoisonError::into_inner);
        if (offset - *kept).abs() >= OFFSET_KEPT_WITHIN {
            *kept = offset;
            drop(kept);
            if let Some(on_change) = &self.on_offset {
                on_change(offset);
            }
        }
    }

    async fn finish<R: DeserializeOwned>(
        &self,
        sent: reqwest::Result<reqwest::Response>,
    ) -> Result<R, ClientError> {
        let response = sent.map_err(|e| unreachable(&e))?;
        self.note_service_time(&response);
        let status = response.status();
        let body = response.bytes().await.map_err(|e| unreachable(&e))?;
        if status.is_success() {
            let body = if body.is_empty() || status == StatusCode::NO_CONTENT {
                &b"null"[..]
            } else {
                &body[..]
            };
            return serde_json::from_slice(body).map_err(|e| ClientError::Protocol(e.to_string()));
        }
        match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(err) => Err(ClientError::Refused {
                code: err.error,
                message: err.message,
                tries_left: err.tries_left,
                retry_after_secs: err.retry_after_secs,
            }),
            // A proxy or load balancer in front answered for a service that is down or
            // restarting: unavailable for now, not an answer to misread.
            Err(_) if status.is_server_error() => {
                Err(ClientError::Unreachable(format!("the service is unavailable ({status})")))
            }
            Err(_) => Err(ClientError::Protocol(format!("status {status} without an error body"))),
        }
    }

    fn http(&self) -> Result<&reqwest::Client, ClientError> {
        self.http
            .get_or_init(|| {
                // One crypto library in the build: rustls uses ring, as the rest does.
                let tls = tls::client_config(&self.tls).map_err(|e| e.to_string())?;
                reqwest::Client::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .use_preconfigured_tls(tls)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| ClientError::Unreachable(e.clone()))
    }

    /// The service's address, as configured (no trailing `/`).
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST /device/activation`.
    pub async fn start_activation(
        &self,
        body: &StartActivation,
    ) -> Result<ActivationStarted, ClientError> {
        let sent = self
            .http()?
            .post(self.url("/device/activation"))
            .timeout(REQUEST_TIMEOUT)
            .json(body)
            .send()
            .await;
        self.finish(sent).await
    }

    /// `POST /device/activation/{id}/complete`.
    pub async fn complete_activation(
        &self,
        activation_id: &str,
        body: &CompleteActivation,
    ) -> Result<ActivationCompleted, ClientError> {
        // The service answers a repeated completion as it did the first: safe to retry.
        let path = format!("/device/activation/{activation_id}/complete");
        let mut retry = 0;
        loop {
            let sent =
                self.http()?.post(self.url(&path)).timeout(REQUEST_TIMEOUT).json(body).send().await;
            match self.finish(sent).await {
                Err(e) if retry + 1 < retry::ATTEMPTS => {
                    let Some(wait) = retry::wait_before_retry(&e, retry) else { return Err(e) };
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                answer => return answer,
            }
        }
    }

    fn signed_request(
        &self,
        signer: Signer<'_>,
        method: Method,
        path: &str,
        body: &[u8],
    ) -> Result<reqwest::RequestBuilder, ClientError> {
        let signed = SignedRequest::sign(
            signer.key,
            signer.device_id,
            method.as_str(),
            path,
            body,
            self.now(),
            self.rng.as_ref(),
        )
        .map_err(|_| ClientError::Local("signing"))?;
        Ok(self
            .http()?
            .request(method, self.url(path))
            .header(HEADER_DEVICE, signed.device_id)
            .header(HEADER_TIMESTAMP, signed.timestamp_ms.to_string())
            .header(HEADER_NONCE, signed.nonce)
            .header(HEADER_SIGNATURE, signed.signature.to_b64())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec()))
    }

    /// A signed request with an optional JSON body. Refused as stale (the device's
    /// clock is off by more than the 5-minute window), it is signed again once with the
    /// offset that refusal taught, so a phone with a wrong clock is not refused. Every
    /// signed request changes nothing when repeated (reads, acknowledgements, the push
    /// token, removal), so a dropped connection or a busy service is retried
    /// (`retry.rs`), each time signed afresh.
    pub async fn signed<B: Serialize, R: DeserializeOwned>(
        &self,
        signer: Signer<'_>,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| ClientError::Protocol(e.to_string()))?,
            None => Vec::new(),
        };
        let (mut resigned, mut retry) = (false, 0);
        loop {
            let sent = self
                .signed_request(signer, method.clone(), path, &bytes)?
                .timeout(REQUEST_TIMEOUT)
                .send()
                .await;
            match self.finish(sent).await {
                Err(e) if !resigned && e.code() == Some(ErrorCode::StaleRequest) => resigned = true,
                Err(e) if retry + 1 < retry::ATTEMPTS => {
                    let Some(wait) = retry::wait_before_retry(&e, retry) else { return Err(e) };
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                answer => return answer,
            }
        }
    }

    /// Opens the direct channel (`GET /device/events`); it counts as dropped once
    /// nothing, not even a keep-alive, arrives for `silence_limit`.
    pub async fn events(
        &self,
        signer: Signer<'_>,
        silence_limit: Duration,
    ) -> Result<EventStream, ClientError> {
        // No overall timeout on the request: it would cut the stream. Only the answer's
        // head has to arrive in time; the body is watched for silence instead.
        let request = self.signed_request(signer, Method::GET, "/device/events", b"")?.send();
        let response = tokio::time::timeout(REQUEST_TIMEOUT, request)
            .await
            .map_err(|_| ClientError::Unreachable("timed out".into()))?
            .map_err(|e| unreachable(&e))?;
        self.note_service_time(&response);
        if !response.status().is_success() {
            return self
                .finish::<()>(Ok(response))
                .await
                .and(Err(ClientError::Protocol("no stream".into())));
        }
        Ok(EventStream::new(response, silence_limit))
    }
}

/// Why a request got no answer: an untrusted certificate, or the network.
fn unreachable(e: &reqwest::Error) -> ClientError {
    if tls::is_untrusted(e) {
        ClientError::Untrusted
    } else {
        ClientError::Unreachable(without_url(e))
    }
}

/// reqwest's errors name the URL; the message is enough and stays free of paths.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    kind.to_owned()
}
