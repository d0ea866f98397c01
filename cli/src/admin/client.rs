//! The operator's HTTP client: JSON in, JSON out, the service's errors as text.

use std::path::Path;

use clavepin_protocol::wire::ErrorBody;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Talks to one service with the operator token.
#[derive(Debug)]
pub struct OperatorClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl OperatorClient {
    /// A client for `base` (e.g. `http://127.0.0.1:8480`), reading the token file.
    pub fn new(base: &str, token_file: &Path) -> Result<Self, String> {
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!(
                "--url {base:?} needs its scheme: http://{base} (loopback) or https://{base}"
            ));
        }
        // reqwest is built without a default TLS provider: one crypto library, ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let token = match std::fs::read_to_string(token_file) {
            Ok(t) => Some(t.trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(format!(
                    "cannot read the operator token {}: {e}",
                    token_file.display()
                ));
            }
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), token, http })
    }

    /// Sends a request; a refusal becomes the service's own message.
    pub async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        operator: bool,
    ) -> Result<R, String> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if operator {
            let token = self.token.as_deref().ok_or(
                "no operator token: pass --data with the service's data folder, or --token-file",
            )?;
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(|e| {
            if e.is_connect() {
                format!(
                    "nothing answers at {}: is `clavepin serve` running there? (--url sets the address)",
                    self.base
                )
            } else if e.is_timeout() {
                format!("{} did not answer within 30 s", self.base)
            } else {
                format!("the request to {} failed", self.base)
            }
        })?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| format!("reading the answer: {e}"))?;
        if status.is_success() {
            let text = if text.is_empty() { "null" } else { text.as_str() };
            serde_json::from_str(text)
                .map_err(|e| format!("unexpected answer from the service: {e}"))
        } else {
            match serde_json::from_str::<ErrorBody>(&text) {
                Ok(err) => Err(format!("{} ({})", err.message, status.as_u16())),
                Err(_) => Err(format!("the service answered {status}")),
            }
        }
    }
}
