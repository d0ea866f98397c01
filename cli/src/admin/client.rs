//! The operator's HTTP client: JSON in, JSON out, the service's errors as text.

use std::path::Path;

use clavepin_protocol::wire::ErrorBody;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Talks to one service: its public API, and its operator API (a listener of its
/// own) with the operator token.
#[derive(Debug)]
pub struct OperatorClient {
    public: String,
    operator: Result<String, String>,
    token: Option<String>,
    http: reqwest::Client,
}

/// Checks an address typed or read for a base URL: its scheme given.
fn base_url(base: &str, flag: &str) -> Result<reqwest::Url, String> {
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(format!(
            "{flag} {base:?} needs its scheme: http://{base} (loopback) or https://{base}"
        ));
    }
    reqwest::Url::parse(base).map_err(|e| format!("{flag} {base:?} is not an address: {e}"))
}

/// Plain HTTP carries the operator token only to this machine: anywhere else anyone
/// on the way could read it.
fn token_may_travel_to(url: &reqwest::Url) -> bool {
    if url.scheme() == "https" {
        return true;
    }
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

impl OperatorClient {
    /// A client for the public API at `public` (e.g. `http://127.0.0.1:8480`) and the
    /// operator API at `operator` (an error to show when an operator call is made
    /// without one), reading the token file.
    pub fn new(
        public: &str,
        operator: Result<String, String>,
        token_file: &Path,
    ) -> Result<Self, String> {
        base_url(public, "--url")?;
        let operator = operator.and_then(|base| {
            let url = base_url(&base, "--operator-url")?;
            if token_may_travel_to(&url) {
                Ok(base.trim_end_matches('/').to_owned())
            } else {
                Err(format!(
                    "{base} is plain HTTP off this machine: the operator token would cross the \
                     network readable; use https:// (serve --tls-cert/--tls-key)"
                ))
            }
        });
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
        let public = public.trim_end_matches('/').to_owned();
        Ok(Self { public, operator, token, http })
    }

    /// Sends a request (an operator one to the operator API, with the token); a
    /// refusal becomes the service's own message.
    pub async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        operator: bool,
    ) -> Result<R, String> {
        let base = if operator { self.operator.clone()? } else { self.public.clone() };
        let mut req = self.http.request(method, format!("{base}{path}"));
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
            let flag = if operator { "--operator-url" } else { "--url" };
            if e.is_connect() {
                format!(
                    "nothing answers at {base}: is `clavepin serve` running there? ({flag} sets the address)"
                )
            } else if e.is_timeout() {
                format!("{base} did not answer within 30 s")
            } else {
                format!("the request to {base} failed")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_over_plain_http_only_to_this_machine() {
        for (base, allowed) in [
            ("http://127.0.0.1:8481", true),
            ("http://[::1]:8481", true),
            ("http://localhost:8481", true),
            ("https://operator.example:8481", true),
            ("http://192.168.1.20:8481", false),
            ("http://operator.example:8481", false),
            ("http://127.0.0.1.example.com:8481", false),
        ] {
            let url = reqwest::Url::parse(base).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(token_may_travel_to(&url), allowed, "{base}");
        }
    }
}
