//! The demo's step "a site signs the citizen in with OpenID Connect": the operator
//! registers a site; the site sends the citizen's browser (here, plain HTTP with a
//! cookie jar) to the provider with PKCE, state and nonce; the citizen goes through
//! the portal's pages with the PIN the device shows; the site exchanges the code and
//! checks the ID token's signature against the JWKS and its claims.

use std::collections::BTreeMap;

use clavepin_core::Device;
use clavepin_protocol::crypto::b64_encode;
use clavepin_protocol::{Clock, ManualClock};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Method;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Value, json};

use super::browser::{Browser, scrape};
use crate::admin::OperatorClient;

const SITE: &str = "Sede electrónica de ejemplo";
const CALLBACK: &str = "https://sede.example.es/callback";

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn random(rng: &SystemRandom) -> Result<String, String> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| "no randomness")?;
    Ok(b64_encode(&bytes))
}

/// The step. Returns its detail, and the PIN and code used.
pub async fn sign_in(
    url: &str,
    operator: &OperatorClient,
    device: &Device,
    clock: &ManualClock,
    document: &str,
    validity: &str,
) -> Result<(String, String, String), String> {
    let rng = SystemRandom::new();
    // 1. The operator registers the site; the site keeps its id and secret.
    let registration = json!({ "name": SITE, "redirect_uris": [CALLBACK] });
    let done: Value =
        operator.call(Method::POST, "/operator/clients", Some(&registration), true).await?;
    let client_id = done["client"]["client_id"].as_str().ok_or("no client_id")?.to_owned();
    let secret = done["client_secret"].as_str().ok_or("no client_secret")?.to_owned();
    // 2. The site reads the provider's configuration.
    let http = reqwest::Client::new();
    let discovery: Value = http
        .get(format!("{url}/.well-known/openid-configuration"))
        .send()
        .await
        .map_err(err)?
        .json()
        .await
        .map_err(err)?;
    let endpoint = |name: &str| -> Result<String, String> {
        let full = discovery[name].as_str().ok_or_else(|| format!("discovery lacks {name}"))?;
        Ok(full.to_owned())
    };
    let (authorize, token, jwks_uri) =
        (endpoint("authorization_endpoint")?, endpoint("token_endpoint")?, endpoint("jwks_uri")?);
    // 3. It sends the browser there, with PKCE, state and nonce.
    let (state, nonce, verifier) = (random(&rng)?, random(&rng)?, random(&rng)?);
    let challenge = b64_encode(digest(&SHA256, verifier.as_bytes()).as_ref());
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", CALLBACK),
            ("scope", "openid profile document"),
            ("state", &state),
            ("nonce", &nonce),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let path = authorize.strip_prefix(url).ok_or("the authorization endpoint is elsewhere")?;
    let mut browser = Browser::new(url)?;
    let page = browser.send(Method::GET, &format!("{path}?{query}"), &[]).await?;
    if page.status != 200 || !page.body.contains(SITE) {
        return Err(format!("the authorization endpoint answered {}", page.status));
    }
    // 4. The citizen's steps on the portal, the site named on each.
    let csrf = browser.obtain_pin(&page, document, validity, Some("app")).await?;
    let page = browser.send(Method::GET, "/access/pin", &[]).await?;
    if !page.body.contains(SITE) {
        return Err("the PIN page does not name the site".into());
    }
    let code = scrape(&page.body, "id=\"code\" name=\"code\" value=\"")?;
    // 5. The device shows the PIN.
    device.pull(document).await.map_err(err)?;
    let latest = device.screen().map_err(err)?.latest.ok_or("the device shows no PIN")?;
    if latest.code != code {
        return Err(format!("the device shows code {}, the portal {code}", latest.code));
    }
    let pin = latest.pin.ok_or("the device hides the PIN")?.expose().to_owned();
    let page = browser.send(Method::POST, "/access/pin", &[("csrf", &csrf), ("pin", &pin)]).await?;
    if page.status != 303 || !page.location.starts_with(CALLBACK) {
        return Err(format!("\"Access\" answered {} → {:?}", page.status, page.location));
    }
    // 6. Back at the site: the state it sent, the provider that answered, a code.
    let back = url::Url::parse(&page.location).map_err(err)?;
    let params: BTreeMap<_, _> = back.query_pairs().into_owned().collect();
    if params.get("state") != Some(&state) || params.get("iss").map(String::as_str) != Some(url) {
        return Err(format!("the site got back {params:?}"));
    }
    let auth_code = params.get("code").ok_or("no code")?;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "authorization_code"),
            ("code", auth_code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ])
        .finish();
    let resp = http
        .post(token)
        .basic_auth(&client_id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(err)?;
    let tokens: Value = resp.json().await.map_err(err)?;
    let id_token = tokens["id_token"].as_str().ok_or_else(|| format!("no ID token: {tokens}"))?;
    // 7. The ID token, checked against the JWKS.
    let jwks: Value = http.get(jwks_uri).send().await.map_err(err)?.json().await.map_err(err)?;
    let kid = jsonwebtoken::decode_header(id_token).map_err(err)?.kid.ok_or("no kid")?;
    let keys = jwks["keys"].as_array().ok_or("no keys")?;
    let jwk = keys.iter().find(|k| k["kid"] == kid.as_str()).ok_or("kid not in the JWKS")?;
    let key = DecodingKey::from_ec_components(
        jwk["x"].as_str().unwrap_or_default(),
        jwk["y"].as_str().unwrap_or_default(),
    )
    .map_err(err)?;
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[client_id.as_str()]);
    validation.set_issuer(&[url]);
    // The demo moves the service's clock: expiry is checked on it below.
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Value>(id_token, &key, &validation).map_err(err)?.claims;
    let now = clock.now().timestamp();
    if claims["nonce"] != nonce.as_str() || claims["exp"].as_i64().is_none_or(|exp| exp <= now) {
        return Err(format!("the ID token's nonce or expiry is wrong: {claims}"));
    }
    if claims["document_number"] != document || claims["amr"] != json!(["otp", "swk"]) {
        return Err(format!("the ID token says {claims}"));
    }
    let detail = format!(
        "{SITE:?} registered; its sign-in went through the portal's pages with the app's PIN; \
         ID token (ES256, verified against the JWKS) names {} ({}), acr {}, amr otp+swk",
        claims["name"].as_str().unwrap_or("?"),
        claims["document_number"].as_str().unwrap_or("?"),
        claims["acr"].as_str().unwrap_or("?"),
    );
    Ok((detail, pin, code))
}
