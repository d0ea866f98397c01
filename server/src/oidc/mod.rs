//! The OpenID Connect provider ("Log in with Cl@ve"): sites registered by the
//! operator send citizens here, the citizen signs in through the portal's pages
//! with a PIN, and the site gets back an ID token saying who signed in, how, and at
//! which eIDAS level (OpenID Connect Core 1.0, authorization code flow, PKCE S256
//! required; RP-Initiated Logout 1.0).
//!
//! - `clients`: what a registered site is, checked at registration;
//! - `request`: the authorization request, checked before any page;
//! - `tokens`: codes, ID tokens, access tokens;
//! - `signing`: the ES256 keys, their rotation and the JWKS;
//! - `client_auth`: how a site proves itself at the token endpoint;
//! - `logout`: RP-initiated logout, checked;
//! - `endpoints`: discovery, JWKS, token and UserInfo over HTTP.
//!
//! The authorization and logout endpoints are pages, so they live with the portal.

pub mod client_auth;
pub mod clients;
mod endpoints;
pub mod error;
pub mod logout;
pub mod request;
pub mod signing;
pub mod tokens;

use std::sync::Arc;

pub use endpoints::routes;

/// The addresses of the provider's endpoints, below the issuer.
pub mod paths {
    pub const DISCOVERY: &str = "/.well-known/openid-configuration";
    pub const JWKS: &str = "/oidc/jwks";
    pub const AUTHORIZE: &str = "/oidc/authorize";
    pub const CANCEL: &str = "/oidc/authorize/cancel";
    pub const TOKEN: &str = "/oidc/token";
    pub const USERINFO: &str = "/oidc/userinfo";
    pub const LOGOUT: &str = "/oidc/logout";
}

/// The provider's identity: the issuer URL sites configure (`https://…`, no
/// trailing slash), from which every endpoint's address follows.
#[derive(Debug, Clone)]
pub struct Issuer(Arc<str>);

impl Issuer {
    pub fn new(url: &str) -> Issuer {
        Issuer(Arc::from(url.trim_end_matches('/')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The absolute address of one of [`paths`].
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}
