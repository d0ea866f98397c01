//! A site that signs citizens in with "Log in with Cl@ve", built the way an
//! integrator would: on the `openidconnect` crate, configured with nothing but the
//! issuer URL, its client id and secret, and its redirect URI. It serves `/login`
//! (to the provider, with PKCE, state and nonce) and `/callback` (the code for
//! tokens, the ID token verified against the provider's JWKS), on loopback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, HttpRequest, HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What the site learnt from a verified ID token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub subject: String,
    pub name: Option<String>,
    pub acr: Option<String>,
    pub amr: Vec<String>,
    pub auth_time: Option<DateTime<Utc>>,
    /// Not a standard claim: read from the verified token's payload.
    pub document_number: Option<String>,
}

#[derive(Clone)]
struct Rp {
    client: Client,
    issuer: String,
    /// Pending logins by `state`: their PKCE verifier and nonce.
    pending: Arc<Mutex<HashMap<String, (String, Nonce)>>>,
    signed_in: Arc<Mutex<Option<SignedIn>>>,
    now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

/// The site, running.
pub struct RelyingParty {
    pub url: String,
    signed_in: Arc<Mutex<Option<SignedIn>>>,
    _task: tokio::task::JoinHandle<()>,
}

impl RelyingParty {
    pub fn redirect_uri(port: u16) -> String {
        format!("http://127.0.0.1:{port}/callback")
    }

    /// Discovers the provider at `issuer` and serves on `listener`. `now` is the
    /// provider's clock (the tests move it), for checking the ID token's times.
    pub async fn start(
        listener: tokio::net::TcpListener,
        issuer: &str,
        client_id: &str,
        secret: &str,
        now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    ) -> RelyingParty {
        let port = listener.local_addr().unwrap().port();
        let metadata =
            CoreProviderMetadata::discover_async(IssuerUrl::new(issuer.to_owned()).unwrap(), &http)
                .await
                .unwrap();
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(client_id.to_owned()),
            Some(ClientSecret::new(secret.to_owned())),
        )
        .set_redirect_uri(RedirectUrl::new(Self::redirect_uri(port)).unwrap());
        let signed_in = Arc::new(Mutex::new(None));
        let rp = Rp {
            client,
            issuer: issuer.to_owned(),
            pending: Arc::default(),
            signed_in: signed_in.clone(),
            now,
        };
        let app = Router::new()
            .route("/login", get(login))
            .route("/callback", get(callback))
            .with_state(rp);
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        RelyingParty { url: format!("http://127.0.0.1:{port}"), signed_in, _task: task }
    }

    /// Who signed in, once the callback verified them.
    pub fn signed_in(&self) -> Option<SignedIn> {
        self.signed_in.lock().unwrap().clone()
    }
}

/// The library's HTTP, done by the workspace's reqwest.
async fn http(request: HttpRequest) -> Result<HttpResponse, reqwest::Error> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let (parts, body) = request.into_parts();
    let mut req = client.request(parts.method, parts.uri.to_string()).body(body);
    for (name, value) in &parts.headers {
        req = req.header(name, value);
    }
    let resp = req.send().await?;
    let mut out = HttpResponse::new(Vec::new());
    *out.status_mut() = resp.status();
    *out.headers_mut() = resp.headers().clone();
    *out.body_mut() = resp.bytes().await?.to_vec();
    Ok(out)
}

async fn login(State(rp): State<Rp>) -> Response {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = rp
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".to_owned()))
        .add_scope(Scope::new("document".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    rp.pending.lock().unwrap().insert(state.secret().clone(), (verifier.secret().clone(), nonce));
    Redirect::to(url.as_str()).into_response()
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: String,
    iss: Option<String>,
    error: Option<String>,
}

async fn callback(State(rp): State<Rp>, Query(cb): Query<Callback>) -> Response {
    if let Some(error) = cb.error {
        return Html(format!("<h1>Refused</h1><p id=\"error\">{error}</p>")).into_response();
    }
    let Some((verifier, nonce)) = rp.pending.lock().unwrap().remove(&cb.state) else {
        return Html("<h1>Unknown state</h1>").into_response();
    };
    assert_eq!(cb.iss.as_deref(), Some(rp.issuer.as_str()), "RFC 9207: the issuer answered");
    let tokens = rp
        .client
        .exchange_code(AuthorizationCode::new(cb.code.unwrap()))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
        .unwrap();
    let id_token = tokens.id_token().expect("an ID token");
    let now = rp.now.clone();
    let verifier = rp.client.id_token_verifier().set_time_fn(move || now());
    let claims = id_token.claims(&verifier, &nonce).expect("a valid ID token");
    // The signature is checked above; the site's own claim is read from the payload.
    let payload = id_token.to_string().split('.').nth(1).map(str::to_owned).unwrap();
    let payload: serde_json::Value =
        serde_json::from_slice(&clavepin_protocol::crypto::b64_decode(&payload).unwrap()).unwrap();
    let who = SignedIn {
        subject: claims.subject().as_str().to_owned(),
        name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
        acr: claims.auth_context_ref().map(|a| a.as_str().to_owned()),
        amr: claims
            .auth_method_refs()
            .map(|v| v.iter().map(|m| m.as_str().to_owned()).collect())
            .unwrap_or_default(),
        auth_time: claims.auth_time(),
        document_number: payload["document_number"].as_str().map(str::to_owned),
    };
    let name = who.name.clone().unwrap_or_default();
    *rp.signed_in.lock().unwrap() = Some(who);
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>Welcome</title></head>\
         <body><h1>Welcome</h1><p id=\"who\">{name}</p></body></html>"
    ))
    .into_response()
}
