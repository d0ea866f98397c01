//! The citizen in control: "this wasn't me", the push cap counted since the last
//! sign-in, and what the service keeps of the devices and of the citizen's activity.

use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

fn id(resp: &Value) -> String {
    resp["request_id"].as_str().unwrap().to_owned()
}

async fn not_me(svc: &TestService, device: &TestDevice, request_id: &str) -> (StatusCode, Value) {
    device.request(svc, Method::POST, &format!("/device/pins/{request_id}/not-me"), b"").await
}

#[tokio::test]
async fn the_push_cap_counts_since_the_last_sign_in() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    for _ in 0..4 {
        let (status, _) = svc.obtain_pin(json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // The fifth is used: the citizen got in, and the four before no longer count.
    let (_, created) = svc.obtain_pin(json!({})).await;
    let (code, pin) = svc.last_sms_pin().await;
    let (status, _) = svc.verify(&id(&created), &code, &pin).await;
    assert_eq!(status, StatusCode::OK);
    svc.clock.advance(TimeDelta::seconds(5));
    for n in 0..5 {
        let (status, resp) = svc.obtain_pin(json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "request {n} after the sign-in: {resp}");
    }
    let (status, resp) = svc.obtain_pin(json!({})).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_pins")),
        "five since the sign-in are the cap"
    );
}

#[tokio::test]
async fn a_new_pin_never_resets_the_failure_count() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    // Two wrong PINs on each of five requests: each new request starts with its own
    // three tries, but the citizen's count goes on, and the tenth makes them wait.
    for n in 0..5 {
        if n > 0 {
            svc.clock.advance(TimeDelta::seconds(20));
        }
        let (_, created) = svc.obtain_pin(json!({})).await;
        let (code, pin) = svc.last_sms_pin().await;
        for _ in 0..2 {
            let (status, _) = svc.verify(&id(&created), &code, &wrong(&pin)).await;
            assert!(status.is_client_error());
        }
    }
    let (status, resp) = svc.obtain_pin(json!({})).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("throttled"))
    );
}

fn wrong(pin: &str) -> String {
    ["ABC", "XYZ"].into_iter().find(|p| !p.eq_ignore_ascii_case(pin)).unwrap().to_owned()
}

#[tokio::test]
async fn this_wasnt_me_kills_the_pin_holds_pushes_and_is_reported() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    device.register_push(&svc, "fcm", "fcm-token-1").await;
    let (_, created) = svc.obtain_pin(json!({ "code": "ab12" })).await;
    assert_eq!(created["channel"], "app");
    let pin = device.open(&device.pull(&svc).await[0]).pin.expose().to_owned();

    let (status, recorded) = not_me(&svc, &device, &id(&created)).await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    let held: chrono::DateTime<chrono::Utc> =
        recorded["pushes_held_until"].as_str().unwrap().parse().unwrap();
    assert_eq!(held - svc.clock_now(), TimeDelta::minutes(20));
    // Whoever asked for it cannot use it, even with the right PIN.
    let (status, resp) = svc.verify(&id(&created), "AB12", &pin).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_request_dead")));
    // Said again (an answer lost on the way): the same answer, the hold not moved on.
    svc.clock.advance(TimeDelta::minutes(1));
    let (status, again) = not_me(&svc, &device, &id(&created)).await;
    assert_eq!((status, &again), (StatusCode::OK, &recorded));

    // Meanwhile PINs go by SMS, even to a citizen who asks for the app.
    let pushes = svc.push_outbox().await.len();
    let (status, created) = svc.obtain_pin(json!({ "channel": "app" })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["channel"], "sms");
    assert_eq!(svc.push_outbox().await.len(), pushes, "nothing pushed");
    assert!(device.pull(&svc).await.is_empty(), "nothing for the app to pull either");
    let (code, pin) = svc.last_sms_pin().await;
    let (status, _) = svc.verify(&id(&created), &code, &pin).await;
    assert_eq!(status, StatusCode::OK, "SMS still works");
    // After the hold, the app again.
    svc.clock.advance(TimeDelta::minutes(20));
    let (_, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(created["channel"], "app");

    let (status, listed) = svc.operator_get("/operator/reports").await;
    assert_eq!(status, StatusCode::OK);
    let reports = listed["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "one report, however often it was said: {listed}");
    assert_eq!(
        (reports[0]["document"].as_str(), reports[0]["channel"].as_str()),
        (Some(DNI), Some("app"))
    );
    let after = reports[0]["id"].as_i64().unwrap();
    let (_, listed) = svc.operator_get(&format!("/operator/reports?after={after}")).await;
    assert_eq!(listed["reports"], json!([]));
}

#[tokio::test]
async fn a_device_reports_only_the_pins_pushed_to_it() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (_, by_sms) = svc.obtain_pin(json!({})).await;
    assert_eq!(by_sms["channel"], "sms");
    let device = TestDevice::activate(&svc).await;
    let (status, resp) = not_me(&svc, &device, &id(&by_sms)).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_pin_request"))
    );
    let (status, resp) = not_me(&svc, &device, "no-such-request").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{resp}");
    // Nothing was held or recorded.
    let (_, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(created["channel"], "app");
    let (_, listed) = svc.operator_get("/operator/reports").await;
    assert_eq!(listed["reports"], json!([]));
    // And a removed device reports nothing.
    let (status, _) = device.request(&svc, Method::DELETE, "/device", b"").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, resp) = not_me(&svc, &device, &id(&created)).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("device_removed")));
}

#[tokio::test]
async fn a_device_name_that_is_not_one_is_refused_before_the_code_counts() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (_, started) = svc.post("/device/activation", &dni_claim()).await;
    let activation = started["activation_id"].as_str().unwrap().to_owned();
    let code = svc.last_sms_code().await;
    for name in [json!(""), json!("bell\u{7}"), json!("x".repeat(65)), json!(7)] {
        let body = json!({
            "code": code, "signing_key": "k", "agreement_share": "s", "proof": "p",
            "device_name": name,
        });
        let (status, resp) =
            svc.post(&format!("/device/activation/{activation}/complete"), &body).await;
        assert_eq!(
            (status, resp["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_request")),
            "{name}"
        );
    }
    // The code is still good: none of those counted a try.
    let (device, status, resp) = TestDevice::complete(&svc, &activation, &code).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    assert!(device.is_some());
}

async fn email_outbox(svc: &TestService) -> Vec<Value> {
    let (status, body) = svc.operator_get("/operator/outbox/email").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_new_binding_is_told_by_sms_and_by_email() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    // Bound but not confirmed (the app died before storing its keys): nothing yet.
    let _bound = TestDevice::bind(&svc).await;
    assert!(email_outbox(&svc).await.is_empty());
    let _first = TestDevice::activate(&svc).await;
    let sms = svc.sms_outbox().await;
    let notice = sms.last().unwrap()["text"].as_str().unwrap().to_owned();
    assert!(notice.contains("dispositivo nuevo (Ana's phone (Pixel 8))"), "{notice}");
    assert!(notice.contains("060") && !notice.contains("ya no recibe"), "{notice}");
    let emails = email_outbox(&svc).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0]["to"], "ana@example.es");
    assert!(emails[0]["subject"].as_str().unwrap().contains("nuevo dispositivo"));
    let text = emails[0]["text"].as_str().unwrap();
    assert!(text.contains("Ana's phone (Pixel 8)") && text.contains("If it was not you"), "{text}");

    // A second phone replaces the first: both notices say the old one stopped.
    let second = TestDevice::activate(&svc).await;
    let notice = svc.sms_outbox().await.last().unwrap()["text"].as_str().unwrap().to_owned();
    assert!(notice.contains("El anterior ya no recibe PIN"), "{notice}");
    let emails = email_outbox(&svc).await;
    assert_eq!(emails.len(), 2);
    assert!(emails[1]["text"].as_str().unwrap().contains("no longer receives your PINs"));
    // The notices are the activation's, not a request's: signing again sends none.
    let (status, _) = second.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(email_outbox(&svc).await.len(), 2);
}
