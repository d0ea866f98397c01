//! Sites that sign citizens in through the OpenID Connect provider (relying
//! parties), as the operator registers them (`/operator/clients`).

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// `POST /operator/clients`: register a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterClient {
    /// The site's name as citizens see it on every page of the sign-in
    /// ("Agencia Tributaria").
    pub name: String,
    /// Where the provider may send the citizen back, each matched exactly: `https`,
    /// `http` on a loopback address (a native app, RFC 8252 §7.3: any port), or an
    /// app's private-use scheme (`es.gob.app:/callback`, §7.1).
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may send the citizen back, matched exactly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    /// The scopes the site may ask for; `openid` is always among them. Without any,
    /// `openid profile document`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// The site's public key as a JWK (EC P-256 or RSA): it authenticates with
    /// `private_key_jwt`. Without one, the service makes a secret for
    /// `client_secret_basic` and shows it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<serde_json::Value>,
    /// A native app (RFC 8252), which can keep no secret: it authenticates with
    /// nothing but PKCE (`none`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub native_app: bool,
}

/// A registered site, as `GET /operator/clients` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredClient {
    /// The `client_id` the site configures.
    pub client_id: String,
    /// The name citizens see.
    pub name: String,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Registered post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Allowed scopes.
    pub scopes: Vec<String>,
    /// `private_key_jwt`, `client_secret_basic` or `none`.
    pub auth_method: String,
    /// When it was registered.
    pub registered_at: Timestamp,
}

/// Answer to [`RegisterClient`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRegistered {
    /// The site as registered.
    pub client: RegisteredClient,
    /// The secret for `client_secret_basic`: shown this once, kept only as a hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// Answer to `GET /operator/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clients {
    /// Every registered site, oldest first.
    pub clients: Vec<RegisteredClient>,
}
