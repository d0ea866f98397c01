//! The provider's machine-facing endpoints: discovery, the JWKS, the token endpoint
//! and UserInfo. Their answers are JSON, never cached but for the JWKS.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::client_auth::{self, Presented};
use super::error::OidcError;
use super::tokens::{self, ACR_LOW, ACR_SUBSTANTIAL, CodeExchange};
use super::{Issuer, paths, signing};
use crate::state::AppState;

#[derive(Debug, Clone)]
struct Provider {
    app: AppState,
    issuer: Issuer,
}

/// The routes, to merge into the public router.
pub fn routes(app: AppState, issuer: Issuer) -> Router<AppState> {
    let provider = Provider { app, issuer };
    Router::new()
        .route(paths::DISCOVERY, get(discovery))
        .route(paths::JWKS, get(jwks))
        .route(paths::TOKEN, axum::routing::post(token))
        .route(paths::USERINFO, get(userinfo).post(userinfo))
        .with_state(provider)
}

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).
async fn discovery(State(p): State<Provider>) -> Response {
    let i = &p.issuer;
    let body = serde_json::json!({
        "issuer": i.as_str(),
        "authorization_endpoint": i.url(paths::AUTHORIZE),
        "token_endpoint": i.url(paths::TOKEN),
        "userinfo_endpoint": i.url(paths::USERINFO),
        "jwks_uri": i.url(paths::JWKS),
        "end_session_endpoint": i.url(paths::LOGOUT),
        "scopes_supported": ["openid", "profile", "document"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported":
            ["private_key_jwt", "client_secret_basic", "none"],
        "token_endpoint_auth_signing_alg_values_supported":
            ["ES256", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
        "code_challenge_methods_supported": ["S256"],
        "acr_values_supported": [ACR_SUBSTANTIAL, ACR_LOW],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr",
                             "amr", "name", "document_number"],
        "ui_locales_supported": ["es", "en", "ca", "gl", "eu"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
    });
    no_store(Json(body).into_response())
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /oidc/jwks`. Cacheable for an hour: a new key is published a day before it
/// signs.
async fn jwks(State(p): State<Provider>) -> Response {
    match p.app.db.read(signing::jwks).await {
        Ok(keys) => {
            let mut response = Json(keys).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            response
        }
        Err(e) => e.into_response(),
    }
}

/// The token request's form, read once: a parameter given twice is refused
/// (RFC 6749 §3.2).
fn form_params(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, OidcError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !form {
        return Err(OidcError::InvalidRequest(
            "the token request must be application/x-www-form-urlencoded",
        ));
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if params.iter().any(|(n, _)| *n == name) {
            return Err(OidcError::InvalidRequest("a parameter was given more than once"));
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    Ok(params)
}

/// `POST /oidc/token`: a code for tokens.
async fn token(State(p): State<Provider>, headers: HeaderMap, body: Bytes) -> Response {
    let params = match form_params(&headers, &body) {
        Ok(params) => params,
        Err(e) => return e.into_response(),
    };
    let get = |name: &str| {
        params.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty())
    };
    match get("grant_type").as_deref() {
        Some("authorization_code") => {}
        None => return OidcError::InvalidRequest("grant_type is required").into_response(),
        Some(_) => return OidcError::UnsupportedGrantType.into_response(),
    }
    let Some(code) = get("code") else {
        return OidcError::InvalidRequest("code is required").into_response();
    };
    let Some(redirect_uri) = get("redirect_uri") else {
        return OidcError::InvalidRequest("redirect_uri is required").into_response();
    };
    let Some(verifier) = get("code_verifier") else {
        return OidcError::InvalidRequest("code_verifier is required (PKCE)").into_response();
    };
    let (client_id, assertion_type, assertion) =
        (get("client_id"), get("client_assertion_type"), get("client_assertion"));
    let app = p.app.clone();
    let issuer = p.issuer.clone();
    let now = app.now();
    let outcome = p
        .app
        .db
        .write(move |tx| {
            let presented = Presented {
                client_id: client_id.as_deref(),
                assertion_type: assertion_type.as_deref(),
                assertion: assertion.as_deref(),
            };
            let token_endpoint = issuer.url(paths::TOKEN);
            // A refused authentication changes nothing (the outer error).
            let client = client_auth::authenticate(
                tx,
                &app.keys,
                issuer.as_str(),
                &token_endpoint,
                &headers,
                &presented,
                now,
            )?;
            let exchange =
                CodeExchange { code: &code, redirect_uri: &redirect_uri, code_verifier: &verifier };
            tokens::redeem(tx, &app.keys, &app.rng, issuer.as_str(), &client, &exchange, now)
        })
        .await;
    match outcome.and_then(|inner| inner) {
        Ok(tokens) => no_store(Json(tokens).into_response()),
        Err(e) => e.into_response(),
    }
}

/// `GET|POST /oidc/userinfo` with `Authorization: Bearer` (RFC 6750 §2.1).
async fn userinfo(State(p): State<Provider>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = bearer else { return OidcError::InvalidToken.into_response() };
    let app = p.app.clone();
    let now = app.now();
    match p.app.db.read(move |c| tokens::userinfo(c, &app.keys, &token, now)).await {
        Ok(claims) => no_store(Json(claims).into_response()),
        Err(e) => e.into_response(),
    }
}
