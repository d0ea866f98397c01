//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): which site asks,
//! for whom, and where the citizen may be sent afterwards.

use crate::store::Store;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::clients::Client;
use super::request::redirect_to;
use super::{Issuer, signing};
use crate::db::StoreError;

/// A logout request's parameters (query or form).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct LogoutParams {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub ui_locales: Option<String>,
}

/// A logout request, checked.
#[derive(Debug, Default)]
pub struct Logout {
    /// The site asking, if it said or its hint shows.
    pub client: Option<Client>,
    /// The citizen's subject at that site, from a valid hint.
    pub subject: Option<String>,
    /// Where to send the citizen afterwards (state and iss added).
    pub then: Option<String>,
}

/// Why a logout request is not followed.
#[derive(Debug, thiserror::Error)]
pub enum LogoutError {
    #[error("the id_token_hint was not issued by this provider")]
    BadHint,
    #[error("client_id and id_token_hint name different sites")]
    ClientMismatch,
    #[error("post_logout_redirect_uri is not registered for the site")]
    UnregisteredRedirect,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Deserialize)]
struct Hint {
    sub: String,
    aud: String,
}

/// Checks a logout request. A hint is ours if our key signed it; an expired one
/// still names the site and the citizen (the spec allows it).
pub fn check(conn: &dyn Store, issuer: &Issuer, p: &LogoutParams) -> Result<Logout, LogoutError> {
    let hint = match p.id_token_hint.as_deref().filter(|h| !h.is_empty()) {
        None => None,
        Some(token) => {
            let mut validation = Validation::new(Algorithm::ES256);
            validation.validate_exp = false;
            validation.validate_aud = false;
            validation.set_issuer(&[issuer.as_str()]);
            validation.set_required_spec_claims(&["iss", "sub", "aud"]);
            let verified = signing::verify_own::<Hint>(conn, token, validation)
                .map_err(|_| LogoutError::BadHint)?;
            Some(verified.ok_or(LogoutError::BadHint)?)
        }
    };
    let client_id = match (p.client_id.as_deref().filter(|c| !c.is_empty()), &hint) {
        (Some(id), Some(h)) if id != h.aud => return Err(LogoutError::ClientMismatch),
        (Some(id), _) => Some(id.to_owned()),
        (None, Some(h)) => Some(h.aud.clone()),
        (None, None) => None,
    };
    let client = match client_id {
        Some(id) => conn.client(&id)?.map(Client::from_row).transpose()?,
        None => None,
    };
    let then = match p.post_logout_redirect_uri.as_deref().filter(|u| !u.is_empty()) {
        None => None,
        Some(uri) => {
            let registered = client.as_ref().and_then(|c| c.post_logout_redirect_uri(uri));
            if registered.is_none() {
                return Err(LogoutError::UnregisteredRedirect);
            }
            let mut params = Vec::new();
            if let Some(state) = p.state.as_deref().filter(|s| s.len() <= 1_024) {
                params.push(("state", state));
            }
            Some(redirect_to(uri, issuer.as_str(), &params))
        }
    };
    Ok(Logout { client, subject: hint.map(|h| h.sub), then })
}
