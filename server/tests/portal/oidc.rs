//! The OpenID Connect provider over plain HTTP: a site's sign-in through the
//! portal's pages, what its tokens say, and every refusal the spec asks for.

use chrono::TimeDelta;
use clavepin_protocol::crypto::b64_encode;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::StatusCode;
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::http::{Client, csrf, urlencode};
use crate::support::*;

pub const SITE: &str = "Sede de <Pruebas> & Co";
const CALLBACK: &str = "https://sede.example.es/callback";
const AFTER_LOGOUT: &str = "https://sede.example.es/bye";

/// A registered site.
pub struct Site {
    pub client_id: String,
    pub secret: Option<String>,
}

pub async fn register(svc: &TestService, body: Value) -> Site {
    let done = svc.operator("POST", "/operator/clients", Some(body)).await;
    Site {
        client_id: done["client"]["client_id"].as_str().unwrap().to_owned(),
        secret: done["client_secret"].as_str().map(str::to_owned),
    }
}

async fn site_with_secret(svc: &TestService) -> Site {
    register(
        svc,
        json!({ "name": SITE, "redirect_uris": [CALLBACK],
                "post_logout_redirect_uris": [AFTER_LOGOUT] }),
    )
    .await
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = format!("{}{}", b64_encode(&[7u8; 32]), "-._~verifier");
    let challenge = b64_encode(digest(&SHA256, verifier.as_bytes()).as_ref());
    (verifier, challenge)
}

fn query(pairs: &[(&str, &str)]) -> String {
    urlencode(pairs)
}

fn authorize_query(site: &Site, challenge: &str, state: &str, nonce: &str) -> String {
    query(&[
        ("response_type", "code"),
        ("client_id", &site.client_id),
        ("redirect_uri", CALLBACK),
        ("scope", "openid profile document"),
        ("state", state),
        ("nonce", nonce),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ])
}

/// The query parameters of a redirect.
fn params_of(location: &str) -> std::collections::HashMap<String, String> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// María (SMS only) signs in for `site` through the pages; returns where "Access"
/// sent her browser, and the HTML of every page she saw on the way.
async fn sign_in(
    svc: &TestService,
    browser: &mut Client,
    authorize: &str,
) -> (String, Vec<String>) {
    let mut pages = Vec::new();
    let page = browser.get(&format!("/oidc/authorize?{authorize}")).await;
    assert_eq!(browser.last.0, StatusCode::OK, "{page}");
    let token = csrf(&page);
    pages.push(page);
    let (status, location, _) = browser.post("/", &[("csrf", &token), ("document", MARIA)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/contrast"));
    let page = browser.get("/access/contrast").await;
    let token = csrf(&page);
    pages.push(page);
    let form = [("csrf", token.as_str()), ("contrast", MARIA_ISSUED), ("permanent", "yes")];
    let (status, location, _) = browser.post("/access/contrast", &form).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/obtain"));
    pages.push(browser.get("/access/obtain").await);
    let (status, location, _) = browser.post("/access/obtain", &[("csrf", &token)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/access/pin"));
    pages.push(browser.get("/access/pin").await);
    let (_, pin) = svc.last_sms_pin().await;
    let (status, location, _) =
        browser.post("/access/pin", &[("csrf", &token), ("pin", &pin)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    (location, pages)
}

async fn token_request(
    svc: &TestService,
    site: &Site,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let http = reqwest::Client::new();
    let mut req = http
        .post(format!("{}/oidc/token", svc.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(urlencode(form));
    if let Some(secret) = &site.secret {
        req = req.basic_auth(&site.client_id, Some(secret));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    assert_eq!(resp.headers()["cache-control"], "no-store");
    (status, resp.json().await.unwrap())
}

async fn redeem(svc: &TestService, site: &Site, code: &str, verifier: &str) -> (StatusCode, Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
    ];
    token_request(svc, site, &form).await
}

async fn userinfo(svc: &TestService, access_token: &str) -> StatusCode {
    let resp = reqwest::Client::new()
        .get(format!("{}/oidc/userinfo", svc.url))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    resp.status()
}

/// The ID token's claims, its signature checked against the JWKS.
pub async fn verified_claims(svc: &TestService, id_token: &str, audience: &str) -> Value {
    let jwks: Value =
        reqwest::get(format!("{}/oidc/jwks", svc.url)).await.unwrap().json().await.unwrap();
    let kid = jsonwebtoken::decode_header(id_token).unwrap().kid.unwrap();
    let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid.as_str()).unwrap();
    let key =
        DecodingKey::from_ec_components(jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[svc.url.as_str()]);
    // The service's clock is the test's, not the system's.
    validation.validate_exp = false;
    jsonwebtoken::decode::<Value>(id_token, &key, &validation).unwrap().claims
}

#[tokio::test]
async fn a_site_learns_who_signed_in_how_and_when_and_nothing_else() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (verifier, challenge) = pkce();
    let state = "st&te=with spaces/ñ";
    let nonce = "n-0S6_WzA2Mj";
    let mut browser = Client::new(&svc, "en");
    let (location, pages) =
        sign_in(&svc, &mut browser, &authorize_query(&site, &challenge, state, nonce)).await;

    // The site's name, escaped, on every page of the flow.
    for page in &pages {
        assert!(page.contains("Sede de &#60;Pruebas&#62; &#38; Co asks you to identify"), "{page}");
        assert!(!page.contains("<Pruebas>"));
    }
    assert!(location.starts_with(&format!("{CALLBACK}?")), "{location}");
    let params = params_of(&location);
    assert_eq!(params["state"], state, "state comes back unchanged");
    assert_eq!(params["iss"], svc.url, "RFC 9207");
    let code = &params["code"];

    let (status, tokens) = redeem(&svc, &site, code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let claims = verified_claims(&svc, tokens["id_token"].as_str().unwrap(), &site.client_id).await;
    assert_eq!(claims["nonce"], nonce, "nonce comes back unchanged");
    assert_eq!(claims["name"], "María Pérez Ruiz");
    assert_eq!(claims["document_number"], MARIA);
    assert_eq!(claims["acr"], "http://eidas.europa.eu/LoA/low", "an SMS PIN");
    assert_eq!(claims["amr"], json!(["otp", "sms"]));
    let now = 1_800_000_000;
    assert_eq!(claims["auth_time"], now);
    let mut names: Vec<_> = claims.as_object().unwrap().keys().cloned().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "acr",
            "amr",
            "aud",
            "auth_time",
            "document_number",
            "exp",
            "iat",
            "iss",
            "name",
            "nonce",
            "sub"
        ],
        "nothing else"
    );
    assert_ne!(claims["sub"], MARIA, "the subject is pairwise, not the document");
    assert_eq!(userinfo(&svc, tokens["access_token"].as_str().unwrap()).await, StatusCode::OK);
}

#[tokio::test]
async fn a_site_that_asks_less_learns_less_and_each_site_sees_another_subject() {
    let svc = TestService::start().await;
    let first = site_with_secret(&svc).await;
    let second = site_with_secret(&svc).await;
    let (verifier, challenge) = pkce();
    let mut subjects = Vec::new();
    for site in [&first, &second] {
        let q = query(&[
            ("response_type", "code"),
            ("client_id", &site.client_id),
            ("redirect_uri", CALLBACK),
            ("scope", "openid unknown-scope"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ]);
        let mut browser = Client::new(&svc, "es");
        let (location, _) = sign_in(&svc, &mut browser, &q).await;
        let params = params_of(&location);
        assert!(!params.contains_key("state"), "no state asked, none sent");
        let (_, tokens) = redeem(&svc, site, &params["code"], &verifier).await;
        let claims =
            verified_claims(&svc, tokens["id_token"].as_str().unwrap(), &site.client_id).await;
        assert!(claims.get("name").is_none() && claims.get("document_number").is_none());
        assert!(claims.get("nonce").is_none());
        subjects.push(claims["sub"].clone());
    }
    assert_ne!(subjects[0], subjects[1]);
}

#[tokio::test]
async fn an_unknown_site_or_an_unregistered_return_address_gets_a_page_and_no_redirect() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (_, challenge) = pkce();
    let mut browser = Client::new(&svc, "en");
    let cases = [
        (
            query(&[("client_id", "nobody"), ("redirect_uri", CALLBACK)]),
            "not registered with Cl@ve",
        ),
        (query(&[("redirect_uri", CALLBACK)]), "incomplete"),
        (
            query(&[("client_id", &site.client_id), ("redirect_uri", "https://evil.example/cb")]),
            "has not registered",
        ),
        (
            query(&[("client_id", &site.client_id), ("redirect_uri", &format!("{CALLBACK}/"))]),
            "has not registered",
        ),
        (
            format!(
                "{}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
                authorize_query(&site, &challenge, "s", "n")
            ),
            "incomplete",
        ),
    ];
    for (q, words) in cases {
        let page = browser.get(&format!("/oidc/authorize?{q}")).await;
        assert_eq!(browser.last, (StatusCode::BAD_REQUEST, String::new()), "{q}");
        assert!(page.contains(words), "{q}: {page}");
    }
}

#[tokio::test]
async fn what_is_wrong_after_the_return_address_is_told_to_the_site_with_its_state() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (_, challenge) = pkce();
    let base = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("client_id", site.client_id.as_str()),
            ("redirect_uri", CALLBACK),
            ("state", "keep-me"),
        ];
        pairs.extend_from_slice(extra);
        query(&pairs)
    };
    let s256 = [("code_challenge", challenge.as_str()), ("code_challenge_method", "S256")];
    let openid = ("scope", "openid");
    let code = ("response_type", "code");
    let cases: Vec<(String, &str)> = vec![
        (base(&[code, openid]), "invalid_request"),
        (base(&[code, openid, ("code_challenge", &challenge)]), "invalid_request"),
        (
            base(&[
                code,
                openid,
                ("code_challenge", &challenge),
                ("code_challenge_method", "plain"),
            ]),
            "invalid_request",
        ),
        (base(&[code, openid, ("code_challenge", "short"), s256[1]]), "invalid_request"),
        (
            base(&[("response_type", "token"), openid, s256[0], s256[1]]),
            "unsupported_response_type",
        ),
        (base(&[code, ("scope", "profile"), s256[0], s256[1]]), "invalid_scope"),
        (base(&[code, openid, s256[0], s256[1], ("prompt", "none")]), "login_required"),
        (base(&[code, openid, s256[0], s256[1], ("request", "eyJ")]), "request_not_supported"),
        (
            base(&[code, openid, s256[0], s256[1], ("nonce", "a"), ("nonce", "b")]),
            "invalid_request",
        ),
    ];
    let mut browser = Client::new(&svc, "en");
    for (q, error) in cases {
        browser.get(&format!("/oidc/authorize?{q}")).await;
        let (status, location) = browser.last.clone();
        assert_eq!(status, StatusCode::SEE_OTHER, "{q}");
        let params = params_of(&location);
        assert_eq!(params["error"], error, "{q}");
        assert_eq!(params["state"], "keep-me");
        assert!(location.starts_with(CALLBACK));
    }
}

#[tokio::test]
async fn the_verifier_must_match_and_a_code_is_good_once_and_for_sixty_seconds() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (verifier, challenge) = pkce();
    let authorize = authorize_query(&site, &challenge, "s", "n");

    // No verifier: refused, and the code still works.
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &authorize).await;
    let code = params_of(&location)["code"].clone();
    let form = [("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK)];
    let (status, body) = token_request(&svc, &site, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    // A wrong verifier burns the code.
    let wrong = format!("{}x", &verifier[..verifier.len() - 1]);
    let (status, body) = redeem(&svc, &site, &code, &wrong).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (_, body) = redeem(&svc, &site, &code, &verifier).await;
    assert_eq!(body["error"], "invalid_grant");

    // Used twice: the second is refused, and the tokens of the first stop working.
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &authorize).await;
    let code = params_of(&location)["code"].clone();
    let (status, tokens) = redeem(&svc, &site, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(userinfo(&svc, access).await, StatusCode::OK);
    let (status, body) = redeem(&svc, &site, &code, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error_description"].as_str().unwrap().contains("revoked"), "{body}");
    assert_eq!(userinfo(&svc, access).await, StatusCode::UNAUTHORIZED);

    // Older than 60 seconds.
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &authorize).await;
    let code = params_of(&location)["code"].clone();
    svc.advance(TimeDelta::seconds(61));
    let (_, body) = redeem(&svc, &site, &code, &verifier).await;
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().unwrap().contains("60 seconds"));

    // Another site's code, and another redirect URI.
    let other = site_with_secret(&svc).await;
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &authorize).await;
    let code = params_of(&location)["code"].clone();
    let (_, body) = redeem(&svc, &other, &code, &verifier).await;
    assert_eq!(body["error"], "invalid_grant");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", "https://sede.example.es/other"),
        ("code_verifier", &verifier),
    ];
    let (_, body) = token_request(&svc, &site, &form).await;
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_site_proves_itself_with_its_secret_or_a_signed_assertion_used_once() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (verifier, challenge) = pkce();
    let (location, _) =
        sign_in(&svc, &mut Client::new(&svc, "en"), &authorize_query(&site, &challenge, "s", "n"))
            .await;
    let code = params_of(&location)["code"].clone();
    let impostor = Site { client_id: site.client_id.clone(), secret: Some("wrong".into()) };
    let (status, body) = redeem(&svc, &impostor, &code, &verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let nobody = Site { client_id: site.client_id.clone(), secret: None };
    let (status, _) = redeem(&svc, &nobody, &code, &verifier).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a confidential site must authenticate");
    let (status, _) = redeem(&svc, &site, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "refused authentications did not burn the code");

    // private_key_jwt: the site's key signs an assertion for the token endpoint.
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    let jwk = json!({ "kty": "EC", "crv": "P-256",
                      "x": b64_encode(&point[1..33]), "y": b64_encode(&point[33..65]) });
    let keyed = register(
        &svc,
        json!({ "name": "Sede con clave", "redirect_uris": [CALLBACK], "public_key": jwk }),
    )
    .await;
    assert!(keyed.secret.is_none(), "no secret for a site with a key");
    let assertion = |jti: &str, aud: &str| {
        let now = 1_800_000_000i64;
        let claims = json!({ "iss": keyed.client_id, "sub": keyed.client_id, "aud": aud,
                             "exp": now + 120, "iat": now, "jti": jti });
        jsonwebtoken::encode(
            &Header::new(Algorithm::ES256),
            &claims,
            &EncodingKey::from_ec_der(pkcs8.as_ref()),
        )
        .unwrap()
    };
    let token_endpoint = format!("{}/oidc/token", svc.url);
    let q = authorize_query(&keyed, &challenge, "s", "n");
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &q).await;
    let code = params_of(&location)["code"].clone();
    let (status, body) =
        exchange(&svc, &code, &verifier, &assertion("one", "https://elsewhere")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (status, body) = exchange(&svc, &code, &verifier, &assertion("one", &token_endpoint)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &q).await;
    let code = params_of(&location)["code"].clone();
    let (status, body) = exchange(&svc, &code, &verifier, &assertion("one", &token_endpoint)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "an assertion is good once: {body}");
}

/// A token request authenticated with a client assertion (private_key_jwt).
async fn exchange(
    svc: &TestService,
    code: &str,
    verifier: &str,
    assertion: &str,
) -> (StatusCode, Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", assertion),
    ];
    token_request(svc, &Site { client_id: String::new(), secret: None }, &form).await
}

#[tokio::test]
async fn discovery_names_the_endpoints_and_a_rotated_key_still_checks_old_tokens() {
    let svc = TestService::start().await;
    let config: Value = reqwest::get(format!("{}/.well-known/openid-configuration", svc.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["issuer"], svc.url);
    assert_eq!(config["authorization_endpoint"], format!("{}/oidc/authorize", svc.url));
    assert_eq!(config["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(config["id_token_signing_alg_values_supported"], json!(["ES256"]));

    let site = site_with_secret(&svc).await;
    let (verifier, challenge) = pkce();
    let authorize = authorize_query(&site, &challenge, "s", "n");
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &authorize).await;
    let (_, before) = redeem(&svc, &site, &params_of(&location)["code"], &verifier).await;
    let old = before["id_token"].as_str().unwrap().to_owned();
    let rotated = svc.operator("POST", "/operator/signing-keys/rotate", None).await;
    let (location, _) = sign_in(&svc, &mut Client::new(&svc, "en"), &authorize).await;
    let (_, after) = redeem(&svc, &site, &params_of(&location)["code"], &verifier).await;
    let new = after["id_token"].as_str().unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(new).unwrap().kid.unwrap(),
        rotated["kid"].as_str().unwrap()
    );
    assert_ne!(
        jsonwebtoken::decode_header(&old).unwrap().kid,
        jsonwebtoken::decode_header(new).unwrap().kid
    );
    // Both verify against the JWKS the sites fetch now.
    verified_claims(&svc, &old, &site.client_id).await;
    verified_claims(&svc, new, &site.client_id).await;
    let audit = svc.operator("GET", "/operator/audit", None).await;
    let actions: Vec<_> =
        audit["items"].as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
    assert!(
        actions.contains(&json!("client_registered"))
            && actions.contains(&json!("signing_key_rotated"))
    );
}

#[tokio::test]
async fn the_citizen_may_cancel_and_the_site_hears_access_denied() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (_, challenge) = pkce();
    let mut browser = Client::new(&svc, "en");
    let page = browser
        .get(&format!("/oidc/authorize?{}", authorize_query(&site, &challenge, "s1", "n")))
        .await;
    let token = csrf(&page);
    let (status, location, _) = browser.post("/oidc/authorize/cancel", &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let params = params_of(&location);
    assert_eq!((params["error"].as_str(), params["state"].as_str()), ("access_denied", "s1"));
}

#[tokio::test]
async fn rp_initiated_logout_asks_then_ends_the_session_and_revokes_the_sites_tokens() {
    let svc = TestService::start().await;
    let site = site_with_secret(&svc).await;
    let (verifier, challenge) = pkce();
    let mut browser = Client::new(&svc, "en");
    let (location, _) =
        sign_in(&svc, &mut browser, &authorize_query(&site, &challenge, "s", "n")).await;
    let (_, tokens) = redeem(&svc, &site, &params_of(&location)["code"], &verifier).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    let access = tokens["access_token"].as_str().unwrap();

    // Registered return address: a confirmation page naming the site.
    let logout = [
        ("id_token_hint", id_token),
        ("post_logout_redirect_uri", AFTER_LOGOUT),
        ("state", "bye-state"),
    ];
    let page = browser.get(&format!("/oidc/logout?{}", query(&logout))).await;
    assert_eq!(browser.last.0, StatusCode::OK);
    assert!(
        page.contains("Sede de &#60;Pruebas&#62; &#38; Co asks to end your Cl@ve session"),
        "{page}"
    );
    let (status, location, _) = browser.post("/oidc/logout", &logout).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with(AFTER_LOGOUT), "{location}");
    assert_eq!(params_of(&location)["state"], "bye-state");
    assert_eq!(userinfo(&svc, access).await, StatusCode::UNAUTHORIZED, "the site's tokens end");
    browser.get("/access/signed-in").await;
    assert_eq!(browser.last, (StatusCode::SEE_OTHER, "/".to_owned()), "signed out");

    // Unregistered return address, or a hint we did not sign: refused on a page.
    for bad in [
        query(&[
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ]),
        query(&[("id_token_hint", "eyJhbGciOiJFUzI1NiJ9.e30.sig")]),
        query(&[("post_logout_redirect_uri", AFTER_LOGOUT)]),
    ] {
        browser.get(&format!("/oidc/logout?{bad}")).await;
        assert_eq!(browser.last, (StatusCode::BAD_REQUEST, String::new()), "{bad}");
    }
}

#[tokio::test]
async fn registration_refuses_what_would_make_an_unsafe_site() {
    let svc = TestService::start().await;
    let http = reqwest::Client::new();
    for body in [
        json!({ "name": "", "redirect_uris": [CALLBACK] }),
        json!({ "name": "A", "redirect_uris": [] }),
        json!({ "name": "A", "redirect_uris": ["http://sede.example.es/cb"] }),
        json!({ "name": "A", "redirect_uris": ["https://sede.example.es/cb#x"] }),
        json!({ "name": "A", "redirect_uris": [CALLBACK], "scopes": ["email"] }),
        json!({ "name": "A", "redirect_uris": [CALLBACK],
                "public_key": { "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "d": "AA" } }),
    ] {
        let resp = http
            .post(format!("{}/operator/clients", svc.operator_url()))
            .bearer_auth(svc.operator_token())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let site = site_with_secret(&svc).await;
    let list = svc.operator("GET", "/operator/clients", None).await;
    assert_eq!(list["clients"][0]["client_id"], site.client_id.as_str());
    assert!(
        list.to_string()
            .find("secret")
            .is_none_or(|_| !list.to_string().contains(site.secret.as_deref().unwrap()))
    );
    svc.operator("DELETE", &format!("/operator/clients/{}", site.client_id), None).await;
    let (_, challenge) = pkce();
    let mut browser = Client::new(&svc, "en");
    browser.get(&format!("/oidc/authorize?{}", authorize_query(&site, &challenge, "s", "n"))).await;
    assert_eq!(browser.last.0, StatusCode::BAD_REQUEST, "a removed site signs nobody in");
}

#[tokio::test]
async fn a_native_app_uses_a_loopback_redirect_on_any_port_and_pkce_alone() {
    let svc = TestService::start().await;
    let app = register(
        &svc,
        json!({ "name": "Trámites (app)", "redirect_uris": ["http://127.0.0.1/oauth2redirect"],
                "native_app": true }),
    )
    .await;
    assert!(app.secret.is_none(), "an app keeps no secret");
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:51234/oauth2redirect";
    let q = query(&[
        ("response_type", "code"),
        ("client_id", &app.client_id),
        ("redirect_uri", redirect),
        ("scope", "openid"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        ("ui_locales", "eu ca"),
    ]);
    let mut browser = Client::new(&svc, "en");
    let (location, pages) = sign_in(&svc, &mut browser, &q).await;
    assert!(pages[0].contains("<html lang=\"eu\">"), "the app's ui_locales chose Basque");
    assert!(location.starts_with(&format!("{redirect}?")), "{location}");
    let code = params_of(&location)["code"].clone();
    let http = reqwest::Client::new();
    let form = |code: &str, id: &str| {
        urlencode(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
            ("client_id", id),
        ])
    };
    let post = |body: String, content_type: &'static str| {
        http.post(format!("{}/oidc/token", svc.url))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let resp = post(form(&code, &app.client_id), "application/json").await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "a token request is a form");
    let twice = format!("{}&code=again", form(&code, &app.client_id));
    let resp = post(twice, "application/x-www-form-urlencoded").await.unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request", "a parameter twice: {body}");
    let resp =
        post(form(&code, &app.client_id), "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let tokens: Value = resp.json().await.unwrap();
    verified_claims(&svc, tokens["id_token"].as_str().unwrap(), &app.client_id).await;

    // A confidential site cannot pass itself off as a native app.
    let site = site_with_secret(&svc).await;
    let (location, _) =
        sign_in(&svc, &mut Client::new(&svc, "en"), &authorize_query(&site, &challenge, "s", "n"))
            .await;
    let code = params_of(&location)["code"].clone();
    let body = urlencode(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", &verifier),
        ("client_id", &site.client_id),
    ]);
    let resp = post(body, "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}
