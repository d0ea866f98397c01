//! Approving a sign-in in the app: the code from the log-in page carried into the
//! app, the citizen's answer, the sign-in made once, and everything that ends an
//! approval (a refusal, "this wasn't me", wrong codes, a newer request, the clock).

use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

async fn start(svc: &TestService) -> (String, String) {
    let (status, started) = svc.post("/portal/approvals", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let code = started["code"].as_str().unwrap().to_owned();
    let link = started["link"].as_str().unwrap();
    assert_eq!(link, format!("{}/approve?code={code}", link.split("/approve").next().unwrap()));
    (started["approval_id"].as_str().unwrap().to_owned(), code)
}

async fn state(svc: &TestService, id: &str) -> String {
    let (status, body) =
        svc.call(Method::GET, &format!("/portal/approvals/{id}"), None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["state"].as_str().unwrap().to_owned()
}

async fn complete(svc: &TestService, id: &str) -> (StatusCode, Value) {
    svc.post(&format!("/portal/approvals/{id}/complete"), &json!({})).await
}

async fn look_up(svc: &TestService, device: &TestDevice, code: &str) -> (StatusCode, Value) {
    let body = serde_json::to_vec(&json!({ "code": code })).unwrap();
    device.request(svc, Method::POST, "/device/approvals/look-up", &body).await
}

async fn decide(
    svc: &TestService,
    device: &TestDevice,
    code: &str,
    decision: &str,
) -> (StatusCode, Value) {
    let body = serde_json::to_vec(&json!({ "code": code, "decision": decision })).unwrap();
    device.request(svc, Method::POST, "/device/approvals/decide", &body).await
}

fn refused(answer: &(StatusCode, Value)) -> (StatusCode, Option<&str>) {
    (answer.0, answer.1["error"].as_str())
}

const UNKNOWN: (StatusCode, Option<&str>) = (StatusCode::NOT_FOUND, Some("unknown_approval"));

#[tokio::test]
async fn an_approval_signs_in_once_and_ends_the_live_pin() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let (_, pin_request) = svc.obtain_pin(json!({ "code": "AB12" })).await;
    let pin = device.open(&device.pull(&svc).await[0]).pin.expose().to_owned();

    let (id, code) = start(&svc).await;
    assert_eq!(code.len(), 8);
    // One live way in at a time: the PIN asked for before is gone.
    let pin_id = pin_request["request_id"].as_str().unwrap();
    let answer = svc.verify(pin_id, "AB12", &pin).await;
    assert_eq!(refused(&answer), (StatusCode::GONE, Some("pin_superseded")));
    assert_eq!(state(&svc, &id).await, "pending");
    assert_eq!(
        refused(&complete(&svc, &id).await),
        (StatusCode::CONFLICT, Some("approval_pending"))
    );

    // The app reads who asks (typed with a dash, in lower case: the same code).
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let (status, asked) = look_up(&svc, &device, &typed).await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert_eq!(asked["site"], Value::Null, "the portal itself asks");
    let expires: chrono::DateTime<chrono::Utc> =
        asked["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires - svc.clock_now(), TimeDelta::minutes(5));

    let approved = decide(&svc, &device, &code, "approve").await;
    assert_eq!(
        approved,
        (StatusCode::OK, json!({ "decision": "approve", "pushes_held_until": null }))
    );
    // Said again (the answer lost on the way): the same answer.
    assert_eq!(decide(&svc, &device, &code, "approve").await, approved);
    // But not another answer to the same approval.
    assert_eq!(refused(&decide(&svc, &device, &code, "refuse").await), UNKNOWN);
    assert_eq!(state(&svc, &id).await, "approved");

    let (status, granted) = complete(&svc, &id).await;
    assert_eq!(status, StatusCode::OK, "{granted}");
    assert_eq!(
        (granted["document"].as_str(), granted["full_name"].as_str()),
        (Some(DNI), Some("Ana García López"))
    );
    // Once only.
    assert_eq!(refused(&complete(&svc, &id).await), UNKNOWN);
    assert_eq!(state(&svc, &id).await, "ended");
    assert_eq!(decide(&svc, &device, &code, "approve").await, approved, "still the same answer");

    // The sign-in counts as one: the push cap starts again after it.
    for n in 0..5 {
        svc.clock.advance(TimeDelta::seconds(1));
        let (status, resp) = svc.obtain_pin(json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "request {n}: {resp}");
    }
}

#[tokio::test]
async fn wrong_codes_count_and_the_fifth_ends_the_approval() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let (id, code) = start(&svc).await;
    let wrong = if code.starts_with('A') { "BBBBBBBB" } else { "AAAAAAAA" };
    for _ in 0..4 {
        assert_eq!(refused(&look_up(&svc, &device, wrong).await), UNKNOWN);
    }
    let (status, _) = look_up(&svc, &device, &code).await;
    assert_eq!(status, StatusCode::OK, "four wrong codes leave it pending");
    assert_eq!(refused(&decide(&svc, &device, wrong, "approve").await), UNKNOWN);
    // The fifth wrong code ended it: the right one no longer approves anything.
    assert_eq!(refused(&decide(&svc, &device, &code, "approve").await), UNKNOWN);
    assert_eq!(state(&svc, &id).await, "ended");
    // Not a code at all: refused before anything is looked up.
    let answer = look_up(&svc, &device, "0000").await;
    assert_eq!(refused(&answer), (StatusCode::BAD_REQUEST, Some("bad_request")));
}

#[tokio::test]
async fn refusing_ends_it_and_this_wasnt_me_also_holds_pushes() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let (id, code) = start(&svc).await;
    let answer = decide(&svc, &device, &code, "refuse").await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    assert_eq!(state(&svc, &id).await, "ended");
    assert_eq!(refused(&complete(&svc, &id).await), UNKNOWN);
    // Nothing held after a plain refusal.
    let (_, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(created["channel"], "app");

    let (id, code) = start(&svc).await;
    let (status, reported) = decide(&svc, &device, &code, "not_me").await;
    assert_eq!(status, StatusCode::OK, "{reported}");
    let held: chrono::DateTime<chrono::Utc> =
        reported["pushes_held_until"].as_str().unwrap().parse().unwrap();
    assert_eq!(held - svc.clock_now(), TimeDelta::minutes(20));
    assert_eq!(state(&svc, &id).await, "ended");
    let (_, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(created["channel"], "sms", "pushes are held");
    let (_, listed) = svc.operator_get("/operator/reports").await;
    let reports = listed["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "{listed}");
    assert_eq!(
        (reports[0]["document"].as_str(), reports[0]["channel"].as_str()),
        (Some(DNI), Some("approval"))
    );
}

#[tokio::test]
async fn one_pending_approval_per_citizen_and_five_minutes_each() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let (first, first_code) = start(&svc).await;
    let (second, second_code) = start(&svc).await;
    assert_eq!(state(&svc, &first).await, "ended", "the newer one replaced it");
    assert_eq!(refused(&look_up(&svc, &device, &first_code).await), UNKNOWN);
    assert_eq!(look_up(&svc, &device, &second_code).await.0, StatusCode::OK);
    // A PIN asked for meanwhile ends the approval too.
    let (_, _) = svc.obtain_pin(json!({})).await;
    assert_eq!(state(&svc, &second).await, "ended");
    assert_eq!(refused(&decide(&svc, &device, &second_code, "approve").await), UNKNOWN);

    let (third, third_code) = start(&svc).await;
    svc.clock.advance(TimeDelta::minutes(5));
    assert_eq!(state(&svc, &third).await, "expired");
    assert_eq!(refused(&decide(&svc, &device, &third_code, "approve").await), UNKNOWN);
    assert_eq!(refused(&complete(&svc, &third).await), UNKNOWN);
}

#[tokio::test]
async fn only_the_active_device_of_a_citizen_with_one_can_approve() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let answer = svc.post("/portal/approvals", &dni_claim()).await;
    assert_eq!(refused(&answer), (StatusCode::CONFLICT, Some("app_not_activated")));
    let old = TestDevice::activate(&svc).await;
    let new = TestDevice::activate(&svc).await;
    let (id, code) = start(&svc).await;
    let answer = decide(&svc, &old, &code, "approve").await;
    assert_eq!(refused(&answer), (StatusCode::GONE, Some("device_replaced")));
    assert_eq!(state(&svc, &id).await, "pending", "the replaced phone changed nothing");
    assert_eq!(decide(&svc, &new, &code, "approve").await.0, StatusCode::OK);
    // Wrong contrast data starts nothing, and counts as a failed claim.
    let mut claim = dni_claim();
    claim["contrast"]["valid_until"] = json!("2031-01-31");
    let answer = svc.post("/portal/approvals", &claim).await;
    assert_eq!(refused(&answer), (StatusCode::FORBIDDEN, Some("contrast_data_mismatch")));
}

#[tokio::test]
async fn the_apps_named_for_the_links_are_published_for_their_platforms() {
    let none = TestService::start().await;
    for path in ["/.well-known/assetlinks.json", "/.well-known/apple-app-site-association"] {
        let (status, _) = none.call(Method::GET, path, None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} without apps");
    }
    let fingerprint = (0..32).map(|i| format!("{i:02X}")).collect::<Vec<_>>().join(":");
    let links = clavepin_server::AppLinks::default()
        .with_android(&format!("es.clavepin.app:{fingerprint}"))
        .and_then(|l| l.with_ios("A1B2C3D4E5.es.clavepin.app"))
        .unwrap();
    let svc = TestService::start_with(|c| c.with_app_links(links)).await;
    let (status, android) = svc.call(Method::GET, "/.well-known/assetlinks.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        android,
        json!([{
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": { "namespace": "android_app", "package_name": "es.clavepin.app",
                        "sha256_cert_fingerprints": [fingerprint] },
        }])
    );
    let (status, apple) =
        svc.call(Method::GET, "/.well-known/apple-app-site-association", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        apple["applinks"]["details"],
        json!([{ "appIDs": ["A1B2C3D4E5.es.clavepin.app"], "components": [{ "/": "/approve" }] }])
    );
}

#[tokio::test]
async fn starting_approvals_is_capped_and_throttled_as_pins_are() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let _device = TestDevice::activate(&svc).await;
    for _ in 0..5 {
        start(&svc).await;
    }
    let answer = svc.post("/portal/approvals", &dni_claim()).await;
    assert_eq!(refused(&answer), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_pins")));
    assert!(answer.1["retry_after_secs"].as_i64().unwrap() > 0);

    // A citizen made to wait after wrong PINs does not get in this way meanwhile.
    svc.clock.advance(TimeDelta::minutes(11));
    for _ in 0..4 {
        svc.clock.advance(TimeDelta::seconds(30));
        let (_, created) = svc.obtain_pin(json!({ "channel": "sms" })).await;
        let id = created["request_id"].as_str().unwrap().to_owned();
        let (code, pin) = svc.last_sms_pin().await;
        let wrong = ["ABC", "XYZ"].into_iter().find(|p| !p.eq_ignore_ascii_case(&pin)).unwrap();
        for _ in 0..3 {
            svc.verify(&id, &code, wrong).await;
        }
    }
    let answer = svc.post("/portal/approvals", &dni_claim()).await;
    assert_eq!(
        refused(&answer),
        (StatusCode::TOO_MANY_REQUESTS, Some("throttled")),
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn an_approval_not_yet_used_can_still_be_withdrawn() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    // Approved by mistake: "this wasn't me" withdraws it while the page has not used it.
    let (id, code) = start(&svc).await;
    assert_eq!(decide(&svc, &device, &code, "approve").await.0, StatusCode::OK);
    let (status, reported) = decide(&svc, &device, &code, "not_me").await;
    assert_eq!(status, StatusCode::OK, "{reported}");
    assert!(reported["pushes_held_until"].is_string());
    assert_eq!(refused(&complete(&svc, &id).await), UNKNOWN);

    // A PIN asked for after approving ends the approval too.
    svc.clock.advance(TimeDelta::minutes(21));
    let (id, code) = start(&svc).await;
    assert_eq!(decide(&svc, &device, &code, "approve").await.0, StatusCode::OK);
    svc.obtain_pin(json!({})).await;
    assert_eq!(refused(&complete(&svc, &id).await), UNKNOWN);

    // And so does another phone activated meanwhile: the old one's approval is void.
    let (id, code) = start(&svc).await;
    assert_eq!(decide(&svc, &device, &code, "approve").await.0, StatusCode::OK);
    let _new = TestDevice::activate(&svc).await;
    assert_eq!(refused(&complete(&svc, &id).await), UNKNOWN);
}
