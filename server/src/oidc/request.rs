//! The authorization request (OpenID Connect Core §3.1.2.1, with PKCE, RFC 7636),
//! checked before the citizen sees any page.
//!
//! Two kinds of refusal: while the site or its redirect URI is in doubt the citizen
//! gets an error page (sending them on would make the provider an open redirector,
//! RFC 6749 §4.1.2.1); after that, the site gets the error at its redirect URI.

use crate::store::Store;

use super::clients::{Client, Scope, Scopes};
use crate::db::StoreError;

/// Longest `state` or `nonce` kept (they live in the portal session).
const MAX_ECHOED: usize = 1_024;

/// A checked request, kept in the citizen's portal session until they sign in.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Authorization {
    pub client_id: String,
    /// Shown on every page of the flow.
    pub client_name: String,
    /// As presented (and registered): where the code goes.
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    pub scopes: Scopes,
    /// `ui_locales`, the site's wish for the pages' language.
    pub ui_locales: Option<String>,
}

/// Why the link that brought the citizen cannot be followed: shown on a page (4xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLink {
    /// No `client_id`, or more than one.
    NoClient,
    /// No site has this `client_id`.
    UnknownClient,
    /// No `redirect_uri`, or more than one.
    NoRedirectUri,
    /// The site did not register this `redirect_uri`.
    UnregisteredRedirectUri,
}

/// A refusal sent back to the site (RFC 6749 §4.1.2.1).
#[derive(Debug, Clone)]
pub struct Refused {
    pub redirect_uri: String,
    pub error: &'static str,
    pub description: &'static str,
    pub state: Option<String>,
}

/// Why an authorization request was not taken.
#[derive(Debug)]
pub enum AuthorizeError {
    Page(BadLink),
    Redirect(Refused),
    /// The store failed: the citizen is told, nothing more.
    Store(StoreError),
}

impl From<StoreError> for AuthorizeError {
    fn from(e: StoreError) -> Self {
        AuthorizeError::Store(e)
    }
}

/// Checks the query of `GET /oidc/authorize`.
pub fn check(conn: &dyn Store, query: &str) -> Result<Authorization, AuthorizeError> {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut repeated: Vec<String> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if params.iter().any(|(n, _)| *n == name) {
            repeated.push(name.into_owned());
        } else {
            params.push((name.into_owned(), value.into_owned()));
        }
    }
    let get = |name: &str| {
        params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    };
    let is_repeated = |name: &str| repeated.iter().any(|n| n == name);

    if is_repeated("client_id") {
        return Err(AuthorizeError::Page(BadLink::NoClient));
    }
    let client_id = get("client_id").ok_or(AuthorizeError::Page(BadLink::NoClient))?;
    let row = conn.client(client_id)?.ok_or(AuthorizeError::Page(BadLink::UnknownClient))?;
    let client = Client::from_row(row)?;
    if is_repeated("redirect_uri") {
        return Err(AuthorizeError::Page(BadLink::NoRedirectUri));
    }
    let redirect_uri = get("redirect_uri").ok_or(AuthorizeError::Page(BadLink::NoRedirectUri))?;
    if client.redirect_uri(redirect_uri).is_none() {
        return Err(AuthorizeError::Page(BadLink::UnregisteredRedirectUri));
    }

    // From here on the site hears of any problem, with its state.
    let state = get("state").map(str::to_owned);
    let refuse = |error: &'static str, description: &'static str| {
        AuthorizeError::Redirect(Refused {
            redirect_uri: redirect_uri.to_owned(),
            error,
            description,
            state: state.clone().filter(|s| s.len() <= MAX_ECHOED),
        })
    };
    if let Some(name) = repeated.first() {
        let _ = name;
        return Err(refuse("invalid_request", "a parameter was given more than once"));
    }
    if state.as_ref().is_some_and(|s| s.len() > MAX_ECHOED) {
        return Err(refuse("invalid_request", "state is longer than 1024 characters"));
    }
    if get("request").is_some() {
        return Err(refuse("request_not_supported", "request objects are not supported"));
    }
    if get("request_uri").is_some() {
        return Err(refuse("request_uri_not_supported", "request_uri is not supported"));
    }
    match get("response_type") {
        Some("code") => {}
        None => return Err(refuse("invalid_request", "response_type is required")),
        Some(_) => {
            return Err(refuse("unsupported_response_type", "the only response_type is code"));
        }
    }
    if get("response_mode").is_some_and(|m| m != "query") {
        return Err(refuse("invalid_request", "the only response_mode is query"));
    }
    let requested = Scopes::parse_list(get("scope").unwrap_or_default());
    if !requested.contains(Scope::OpenId) {
        return Err(refuse("invalid_scope", "scope must include openid"));
    }
    if !requested.within(client.scopes) {
        return Err(refuse("invalid_scope", "a scope asked for is not registered for this site"));
    }
    let code_challenge = get("code_challenge")
        .ok_or_else(|| refuse("invalid_request", "PKCE is required: send code_challenge"))?;
    if get("code_challenge_method") != Some("S256") {
        return Err(refuse("invalid_request", "code_challenge_method must be S256"));
    }
    // base64url of a SHA-256 digest, without padding: 43 characters.
    let well_formed = code_challenge.len() == 43
        && code_challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(refuse("invalid_request", "code_challenge is not an S256 challenge"));
    }
    let nonce = get("nonce").map(str::to_owned);
    if nonce.as_ref().is_some_and(|n| n.len() > MAX_ECHOED) {
        return Err(refuse("invalid_request", "nonce is longer than 1024 characters"));
    }
    // Every authorization is a fresh sign-in with a PIN: there is no session to reuse
    // without showing a page.
    if get("prompt").is_some_and(|p| p.split(' ').any(|v| v == "none")) {
        return Err(refuse("login_required", "the citizen must sign in with a PIN"));
    }
    Ok(Authorization {
        client_id: client.id.clone(),
        client_name: client.name.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state,
        nonce,
        code_challenge: code_challenge.to_owned(),
        scopes: requested,
        ui_locales: get("ui_locales").map(str::to_owned),
    })
}

/// `redirect_uri` with `params` added to its query (RFC 6749 §4.1.2), and `iss`
/// (RFC 9207), so a site talking to several providers knows which one answered.
pub fn redirect_to(redirect_uri: &str, issuer: &str, params: &[(&str, &str)]) -> String {
    match url::Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (name, value) in params {
                    query.append_pair(name, value);
                }
                query.append_pair("iss", issuer);
            }
            url.into()
        }
        // Registered URIs all parse; this keeps the function total.
        Err(_) => redirect_uri.to_owned(),
    }
}

impl Refused {
    pub fn location(&self, issuer: &str) -> String {
        let mut params = vec![("error", self.error), ("error_description", self.description)];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        redirect_to(&self.redirect_uri, issuer, &params)
    }
}
