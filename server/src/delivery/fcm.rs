//! Firebase Cloud Messaging, HTTP v1 API: `POST
//! https://fcm.googleapis.com/v1/projects/{project}/messages:send` with an OAuth 2.0
//! access token got for the project's service account (a JWT signed RS256 with its
//! key, exchanged at its `token_uri`, RFC 7523), kept until five minutes before it
//! expires and refreshed once if FCM says it is no longer good.
//!
//! FCM's answers are acted on: `UNREGISTERED` and `SENDER_ID_MISMATCH` mean the
//! token is dead (the device then gets its PIN by SMS); quota and server errors are
//! retried with the outbox's backoff; any other refusal is given up on.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::gateways::{GatewayError, PushMessage};
use super::https::{self, GatewayConfigError};

/// The scope FCM's access tokens need.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
/// FCM's own address.
pub const FCM_ENDPOINT: &str = "https://fcm.googleapis.com";
/// How long before its expiry an access token is replaced.
const EARLY: Duration = Duration::from_secs(300);

/// The fields of a Google service-account key file this needs.
#[derive(Deserialize)]
pub struct ServiceAccount {
    project_id: String,
    client_email: String,
    private_key: String,
    token_uri: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .finish_non_exhaustive()
    }
}

impl ServiceAccount {
    /// The JSON key file the Firebase console gives.
    pub fn from_json(text: &str) -> Result<ServiceAccount, GatewayConfigError> {
        serde_json::from_str(text)
            .map_err(|e| GatewayConfigError::invalid("the FCM service-account file", e))
    }
}

struct Bearer {
    token: String,
    until: Instant,
}

/// The FCM gateway.
pub struct Fcm {
    http: reqwest::Client,
    oauth: reqwest::Client,
    send_url: String,
    token_uri: url::Url,
    client_email: String,
    key: EncodingKey,
    bearer: Mutex<Option<Bearer>>,
}

impl std::fmt::Debug for Fcm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fcm").field("send_url", &self.send_url).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

/// FCM's error body (google.rpc.Status with FcmError details).
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: ErrorStatus,
}

#[derive(Deserialize, Default)]
struct ErrorStatus {
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

impl Fcm {
    /// FCM for `account`, at `endpoint` (FCM's own by default; a stand-in in tests).
    pub fn new(account: ServiceAccount, endpoint: Option<&str>) -> Result<Fcm, GatewayConfigError> {
        let base = https::endpoint("the FCM endpoint", endpoint.unwrap_or(FCM_ENDPOINT))?;
        let token_uri = https::endpoint("the service account's token_uri", &account.token_uri)?;
        let key = EncodingKey::from_rsa_pem(account.private_key.as_bytes())
            .map_err(|e| GatewayConfigError::invalid("the service account's private_key", e))?;
        let send_url = format!(
            "{}/v1/projects/{}/messages:send",
            base.as_str().trim_end_matches('/'),
            url::form_urlencoded::byte_serialize(account.project_id.as_bytes()).collect::<String>()
        );
        Ok(Fcm {
            http: https::client(&base, false)?,
            oauth: https::client(&token_uri, false)?,
            send_url,
            token_uri,
            client_email: account.client_email,
            key,
            bearer: Mutex::new(None),
        })
    }

    /// An access token: the one held, unless it is about to expire or `stale`.
    async fn bearer(&self, stale: bool) -> Result<String, GatewayError> {
        let mut held = self.bearer.lock().await;
        if let Some(b) = held.as_ref()
            && !stale
            && Instant::now() + EARLY < b.until
        {
            return Ok(b.token.clone());
        }
        let now = https::unix_now();
        let claims = serde_json::json!({
            "iss": self.client_email, "scope": SCOPE, "aud": self.token_uri.as_str(),
            "iat": now, "exp": now + 3600,
        });
        let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|_| GatewayError::Unavailable("FCM: signing the OAuth assertion".into()))?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
            .append_pair("assertion", &assertion)
            .finish();
        let resp = self
            .oauth
            .post(self.token_uri.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| https::unavailable("FCM's OAuth endpoint", &e))?;
        let status = resp.status();
        if !status.is_success() {
            // Wrong credentials are the operator's to fix; messages wait meanwhile.
            tracing::error!(%status, "FCM: the service account's token was refused");
            return Err(GatewayError::Unavailable(format!(
                "FCM's OAuth endpoint answered {status}"
            )));
        }
        let answer: TokenAnswer = resp
            .json()
            .await
            .map_err(|_| GatewayError::Unavailable("FCM's OAuth endpoint: bad answer".into()))?;
        let token = answer.access_token.clone();
        let until = Instant::now() + Duration::from_secs(answer.expires_in);
        *held = Some(Bearer { token: answer.access_token, until });
        Ok(token)
    }

    async fn post(
        &self,
        message: &PushMessage,
        bearer: &str,
    ) -> Result<reqwest::Response, GatewayError> {
        self.http
            .post(&self.send_url)
            .bearer_auth(bearer)
            .json(&message.payload)
            .send()
            .await
            .map_err(|e| https::unavailable("FCM", &e))
    }

    /// Sends one message; see the module's rules for what the answers mean.
    pub async fn send(&self, message: &PushMessage) -> Result<(), GatewayError> {
        let mut resp = self.post(message, &self.bearer(false).await?).await?;
        if resp.status() == reqwest::StatusCode::UNAUTHORIZED {
            resp = self.post(message, &self.bearer(true).await?).await?;
        }
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let body: ErrorBody = resp.json().await.unwrap_or_default();
        let code = body
            .error
            .details
            .iter()
            .find_map(|d| d.get("errorCode").and_then(|c| c.as_str()).map(str::to_owned))
            .unwrap_or_else(|| body.error.status.clone());
        match code.as_str() {
            "UNREGISTERED" | "SENDER_ID_MISMATCH" => {
                Err(GatewayError::Unregistered(format!("FCM: {code}")))
            }
            "QUOTA_EXCEEDED" | "UNAVAILABLE" | "INTERNAL" | "THIRD_PARTY_AUTH_ERROR" => {
                Err(GatewayError::Unavailable(format!("FCM: {code}")))
            }
            _ => Err(https::by_status("FCM", status, &format!("{code} {}", body.error.message))),
        }
    }
}
