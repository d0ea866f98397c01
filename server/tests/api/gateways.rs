//! The real gateways (FCM HTTP v1, APNs, Twilio) against local stand-ins that check
//! every request as the real services do: Google's OAuth endpoint verifies the
//! service account's signed assertion, FCM the access token and the message, APNs
//! the HTTP/2 request, its provider token and headers, Twilio its credentials and
//! form. Their answers drive what the service does next: a dead token is dropped and
//! the PIN goes by SMS, a busy gateway is retried with backoff, an unreachable
//! number is given up on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode as Status, Version};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::TimeDelta;
use clavepin_protocol::crypto::b64_encode;
use clavepin_server::{Apns, ApnsKey, Fcm, PushGateways, ServiceAccount, SmsSender, Twilio};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::support::*;

const PROJECT: &str = "clavepin-pruebas";
const CLIENT_EMAIL: &str = "pushes@clavepin-pruebas.iam.gserviceaccount.com";
const TEAM: &str = "TEAM123456";
const KEY_ID: &str = "KEY1234567";
const TOPIC: &str = "es.gob.clavepin";
const SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "twilio-auth-token";
const FROM: &str = "+34600000001";
/// Numbers the Twilio stand-in cannot reach.
const UNREACHABLE: &str = "+34699999999";

/// What the stand-ins saw and how they answer.
#[derive(Default)]
struct Seen {
    oauth_tokens: Vec<String>,
    fcm: Vec<Value>,
    apns: Vec<(String, Value)>,
    sms: Vec<(String, String)>,
    /// Answers still to give a token before it is taken: status codes.
    busy: HashMap<String, Vec<u16>>,
    /// Things the stand-ins found wrong in a request.
    faults: Vec<String>,
}

#[derive(Clone)]
struct StandIns {
    seen: Arc<Mutex<Seen>>,
    base: String,
    apns_x: String,
    apns_y: String,
}

impl StandIns {
    fn fault(&self, what: String) -> Response {
        self.seen.lock().unwrap().faults.push(what.clone());
        (Status::BAD_REQUEST, what).into_response()
    }
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Google's OAuth token endpoint: a JWT-bearer assertion signed by the service
/// account's key, for FCM's scope, to this endpoint.
async fn oauth(State(s): State<StandIns>, body: Bytes) -> Response {
    let form = form(&body);
    if form.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return s.fault("oauth: grant_type".into());
    }
    let public = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/fixtures/fcm-test-key.pub.pem"
    ))
    .unwrap();
    let key = DecodingKey::from_rsa_pem(&public).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[format!("{}/token", s.base)]);
    validation.set_issuer(&[CLIENT_EMAIL]);
    let claims = match jsonwebtoken::decode::<Value>(&form["assertion"], &key, &validation) {
        Ok(data) => data.claims,
        Err(e) => return s.fault(format!("oauth: assertion {e}")),
    };
    if claims["scope"] != "https://www.googleapis.com/auth/firebase.messaging" {
        return s.fault("oauth: scope".into());
    }
    let mut seen = s.seen.lock().unwrap();
    let token = format!("ya29.stand-in-{}", seen.oauth_tokens.len());
    seen.oauth_tokens.push(token.clone());
    axum::Json(json!({ "access_token": token, "expires_in": 3599, "token_type": "Bearer" }))
        .into_response()
}

/// FCM HTTP v1 `messages:send`.
async fn fcm(
    State(s): State<StandIns>,
    Path(project): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if project != PROJECT {
        return s.fault(format!("fcm: path {project}"));
    }
    let bearer = headers["authorization"].to_str().unwrap_or_default().to_owned();
    let known = s.seen.lock().unwrap().oauth_tokens.iter().any(|t| bearer == format!("Bearer {t}"));
    if !known {
        return (
            Status::UNAUTHORIZED,
            axum::Json(json!({ "error": { "code": 401, "status": "UNAUTHENTICATED" } })),
        )
            .into_response();
    }
    let message: Value = serde_json::from_slice(&body).unwrap_or_default();
    let m = &message["message"];
    let data_ok = ["v", "type", "device_id", "request_id", "sealed", "issued_at", "expires_at"]
        .iter()
        .all(|k| m["data"][k].is_string());
    if !data_ok || m["android"]["priority"] != "high" || !m["token"].is_string() {
        return s.fault(format!("fcm: message {message}"));
    }
    let token = m["token"].as_str().unwrap_or_default().to_owned();
    let mut seen = s.seen.lock().unwrap();
    seen.fcm.push(message.clone());
    if let Some(code) = seen.busy.get_mut(&token).and_then(|answers| answers.pop()) {
        let status = Status::from_u16(code).unwrap();
        return (status, axum::Json(json!({ "error": { "code": code, "status": "UNAVAILABLE" } })))
            .into_response();
    }
    if token == "dead-token" {
        let body = json!({ "error": { "code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found.",
            "details": [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED" }] } });
        return (Status::NOT_FOUND, axum::Json(body)).into_response();
    }
    axum::Json(json!({ "name": format!("projects/{PROJECT}/messages/1") })).into_response()
}

/// APNs `POST /3/device/{token}`, HTTP/2 only, with a provider token.
async fn apns(
    State(s): State<StandIns>,
    Path(token): Path<String>,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if version != Version::HTTP_2 {
        return s.fault(format!("apns: {version:?}, not HTTP/2"));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(jwt) = header("authorization").strip_prefix("bearer ") else {
        return s.fault("apns: no provider token".into());
    };
    let key = DecodingKey::from_ec_components(&s.apns_x, &s.apns_y).unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["iss", "iat"]);
    validation.set_issuer(&[TEAM]);
    let signed = jsonwebtoken::decode::<Value>(jwt, &key, &validation);
    let kid = jsonwebtoken::decode_header(jwt).ok().and_then(|h| h.kid);
    if signed.is_err() || kid.as_deref() != Some(KEY_ID) {
        return (Status::FORBIDDEN, axum::Json(json!({ "reason": "InvalidProviderToken" })))
            .into_response();
    }
    if header("apns-topic") != TOPIC
        || header("apns-push-type") != "alert"
        || header("apns-expiration").parse::<i64>().is_err()
    {
        return s.fault("apns: headers".into());
    }
    let payload: Value = serde_json::from_slice(&body).unwrap_or_default();
    if payload["aps"]["mutable-content"] != 1 || !payload["clavepin"]["sealed"].is_string() {
        return s.fault(format!("apns: payload {payload}"));
    }
    s.seen.lock().unwrap().apns.push((token.clone(), payload));
    if token == "gone-token" {
        return (Status::GONE, axum::Json(json!({ "reason": "Unregistered", "timestamp": 0 })))
            .into_response();
    }
    Status::OK.into_response()
}

/// Twilio's Messages API.
async fn twilio(
    State(s): State<StandIns>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{AUTH_TOKEN}"));
    if account != SID {
        return s.fault(format!("twilio: path {account}"));
    }
    if headers["authorization"].to_str().unwrap_or_default() != format!("Basic {basic}") {
        return (
            Status::UNAUTHORIZED,
            axum::Json(json!({ "code": 20003, "message": "Authenticate" })),
        )
            .into_response();
    }
    let form = form(&body);
    let (Some(to), Some(text)) = (form.get("To"), form.get("Body")) else {
        return s.fault("twilio: To and Body".into());
    };
    if form.get("From").map(String::as_str) != Some(FROM) {
        return s.fault("twilio: From".into());
    }
    if to == UNREACHABLE {
        let body =
            json!({ "code": 21211, "message": "The 'To' number is not a valid phone number." });
        return (Status::BAD_REQUEST, axum::Json(body)).into_response();
    }
    s.seen.lock().unwrap().sms.push((to.clone(), text.clone()));
    (Status::CREATED, axum::Json(json!({ "sid": "SM0123", "status": "queued" }))).into_response()
}

/// The stand-ins on one loopback port (HTTP/1.1 and HTTP/2 by prior knowledge), and
/// the service wired to them.
async fn start() -> (TestService, StandIns) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let rng = SystemRandom::new();
    let p8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, p8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    let stand_ins = StandIns {
        seen: Arc::default(),
        base: base.clone(),
        apns_x: b64_encode(&point[1..33]),
        apns_y: b64_encode(&point[33..65]),
    };
    let app = Router::new()
        .route("/token", post(oauth))
        .route("/v1/projects/{project}/messages:send", post(fcm))
        .route("/3/device/{token}", post(apns))
        .route("/2010-04-01/Accounts/{account}/Messages.json", post(twilio))
        .with_state(stand_ins.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let private_key = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/fixtures/fcm-test-key.pem"
    ))
    .unwrap();
    let account = json!({ "type": "service_account", "project_id": PROJECT, "client_email": CLIENT_EMAIL,
                          "private_key": private_key, "token_uri": format!("{base}/token") });
    let account = ServiceAccount::from_json(&account.to_string()).unwrap();
    let fcm = Fcm::new(account, Some(&base)).unwrap();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, p8.as_ref())
    );
    let key = ApnsKey { team_id: TEAM.into(), key_id: KEY_ID.into(), p8: pem, topic: TOPIC.into() };
    let apns = Apns::new(key, &base).unwrap();
    let twilio = Twilio::new(SID, AUTH_TOKEN, SmsSender::From(FROM.into()), Some(&base)).unwrap();
    let push = PushGateways { fcm: Some(fcm), apns: Some(apns) };
    let svc = TestService::start_with(|config| {
        config.with_push(Arc::new(push)).with_sms(Arc::new(twilio))
    })
    .await;
    (svc, stand_ins)
}

/// A registered citizen whose activated device registered `token` for `platform`.
async fn device_with(svc: &TestService, s: &StandIns, platform: &str, token: &str) -> TestDevice {
    svc.registered_citizen().await;
    let (status, started) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    svc.service.deliver().await.unwrap();
    // A real gateway took the SMS: the code is on the citizen's phone, the stand-in's.
    let seen_sms = s.seen.lock().unwrap().sms.last().cloned();
    let faults = s.seen.lock().unwrap().faults.clone();
    let (_, text) = seen_sms.unwrap_or_else(|| panic!("the code went by SMS: {faults:?}"));
    let code = text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned();
    let id = started["activation_id"].as_str().unwrap();
    let (device, status, body) = TestDevice::complete(svc, id, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let device = device.unwrap();
    let (status, _) = device.request(svc, reqwest::Method::GET, "/device/status", b"").await;
    assert_eq!(status, StatusCode::OK);
    device.register_push(svc, platform, token).await;
    device
}

#[tokio::test]
async fn fcm_carries_the_sealed_pin_with_an_access_token_it_got_and_keeps() {
    let (svc, s) = start().await;
    let device = device_with(&svc, &s, "fcm", "good-token").await;
    for _ in 0..2 {
        let (status, created) = svc.obtain_pin(json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["channel"], "app");
        svc.service.deliver().await.unwrap();
        let seen = s.seen.lock().unwrap();
        let data = &seen.fcm.last().unwrap()["message"]["data"];
        assert_eq!(data["request_id"], created["request_id"]);
    }
    let pulled = device.pull(&svc).await;
    let seen = s.seen.lock().unwrap();
    assert!(seen.faults.is_empty(), "{:?}", seen.faults);
    assert_eq!(seen.oauth_tokens.len(), 1, "one access token for both pushes");
    let pushed = &seen.fcm.last().unwrap()["message"]["data"];
    let latest = pulled.iter().find(|p| p["request_id"] == pushed["request_id"]).unwrap();
    assert_eq!(pushed["sealed"], latest["sealed"], "the push carries the PIN the device opens");
    device.open(latest);
}

#[tokio::test]
async fn a_dead_fcm_token_is_dropped_and_its_pin_goes_by_sms_through_twilio() {
    let (svc, s) = start().await;
    let _device = device_with(&svc, &s, "fcm", "dead-token").await;
    let (_, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(created["channel"], "app");
    svc.service.deliver().await.unwrap();
    // The fallback SMS is queued with the round that heard of the dead token.
    svc.service.deliver().await.unwrap();
    let code = created["code"].as_str().unwrap();
    {
        let seen = s.seen.lock().unwrap();
        assert_eq!(seen.fcm.len(), 1);
        let (to, text) = seen.sms.last().unwrap();
        assert_eq!(to, "+34612345678");
        assert!(text.contains(&format!("código {code}, PIN ")), "{text}");
    }
    // The token is gone: the next PIN is not pushed to it.
    svc.obtain_pin(json!({})).await;
    svc.service.deliver().await.unwrap();
    assert_eq!(s.seen.lock().unwrap().fcm.len(), 1, "no push to a dead token");
}

#[tokio::test]
async fn apns_takes_http2_with_a_provider_token_and_a_gone_token_falls_back_to_sms() {
    let (svc, s) = start().await;
    let device = device_with(&svc, &s, "apns", "ios-token").await;
    let (_, first) = svc.obtain_pin(json!({})).await;
    svc.service.deliver().await.unwrap();
    {
        let seen = s.seen.lock().unwrap();
        assert!(seen.faults.is_empty(), "{:?}", seen.faults);
        let (token, payload) = seen.apns.last().unwrap();
        assert_eq!(token, "ios-token");
        assert_eq!(payload["clavepin"]["request_id"], first["request_id"]);
    }
    device.register_push(&svc, "apns", "gone-token").await;
    let (_, second) = svc.obtain_pin(json!({})).await;
    svc.service.deliver().await.unwrap();
    svc.service.deliver().await.unwrap();
    let seen = s.seen.lock().unwrap();
    let code = second["code"].as_str().unwrap();
    assert!(seen.sms.iter().any(|(_, text)| text.contains(&format!("código {code}, PIN "))));
}

#[tokio::test]
async fn a_busy_gateway_is_retried_with_backoff_and_an_unreachable_number_given_up() {
    let (svc, s) = start().await;
    let _device = device_with(&svc, &s, "fcm", "busy-token").await;
    s.seen.lock().unwrap().busy.insert("busy-token".into(), vec![503, 429]);
    svc.obtain_pin(json!({})).await;
    svc.service.deliver().await.unwrap();
    svc.service.deliver().await.unwrap();
    assert_eq!(s.seen.lock().unwrap().fcm.len(), 1, "the retry waits its backoff");
    svc.clock.advance(TimeDelta::seconds(2));
    svc.service.deliver().await.unwrap();
    assert_eq!(s.seen.lock().unwrap().fcm.len(), 2);
    svc.clock.advance(TimeDelta::seconds(4));
    svc.service.deliver().await.unwrap();
    assert_eq!(s.seen.lock().unwrap().fcm.len(), 3, "the third try is taken");
    let metrics =
        reqwest::get(format!("{}/metrics", svc.operator_url)).await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("clavepin_deliveries_total{channel=\"push\",outcome=\"retry\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("clavepin_deliveries_total{channel=\"push\",outcome=\"taken\"} 1"));

    // A citizen whose number the carrier cannot reach: the SMS is a dead letter.
    let mut census = dni_census();
    census["document"] = json!("00000001R");
    svc.load_census(vec![census]).await;
    let mut reg = dni_claim();
    reg["document"] = json!("00000001R");
    reg["mobile"] = json!(UNREACHABLE);
    reg["email"] = json!("x@example.es");
    let (status, _) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut claim = dni_claim();
    claim["document"] = json!("00000001R");
    svc.post("/portal/pin-requests", &claim).await;
    svc.service.deliver().await.unwrap();
    let metrics =
        reqwest::get(format!("{}/metrics", svc.operator_url)).await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("clavepin_outbox_messages{outbox=\"sms\",state=\"given_up\"} 1"),
        "{metrics}"
    );
    assert!(s.seen.lock().unwrap().sms.iter().all(|(to, _)| to != UNREACHABLE));
    let (status, dead) = svc.operator_get("/operator/outbox/dead-letters").await;
    assert_eq!(status, StatusCode::OK);
    let items = dead["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{dead}");
    assert_eq!(
        (items[0]["outbox"].as_str(), items[0]["to"].as_str()),
        (Some("sms"), Some("•••••••99"))
    );
    assert_eq!(items[0]["attempts"], 1);
}
