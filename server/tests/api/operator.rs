//! The operator API: census and office registration, behind the bearer token.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn the_operator_api_needs_the_token_from_the_data_folder() {
    let svc = TestService::start().await;
    let body = json!({ "records": [dni_census()] });
    for token in [None, Some("wrong-token")] {
        let (status, resp) = svc.call(Method::POST, "/operator/census", Some(&body), token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(resp["error"], "unauthorized");
    }
    let (status, _) = svc.call(Method::GET, "/operator/outbox/sms", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, resp) = svc.operator_post("/operator/census", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resp["loaded"], 1);
}

#[tokio::test]
async fn an_office_registers_a_citizen_whose_contrast_data_matches_the_census() {
    let svc = TestService::start().await;
    let mut reg = dni_claim();
    reg["mobile"] = json!("612345678");
    reg["email"] = json!("ana@example.es");

    let (status, resp) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_in_census")));

    svc.load_census(vec![dni_census(), nie_census()]).await;
    let mut wrong = reg.clone();
    wrong["contrast"]["valid_until"] = json!("2031-01-31");
    let (status, resp) = svc.operator_post("/operator/citizens", &wrong).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("contrast_data_mismatch"))
    );

    let mut bad_phone = reg.clone();
    bad_phone["mobile"] = json!("912345678");
    let (status, resp) = svc.operator_post("/operator/citizens", &bad_phone).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(resp["message"].as_str().unwrap().contains("mobile"));

    let (status, resp) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
    assert_eq!(resp["channel"], "office");
    let (status, resp) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_registered"))
    );
}

#[tokio::test]
async fn census_records_are_checked_and_a_bad_batch_changes_nothing() {
    let svc = TestService::start().await;
    let mut mismatched = nie_census();
    mismatched["contrast"] = json!({ "kind": "dni_validity", "valid_until": "2030-01-31" });
    let (status, resp) = svc
        .operator_post("/operator/census", &json!({ "records": [dni_census(), mismatched] }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{resp}");

    let mut bad_letter = dni_census();
    bad_letter["document"] = json!("12345678A");
    let (status, resp) =
        svc.operator_post("/operator/census", &json!({ "records": [bad_letter] })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(resp["message"].as_str().unwrap().contains("control letter"), "{resp}");

    // The valid first record of the refused batch was not kept.
    let mut reg = dni_claim();
    reg["mobile"] = json!("612345678");
    reg["email"] = json!("ana@example.es");
    let (status, _) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_operator_api_answers_only_on_its_own_listener_whose_address_is_kept_private() {
    let svc = TestService::start().await;
    let resp = svc
        .client
        .get(format!("{}/operator/census", svc.url))
        .bearer_auth(&svc.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "the public address takes no operator token");
    let (status, _) = svc.operator_get("/operator/census").await;
    assert_eq!(status, StatusCode::OK);
    // Portal and device routes are not on the operator's listener either.
    let resp = svc.client.get(format!("{}/", svc.operator_url)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let file = svc.service.data_dir().join(clavepin_server::OPERATOR_ADDRESS_FILE);
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), svc.operator_url);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_census_load_changes_a_registered_citizens_contrast_data_only_when_told_to() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let mut renewed = dni_census();
    renewed["contrast"]["valid_until"] = json!("2035-06-30");
    let (status, body) =
        svc.operator_post("/operator/census", &json!({ "records": [nie_census(), renewed] })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "registered_citizen_changed");
    assert!(body["message"].as_str().unwrap().contains("change_registered"), "{body}");
    // Nothing of the batch was loaded: the old date still works, the NIE is unknown.
    let (_, census) = svc.operator_get("/operator/census").await;
    assert_eq!(census["items"].as_array().unwrap().len(), 1);
    let (status, _) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED);
    // Said explicitly, it goes through, and the audit log says so.
    let load = json!({ "records": [renewed], "change_registered": true });
    let (status, body) = svc.operator_post("/operator/census", &load).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, audit) = svc.operator_get("/operator/audit").await;
    let actions: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["document"].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("census_loaded", None),
            ("citizen_registered", Some(DNI)),
            ("census_loaded", None),
            ("registered_citizen_changed", Some(DNI)),
        ],
        "the refused load left no trace but its refusal"
    );
    assert_eq!(audit["items"][0]["client"], "127.0.0.1");
    // Unlocks and cleared limits are recorded too.
    let (status, _) =
        svc.operator_post(&format!("/operator/citizens/{DNI}/unlock"), &json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, audit) = svc.operator_get("/operator/audit?after=4").await;
    assert_eq!(audit["items"][0]["action"], "pins_unlocked");
}

/// The exposition as text, from the operator listener.
async fn metrics(svc: &TestService) -> String {
    let resp =
        reqwest::Client::new().get(format!("{}/metrics", svc.operator_url)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4")
    );
    resp.text().await.unwrap()
}

/// The value of one sample line, 0 if absent.
fn sample(text: &str, line: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(line).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_requests_pins_and_deliveries_by_route_never_by_what_was_typed() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (status, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["request_id"].as_str().unwrap();
    let code = created["code"].as_str().unwrap();
    svc.service.deliver().await.unwrap();
    let (_, pin) = svc.last_sms_pin().await;
    let wrong = if pin == "AAA" { "BBB" } else { "AAA" };
    assert_eq!(svc.verify(id, code, wrong).await.0, StatusCode::FORBIDDEN);
    assert_eq!(svc.verify(id, code, &pin).await.0, StatusCode::OK);
    let text = metrics(&svc).await;
    let verify = "clavepin_http_requests_total{listener=\"public\",route=\"/portal/pin-requests/{id}/verify\"";
    assert_eq!(sample(&text, &format!("{verify},status=\"200\"}}")), 1.0, "{text}");
    assert_eq!(sample(&text, &format!("{verify},status=\"403\"}}")), 1.0);
    assert_eq!(sample(&text, "clavepin_pins_issued_total{channel=\"sms\"}"), 1.0);
    assert_eq!(sample(&text, "clavepin_pins_verified_total{outcome=\"granted\"}"), 1.0);
    assert_eq!(sample(&text, "clavepin_pins_verified_total{outcome=\"wrong_pin\"}"), 1.0);
    assert!(sample(&text, "clavepin_deliveries_total{channel=\"sms\",outcome=\"taken\"}") >= 1.0);
    assert_eq!(sample(&text, "clavepin_outbox_messages{outbox=\"sms\",state=\"waiting\"}"), 0.0);
    assert!(text.contains("clavepin_http_request_duration_seconds_bucket"), "{text}");
    for secret in [id, code, pin.as_str(), "12345678Z"] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
    // Only the operator listener has them.
    let public = reqwest::get(format!("{}/metrics", svc.url)).await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ready_says_whether_the_database_answers() {
    let svc = TestService::start().await;
    for base in [&svc.url, &svc.operator_url] {
        let resp = reqwest::get(format!("{base}/ready")).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["status"], "ready");
    }
}
