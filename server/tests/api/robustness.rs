//! Bad input gets a clear 4xx and changes nothing; a restart loses nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn malformed_and_oversized_bodies_are_refused_clearly() {
    let svc = TestService::start().await;
    for body in [
        "{",
        "[]",
        r#"{"document": 5}"#,
        r#"{"document":"12345678Z","contrast":{"kind":"dni_validity","valid_until":"2030-02-30"}}"#,
    ] {
        let resp = svc
            .client
            .post(format!("{}/device/activation", svc.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let json: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(json["error"], "bad_request");
    }
    let unknown_field = json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" }, "admin": true });
    let (status, _) = svc.post("/device/activation", &unknown_field).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let huge = "x".repeat(200 * 1024);
    let resp = svc
        .client
        .post(format!("{}/device/activation", svc.url))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(json["error"], "body_too_large");

    let (status, resp) = svc.call(Method::GET, "/no/such/thing", None, None).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, resp) = svc.call(Method::GET, "/device/activation", None, None).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let (status, resp) =
        svc.call(Method::GET, "/operator/outbox/sms?after=x", None, Some(&svc.token)).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let lower = svc
        .client
        .get(format!("{}/operator/outbox/sms", svc.url))
        .header("authorization", format!("bearer {}", svc.token))
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK, "the auth scheme is case-insensitive");
    let extra = json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31", "x": 1 } });
    let (status, _) = svc.post("/device/activation", &extra).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown fields inside contrast data are refused");
    assert!(svc.sms_outbox().await.is_empty());
}

#[tokio::test]
async fn a_restart_loses_no_census_record_citizen_or_activation() {
    let svc = TestService::start().await;
    svc.load_census(vec![nie_census()]).await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let token = svc.token.clone();

    let svc = svc.restart().await;
    assert_eq!(svc.token, token, "the operator token survives");
    let (status, resp) = device.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["state"].as_str()), (StatusCode::OK, Some("active")));
    let mut reg = dni_claim();
    reg["mobile"] = json!("612345678");
    reg["email"] = json!("ana@example.es");
    let (status, _) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(status, StatusCode::CONFLICT, "the citizen is still registered");
    let nie = json!({ "document": NIE, "contrast": { "kind": "nie_support", "support": "E12345678" }, "mobile": "612000111", "email": "john@example.com" });
    let (status, _) = svc.operator_post("/operator/citizens", &nie).await;
    assert_eq!(status, StatusCode::CREATED, "the NIE census record survived");
}

#[tokio::test]
async fn a_lost_key_file_stops_the_service_instead_of_replacing_the_key() {
    let dir = tempfile::tempdir().unwrap();
    drop(clavepin_server::Service::open(clavepin_server::ServiceConfig::new(dir.path())).unwrap());
    std::fs::remove_file(dir.path().join("service.key")).unwrap();
    let err = clavepin_server::Service::open(clavepin_server::ServiceConfig::new(dir.path()))
        .unwrap_err();
    assert!(err.to_string().contains("restore service.key"), "{err}");
    assert!(!dir.path().join("service.key").exists());
}

#[tokio::test]
async fn serving_off_loopback_requires_tls() {
    let dir = tempfile::tempdir().unwrap();
    let service =
        clavepin_server::Service::open(clavepin_server::ServiceConfig::new(dir.path())).unwrap();
    let addr = "0.0.0.0:0".parse().unwrap();
    let err =
        clavepin_server::serve_on(service, addr, None, |_, _| {}, async {}).await.unwrap_err();
    assert!(matches!(err, clavepin_server::ListenError::TlsRequired(_)), "{err}");
}
