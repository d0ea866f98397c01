//! "Obtain PIN", its channels, the SMS fallback, "Access", and the throttling.

use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

fn id(resp: &Value) -> String {
    resp["request_id"].as_str().unwrap().to_owned()
}

async fn citizen_with_device() -> (TestService, TestDevice) {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    (svc, device)
}

#[tokio::test]
async fn a_pin_for_an_activated_citizen_goes_sealed_to_the_app_and_works_once() {
    let (svc, device) = citizen_with_device().await;
    device.register_push(&svc, "fcm", "fcm-token-1").await;
    let sms_before = svc.sms_outbox().await.len();
    let (status, created) = svc.obtain_pin(json!({ "code": "ab12" })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        (created["channel"].as_str(), created["code"].as_str()),
        (Some("app"), Some("AB12"))
    );
    assert_eq!(created["app_available"], true);
    let expires: chrono::DateTime<chrono::Utc> =
        created["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires - svc.clock_now(), TimeDelta::minutes(10));

    let pending = device.pull(&svc).await;
    assert_eq!(pending.len(), 1);
    let envelope = device.open(&pending[0]);
    assert_eq!(envelope.code.as_str(), "AB12");
    let pin = envelope.pin.expose().to_owned();

    let pushes = svc.push_outbox().await;
    assert_eq!(pushes.len(), 1);
    let data = &pushes[0]["payload"]["message"]["data"];
    assert_eq!(data["sealed"], pending[0]["sealed"]);
    assert_eq!(pushes[0]["payload"]["message"]["token"], "fcm-token-1");
    assert_eq!(svc.sms_outbox().await.len(), sms_before, "no SMS when the app gets it");

    let (status, granted) = svc.verify(&id(&created), "ab12", &pin.to_lowercase()).await;
    assert_eq!(status, StatusCode::OK, "{granted}");
    assert_eq!(
        (granted["document"].as_str(), granted["full_name"].as_str()),
        (Some(DNI), Some("Ana García López"))
    );
    let (status, resp) = svc.verify(&id(&created), "AB12", &pin).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_used")));
}

#[tokio::test]
async fn without_the_app_the_pin_goes_by_sms_and_request_again_replaces_it() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (status, first) = svc.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        (first["channel"].as_str(), first["app_available"].as_bool()),
        (Some("sms"), Some(false))
    );
    let code = first["code"].as_str().unwrap().to_owned();
    let (sms_code, first_pin) = svc.last_sms_pin().await;
    assert_eq!(sms_code, code);

    let (status, resp) = svc
        .post(&format!("/portal/pin-requests/{}/again", id(&first)), &json!({ "code": "ZZZZ" }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the code proves who asks: {resp}");
    let (status, second) = svc
        .post(&format!("/portal/pin-requests/{}/again", id(&first)), &json!({ "code": code }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["code"].as_str(), Some(code.as_str()));
    let (_, second_pin) = svc.last_sms_pin().await;

    let (status, resp) = svc.verify(&id(&first), &code, &first_pin).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_superseded")));
    // The replaced request cannot be renewed: that would revive it and kill the live one.
    let (status, resp) = svc
        .post(&format!("/portal/pin-requests/{}/again", id(&first)), &json!({ "code": code }))
        .await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_superseded")));
    let (status, _) = svc.verify(&id(&second), &code, &second_pin).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_citizen_chooses_the_channel_where_both_are_possible() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (status, resp) = svc.obtain_pin(json!({ "channel": "app" })).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::CONFLICT, Some("app_not_activated")));
    let device = TestDevice::activate(&svc).await;
    let (status, created) = svc.obtain_pin(json!({ "channel": "sms" })).await;
    assert_eq!((status, created["channel"].as_str()), (StatusCode::CREATED, Some("sms")));
    assert!(device.pull(&svc).await.is_empty(), "an SMS PIN is not pushed");
}

#[tokio::test]
async fn request_sms_sends_the_apps_pin_by_sms_once() {
    let (svc, device) = citizen_with_device().await;
    let (_, created) = svc.obtain_pin(json!({})).await;
    let pin = device.open(&device.pull(&svc).await[0]).pin.expose().to_owned();
    let path = format!("/portal/pin-requests/{}/sms", id(&created));
    let (status, resp) = svc.post(&path, &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    assert_eq!(resp["phone_hint"], "•••••••78");
    let (code, sms_pin) = svc.last_sms_pin().await;
    assert_eq!((code.as_str(), sms_pin), (created["code"].as_str().unwrap(), pin));
    let (status, resp) = svc.post(&path, &json!({})).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("sms_limit"))
    );
}

#[tokio::test]
async fn three_wrong_pins_kill_the_request_and_bad_input_counts_nothing() {
    let (svc, device) = citizen_with_device().await;
    let (_, created) = svc.obtain_pin(json!({ "code": "AB12" })).await;
    let pin = device.open(&device.pull(&svc).await[0]).pin.expose().to_owned();
    let wrong = if pin == "AAA" { "BBB" } else { "AAA" };

    for bad in ["O0O", "ab", ""] {
        let (status, resp) = svc.verify(&id(&created), "AB12", bad).await;
        assert_eq!(
            (status, resp["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_request")),
            "{bad}"
        );
    }
    let (status, _) =
        svc.post("/portal/pin-requests/nope/verify", &json!({ "code": "AB12", "pin": pin })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for left in [2, 1] {
        let (status, resp) = svc.verify(&id(&created), "AB12", wrong).await;
        assert_eq!(
            (status, resp["error"].as_str(), resp["tries_left"].as_u64()),
            (StatusCode::FORBIDDEN, Some("wrong_pin"), Some(left))
        );
    }
    // A wrong code with the right PIN is a wrong try too.
    let (status, resp) = svc.verify(&id(&created), "ZZ99", &pin).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_request_dead")));
    let (status, resp) = svc.verify(&id(&created), "AB12", &pin).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_request_dead")));
}

#[tokio::test]
async fn an_expired_pin_is_refused_and_the_device_sees_every_state() {
    let (svc, device) = citizen_with_device().await;
    let (_, first) = svc.obtain_pin(json!({})).await;
    let (_, second) = svc.obtain_pin(json!({})).await;
    let (_, third) = svc.obtain_pin(json!({})).await;
    let third_pin = device.open(device.pull(&svc).await.last().unwrap()).pin.expose().to_owned();
    svc.verify(&id(&third), third["code"].as_str().unwrap(), &third_pin).await;
    let (_, fourth) = svc.obtain_pin(json!({})).await;
    let fourth_pin = device.open(device.pull(&svc).await.last().unwrap()).pin.expose().to_owned();

    let states = |ids: Vec<String>| {
        let body = serde_json::to_vec(&json!({ "request_ids": ids })).unwrap();
        let device = &device;
        let svc = &svc;
        async move {
            let (status, resp) =
                device.request(svc, Method::POST, "/device/pins/states", &body).await;
            assert_eq!(status, StatusCode::OK, "{resp}");
            resp["states"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["state"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let ids = vec![id(&first), id(&second), id(&third), id(&fourth), "unknown".into()];
    assert_eq!(states(ids.clone()).await, ["superseded", "superseded", "used", "live"]);

    svc.clock.advance(TimeDelta::minutes(10));
    let (status, resp) =
        svc.verify(&id(&fourth), fourth["code"].as_str().unwrap(), &fourth_pin).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("pin_expired")));
    assert_eq!(states(ids).await, ["superseded", "superseded", "used", "expired"]);
    assert!(device.pull(&svc).await.is_empty(), "expired PINs are not pending");
}

#[tokio::test]
async fn at_most_five_pins_in_ten_minutes() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    for _ in 0..5 {
        let (status, _) = svc.obtain_pin(json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
        svc.clock.advance(TimeDelta::seconds(30));
    }
    let (status, resp) = svc.obtain_pin(json!({})).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_pins"))
    );
    // The oldest of the five was issued 150 s ago: 450 s until it leaves the window.
    assert_eq!(resp["retry_after_secs"], 450);
    assert_eq!(svc.sms_outbox().await.len(), 5, "no SMS for the refused request");
    svc.clock.advance(TimeDelta::minutes(8));
    let (status, _) = svc.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn consecutive_failures_make_the_citizen_wait_then_stop_at_one_hundred() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let mut failures = 0;
    let mut current: Option<(String, String)> = None;
    while failures < 100 {
        let (request, code) = match &current {
            Some(live) => live.clone(),
            None => {
                // Spread requests out so the push cap never binds.
                svc.clock.advance(TimeDelta::minutes(3));
                let (status, created) = svc.obtain_pin(json!({})).await;
                assert_eq!(status, StatusCode::CREATED, "after {failures} failures: {created}");
                (id(&created), created["code"].as_str().unwrap().to_owned())
            }
        };
        let (_, pin) = svc.last_sms_pin().await;
        let wrong = if pin == "AAA" { "BBB" } else { "AAA" };
        let (status, resp) = svc.verify(&request, &code, wrong).await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::GONE, "{resp}");
        failures += 1;
        current = (resp["error"] == "wrong_pin").then_some((request.clone(), code.clone()));
        if failures >= 10 {
            // Waiting is enforced: the next try is refused until the wait is over.
            let (status, resp) = svc.verify(&request, &code, &pin).await;
            if failures < 100 {
                assert_eq!(
                    (status, resp["error"].as_str()),
                    (StatusCode::TOO_MANY_REQUESTS, Some("throttled"))
                );
                let expected = match failures {
                    10 => 60,
                    11 => 300,
                    12 => 900,
                    _ => 3600,
                };
                assert_eq!(resp["retry_after_secs"], expected, "after {failures}");
                svc.clock.advance(TimeDelta::seconds(expected));
                if expected >= 600 {
                    current = None; // that PIN expired while waiting
                }
            } else {
                assert_eq!(
                    (status, resp["error"].as_str()),
                    (StatusCode::FORBIDDEN, Some("pins_locked"))
                );
            }
        }
    }
    let (status, resp) = svc.obtain_pin(json!({})).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::FORBIDDEN, Some("pins_locked")));

    // Re-activating the app lifts the stop.
    TestDevice::activate(&svc).await;
    let (status, resp) = svc.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
}

#[tokio::test]
async fn an_operator_unlocks_a_citizen() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (status, _) =
        svc.operator_post(&format!("/operator/citizens/{DNI}/unlock"), &json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) =
        svc.call(Method::POST, &format!("/operator/citizens/{DNI}/unlock"), None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, resp) = svc.operator_post("/operator/citizens/87654321X/unlock", &json!({})).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::FORBIDDEN, Some("not_registered")));
}

#[tokio::test]
async fn custom_codes_are_checked() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    for bad in ["AB-1", "ABC", "ABCDE", "AÑ12"] {
        let (status, _) = svc.obtain_pin(json!({ "code": bad })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert!(svc.sms_outbox().await.is_empty());
}

#[tokio::test]
async fn a_restart_loses_no_live_request_and_no_undelivered_pin() {
    let (svc, device) = citizen_with_device().await;
    let (_, created) = svc.obtain_pin(json!({ "code": "KEEP" })).await;
    let svc = svc.restart().await;
    let pending = device.pull(&svc).await;
    assert_eq!(pending.len(), 1);
    let envelope = device.open(&pending[0]);
    let (status, _) = svc.verify(&id(&created), "KEEP", envelope.pin.expose()).await;
    assert_eq!(status, StatusCode::OK);
}
