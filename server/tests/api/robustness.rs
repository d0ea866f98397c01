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
    let (status, resp) =
        svc.call(Method::GET, "/operator/outbox/sms?after=x", None, Some(&svc.token)).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let lower = svc
        .client
        .get(format!("{}/operator/outbox/sms", svc.operator_url))
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
    let loopback = "127.0.0.1:0".parse().unwrap();
    let anywhere = "0.0.0.0:0".parse().unwrap();
    for (public, operator) in [(anywhere, loopback), (loopback, anywhere)] {
        let addresses = clavepin_server::Addresses { public, operator };
        let err = clavepin_server::serve_on(service.clone(), addresses, None, |_| {}, async {})
            .await
            .unwrap_err();
        assert!(matches!(err, clavepin_server::ListenError::TlsRequired(_)), "{err}");
    }
}

#[tokio::test]
async fn off_loopback_the_service_speaks_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    // A throwaway self-signed certificate (Debian's openssl, as CI has it).
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is needed to make a test certificate");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let service = clavepin_server::Service::open(clavepin_server::ServiceConfig::new(
        dir.path().join("data"),
    ))
    .unwrap();
    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let tls = clavepin_server::TlsFiles { cert, key };
    let loopback = "127.0.0.1:0".parse().unwrap();
    let served = tokio::spawn(clavepin_server::serve_on(
        service,
        clavepin_server::Addresses { public: loopback, operator: loopback },
        Some(tls),
        move |bound| {
            let _ = bound_tx.send((bound.public, bound.tls));
        },
        async {
            let _ = stopped.await;
        },
    ));
    let (addr, tls) = bound_rx.await.unwrap();
    assert!(tls);
    let client = reqwest::Client::builder().tls_danger_accept_invalid_certs(true).build().unwrap();
    let resp =
        client.get(format!("https://localhost:{}/health", addr.port())).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        client.get(format!("http://localhost:{}/health", addr.port())).send().await.is_err(),
        "no plain HTTP on a TLS port"
    );
    let _ = stop.send(());
    served.await.unwrap().unwrap();
}

#[tokio::test]
async fn json_endpoints_refuse_what_a_cross_site_form_can_send() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let body = dni_claim().to_string();
    // The three types a page on another site can post without a preflight.
    for content_type in
        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
    {
        for path in ["/device/activation", "/portal/pin-requests", "/registration/invitation"] {
            let resp = svc
                .client
                .post(format!("{}{path}", svc.url))
                .header("content-type", content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type} {path}");
            let json: serde_json::Value = resp.json().await.unwrap();
            assert_eq!(json["error"], "unsupported_media_type");
        }
    }
    // No type at all, with a body, is refused too; JSON with a charset is JSON.
    let resp = svc.client.post(format!("{}/device/activation", svc.url)).body(body.clone());
    assert_eq!(resp.send().await.unwrap().status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let resp = svc
        .client
        .post(format!("{}/device/activation", svc.url))
        .header("content-type", "Application/JSON; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_wrong_method_is_405_and_every_429_says_when_to_come_back() {
    let svc = TestService::start().await;
    let (status, body) = svc.call(Method::GET, "/device/activation", None, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(body["error"], "method_not_allowed");
    svc.registered_citizen().await;
    let mut wrong = dni_claim();
    wrong["contrast"]["valid_until"] = json!("2031-01-31");
    let mut last = None;
    for _ in 0..10 {
        let resp = svc
            .client
            .post(format!("{}/device/activation", svc.url))
            .json(&wrong)
            .send()
            .await
            .unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            last = Some(resp);
            break;
        }
    }
    let resp = last.expect("wrong claims are never throttled");
    let header: i64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let json: serde_json::Value = resp.json().await.unwrap();
    assert!(header > 0);
    assert_eq!(json["retry_after_secs"], header);
}

#[cfg(unix)]
#[tokio::test]
async fn no_file_in_the_data_folder_is_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let open_to_others = |data: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(data)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.metadata().unwrap().permissions().mode() & 0o077 != 0)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let clock = std::sync::Arc::new(clavepin_protocol::ManualClock::new(
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
    ));
    let svc = TestService::start_in(&data, clock).await;
    svc.registered_citizen().await;
    let files: Vec<_> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().file_name()).collect();
    let on_sqlite = crate::postgres::database_for(&data).is_none();
    let expected: &[&str] = if on_sqlite {
        &["clavepin.db", "clavepin.db-wal", "clavepin.db-shm", "service.lock", "service.key"]
    } else {
        &["service.lock", "service.key", "operator.token"]
    };
    for expected in expected {
        assert!(files.iter().any(|f| f == expected), "{expected} missing: {files:?}");
    }
    assert_eq!(open_to_others(&data), Vec::<String>::new());
    // A file a copy or an older version left readable is closed at the next start.
    let loosened = if on_sqlite { "clavepin.db" } else { "service.key" };
    std::fs::set_permissions(data.join(loosened), std::fs::Permissions::from_mode(0o644)).unwrap();
    let svc = svc.restart().await;
    assert_eq!(open_to_others(&data), Vec::<String>::new());
    drop(svc);
}
