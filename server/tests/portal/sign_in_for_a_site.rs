//! "Log in with Cl@ve" end to end: a site built on the `openidconnect` crate sends a
//! citizen in headless Chromium to the provider, the citizen goes through the
//! portal's pages with the PIN from a real device, and the site verifies the ID
//! token against the JWKS.

use std::sync::Arc;

use clavepin_protocol::Clock;
use serde_json::json;

use crate::journey::{assert_accessible, open, submit};
use crate::oidc::register;
use crate::relying_party::RelyingParty;
use crate::support::*;

const SITE: &str = "Agencia Tributaria (pruebas)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_signs_the_citizen_in_with_openid_connect() {
    let svc = TestService::start().await;
    let phone = svc.phone(&[(ANA, ANA_VALIDITY)]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = register(
        &svc,
        json!({ "name": SITE, "redirect_uris": [RelyingParty::redirect_uri(port)] }),
    )
    .await;
    let clock = svc.clock.clone();
    let rp = RelyingParty::start(
        listener,
        &svc.url,
        &site.client_id,
        site.secret.as_deref().unwrap(),
        Arc::new(move || clock.now()),
    )
    .await;
    let (_driver, mut b) = open(&svc, "oidc", "es-ES").await;

    b.go(&format!("{}/login", rp.url)).await;
    b.expect_page("Acceso con Cl@ve PIN").await;
    let asks = format!("{SITE} le pide que se identifique con Cl@ve PIN.");
    assert_eq!(b.text("#site-request").await, asks);
    assert_accessible(&b, "es").await;
    b.screenshot("sitio-documento").await;
    submit(&b, &[("#document", ANA)], "#continue").await;
    b.expect_page("Datos de contraste").await;
    assert_eq!(b.text("#site-request").await, asks, "the site is named on every page");
    submit(&b, &[("#contrast", ANA_VALIDITY)], "#continue").await;
    b.expect_page("Obtener PIN").await;
    assert_eq!(b.text("#site-request").await, asks);
    b.press("#obtain").await;
    b.expect_page("Autenticación con PIN").await;
    assert_eq!(b.text("#site-request").await, asks);
    assert_accessible(&b, "es").await;
    b.screenshot("sitio-pin").await;
    let code = b.property("#code", "value").await.as_str().unwrap().to_owned();
    let pin = pin_on_phone(&phone, ANA, &code).await;
    submit(&b, &[("#pin", &pin)], "#access").await;

    b.expect_page("Welcome").await;
    assert_eq!(b.text("#who").await, "Ana García López");
    assert!(b.url().await.starts_with(&rp.url), "back at the site");
    b.screenshot("sitio-dentro").await;
    let who = rp.signed_in().expect("the site verified the ID token");
    assert_eq!(who.name.as_deref(), Some("Ana García López"));
    assert_eq!(who.document_number.as_deref(), Some(ANA));
    assert_eq!(who.acr.as_deref(), Some("http://eidas.europa.eu/LoA/substantial"), "the app");
    assert_eq!(who.amr, ["otp", "swk"]);
    assert_eq!(who.auth_time.map(|t| t.timestamp()), Some(svc.clock.now().timestamp()));
    assert!(!who.subject.is_empty() && who.subject != ANA);
}
