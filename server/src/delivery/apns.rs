//! Apple Push Notification service, token-based: `POST /3/device/{token}` over
//! HTTP/2 with a provider token (a JWT signed ES256 with the team's `.p8` key, `kid`
//! the key's id, `iss` the team), renewed every 40 minutes (Apple accepts one for an
//! hour and refuses renewals more often than every 20).
//!
//! APNs's answers are acted on: `410 Unregistered` and `400 BadDeviceToken` mean
//! the token is dead (the device then gets its PIN by SMS); an expired provider
//! token is renewed once; `429` and `5xx` are retried with the outbox's backoff;
//! any other refusal is given up on.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::gateways::{GatewayError, PushMessage};
use super::https::{self, GatewayConfigError};

/// APNs's production and development addresses.
pub const APNS_PRODUCTION: &str = "https://api.push.apple.com";
pub const APNS_DEVELOPMENT: &str = "https://api.sandbox.push.apple.com";
/// How long a provider token is used.
const TOKEN_LIFE: Duration = Duration::from_secs(40 * 60);

/// What APNs token authentication needs.
pub struct ApnsKey {
    /// The 10-character team id (`iss`).
    pub team_id: String,
    /// The key's 10-character id (`kid`).
    pub key_id: String,
    /// The `.p8` file's PEM.
    pub p8: String,
    /// The app's bundle id (`apns-topic`).
    pub topic: String,
}

impl std::fmt::Debug for ApnsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApnsKey")
            .field("team_id", &self.team_id)
            .field("key_id", &self.key_id)
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

struct Provider {
    token: String,
    made: Instant,
}

/// The APNs gateway.
pub struct Apns {
    http: reqwest::Client,
    base: String,
    team_id: String,
    key_id: String,
    topic: String,
    key: EncodingKey,
    provider: Mutex<Option<Provider>>,
}

impl std::fmt::Debug for Apns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apns")
            .field("base", &self.base)
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
struct Reason {
    #[serde(default)]
    reason: String,
}

impl Apns {
    /// APNs with `key`, at `endpoint` (production or development; a stand-in in tests).
    pub fn new(key: ApnsKey, endpoint: &str) -> Result<Apns, GatewayConfigError> {
        let base = https::endpoint("the APNs endpoint", endpoint)?;
        let ids_ok = |s: &str| s.len() == 10 && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if !ids_ok(&key.team_id) || !ids_ok(&key.key_id) {
            return Err(GatewayConfigError::invalid(
                "the APNs team and key ids",
                "each is 10 letters or digits, as the Apple developer account shows them",
            ));
        }
        if key.topic.is_empty() || key.topic.contains(char::is_whitespace) {
            return Err(GatewayConfigError::invalid("the APNs topic", "give the app's bundle id"));
        }
        let signing = EncodingKey::from_ec_pem(key.p8.as_bytes())
            .map_err(|e| GatewayConfigError::invalid("the APNs .p8 key", e))?;
        Ok(Apns {
            http: https::client(&base, true)?,
            base: base.as_str().trim_end_matches('/').to_owned(),
            team_id: key.team_id,
            key_id: key.key_id,
            topic: key.topic,
            key: signing,
            provider: Mutex::new(None),
        })
    }

    async fn provider_token(&self, stale: bool) -> Result<String, GatewayError> {
        let mut held = self.provider.lock().await;
        if let Some(p) = held.as_ref()
            && !stale
            && p.made.elapsed() < TOKEN_LIFE
        {
            return Ok(p.token.clone());
        }
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.key_id.clone());
        let claims = serde_json::json!({ "iss": self.team_id, "iat": https::unix_now() });
        let token = jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|_| GatewayError::Unavailable("APNs: signing the provider token".into()))?;
        *held = Some(Provider { token: token.clone(), made: Instant::now() });
        Ok(token)
    }

    async fn post(
        &self,
        message: &PushMessage,
        provider: &str,
    ) -> Result<reqwest::Response, GatewayError> {
        let token: String =
            url::form_urlencoded::byte_serialize(message.target.token.as_bytes()).collect();
        // The PIN's own expiry: APNs stops trying once it has passed.
        let expires = message.payload["clavepin"]["expires_at"]
            .as_str()
            .and_then(|ms| ms.parse::<i64>().ok())
            .map(|ms| (ms / 1000).to_string())
            .unwrap_or_else(|| "0".to_owned());
        self.http
            .post(format!("{}/3/device/{token}", self.base))
            .header("authorization", format!("bearer {provider}"))
            .header("apns-topic", &self.topic)
            .header("apns-push-type", "alert")
            .header("apns-priority", "10")
            .header("apns-expiration", expires)
            .json(&message.payload)
            .send()
            .await
            .map_err(|e| https::unavailable("APNs", &e))
    }

    /// Sends one notification; see the module's rules for what the answers mean.
    pub async fn send(&self, message: &PushMessage) -> Result<(), GatewayError> {
        let mut resp = self.post(message, &self.provider_token(false).await?).await?;
        if resp.status() == reqwest::StatusCode::FORBIDDEN {
            let reason: Reason = resp.json().await.unwrap_or_default();
            if reason.reason != "ExpiredProviderToken" && reason.reason != "InvalidProviderToken" {
                return Err(GatewayError::Unavailable(format!("APNs: {}", reason.reason)));
            }
            resp = self.post(message, &self.provider_token(true).await?).await?;
        }
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let reason: Reason = resp.json().await.unwrap_or_default();
        match (status.as_u16(), reason.reason.as_str()) {
            (410, _) | (400, "BadDeviceToken") | (400, "DeviceTokenNotForTopic") => {
                Err(GatewayError::Unregistered(format!("APNs: {}", reason.reason)))
            }
            _ => Err(https::by_status("APNs", status, &reason.reason)),
        }
    }
}
