//! Device activation: contrast data, the SMS code, the keys, replacement.

use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

async fn start(svc: &TestService) -> String {
    let (status, started) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    started["activation_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_device_is_bound_with_the_sms_code_and_can_sign_requests() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (status, started) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    assert_eq!(started["phone_hint"], "•••••••78");
    let sms = svc.sms_outbox().await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0]["to"], "+34612345678");

    let id = started["activation_id"].as_str().unwrap();
    let code = svc.last_sms_code().await;
    let (device, status, resp) = TestDevice::complete(&svc, id, &code).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    assert_eq!(resp["document"], DNI);
    let device = device.unwrap();
    let (status, resp) = device.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    assert_eq!(resp["state"], "active");

    // The code worked once; the attempt is over.
    let (_, status, resp) = TestDevice::complete(&svc, id, &code).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_activation"))
    );
}

#[tokio::test]
async fn wrong_codes_count_and_the_third_kills_the_attempt() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let id = start(&svc).await;
    let right = svc.last_sms_code().await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for left in [2, 1] {
        let (_, status, resp) = TestDevice::complete(&svc, &id, wrong).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            (resp["error"].as_str(), resp["tries_left"].as_u64()),
            (Some("wrong_code"), Some(left))
        );
    }
    let (_, status, resp) = TestDevice::complete(&svc, &id, wrong).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("code_exhausted")));
    let (_, status, _) = TestDevice::complete(&svc, &id, &right).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "even the right code is too late now");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let id = start(&svc).await;
    let code = svc.last_sms_code().await;
    svc.clock.advance(TimeDelta::minutes(10));
    let (_, status, resp) = TestDevice::complete(&svc, &id, &code).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("code_expired")));
}

#[tokio::test]
async fn at_most_three_codes_an_hour_and_a_new_code_supersedes_the_old() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let first = start(&svc).await;
    let first_code = svc.last_sms_code().await;
    svc.clock.advance(TimeDelta::minutes(1));
    start(&svc).await;
    let (_, status, _) = TestDevice::complete(&svc, &first, &first_code).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the newer code superseded the first");
    start(&svc).await;
    let (status, resp) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_codes"))
    );
    assert_eq!(svc.sms_outbox().await.len(), 3, "no SMS for the refused request");
    // An hour after the first code, one more is allowed.
    svc.clock.advance(TimeDelta::minutes(59));
    start(&svc).await;
}

#[tokio::test]
async fn codes_have_a_ceiling_per_day_and_per_month_too() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let mut sent_by_day = Vec::new();
    // Three an hour, every hour, for a month and a day, would be 2,232 codes.
    for _day in 0..31 {
        let mut sent = 0;
        for _hour in 0..24 {
            for _ in 0..3 {
                let (status, resp) = svc.post("/device/activation", &dni_claim()).await;
                match status {
                    StatusCode::CREATED => sent += 1,
                    StatusCode::TOO_MANY_REQUESTS => {
                        assert_eq!(resp["error"], "too_many_codes");
                        assert!(resp["retry_after_secs"].as_i64().unwrap() > 0);
                    }
                    _ => panic!("{status} {resp}"),
                }
            }
            svc.clock.advance(TimeDelta::hours(1));
        }
        sent_by_day.push(sent);
    }
    assert!(sent_by_day.iter().all(|n| *n <= 10), "{sent_by_day:?}");
    assert_eq!(sent_by_day[..30].iter().sum::<i32>(), 30, "30 in any 30 days: {sent_by_day:?}");
    assert_eq!(sent_by_day[30], 10, "the first day's codes have left the window");
}

#[tokio::test]
async fn citizens_must_be_registered_and_match_the_census() {
    let svc = TestService::start().await;
    svc.load_census(vec![dni_census()]).await;
    let (status, resp) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::FORBIDDEN, Some("not_registered")));
    let mut wrong = dni_claim();
    wrong["contrast"] = json!({ "kind": "permanent_dni", "issued_on": "2015-03-02" });
    let (status, resp) = svc.post("/device/activation", &wrong).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("contrast_data_mismatch"))
    );
    let nie_with_date = json!({ "document": NIE, "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
    let (status, resp) = svc.post("/device/activation", &nie_with_date).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let said = resp["message"].as_str().unwrap();
    assert!(said.contains("a NIE needs its support number (kind nie_support)"), "{said}");
    // A date written the wrong way: what is wrong, not where in the body.
    let odd_date = json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "31/01/2030" } });
    let (status, resp) = svc.post("/device/activation", &odd_date).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let said = resp["message"].as_str().unwrap();
    assert!(!said.contains("line 1") && !said.contains("column"), "{said}");
    assert!(svc.sms_outbox().await.is_empty());
}

#[tokio::test]
async fn a_device_killed_before_storing_its_keys_leaves_the_citizens_phone_working() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let old = TestDevice::activate(&svc).await;
    // The new app proved the code and died before its first signed request.
    let new = TestDevice::bind(&svc).await;
    let (status, resp) = old.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["state"].as_str()), (StatusCode::OK, Some("active")));
    let (status, created) = svc.post("/portal/pin-requests", &dni_claim()).await;
    assert_eq!((status, created["channel"].as_str()), (StatusCode::CREATED, Some("app")));
    assert_eq!(old.pull(&svc).await.len(), 1, "the PIN goes to the working phone");
    // Once the new device signs a request, it is the citizen's, and the old one is not.
    let (status, resp) = new.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["state"].as_str()), (StatusCode::OK, Some("active")));
    let (status, resp) = old.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("device_replaced")));
}

#[tokio::test]
async fn an_older_activation_confirmed_late_does_not_take_the_phone_back() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    // Phone B is bound and goes offline before confirming; phone C is activated after.
    let late = TestDevice::bind(&svc).await;
    let current = TestDevice::activate(&svc).await;
    let (status, resp) = late.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unknown_device"))
    );
    let (status, resp) = current.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["state"].as_str()), (StatusCode::OK, Some("active")));
}

#[tokio::test]
async fn a_new_device_replaces_the_old_which_learns_it_on_its_next_request() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let old = TestDevice::activate(&svc).await;
    let new = TestDevice::activate(&svc).await;
    let (status, resp) = old.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("device_replaced")));
    let (status, resp) = new.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["state"].as_str()), (StatusCode::OK, Some("active")));
    // Each activation agreed its own sealing key.
    assert_ne!(old.sealing_key.expose(), new.sealing_key.expose());
}

#[tokio::test]
async fn a_device_must_prove_it_holds_its_key() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let id = start(&svc).await;
    let code = svc.last_sms_code().await;
    let rng = ring::rand::SystemRandom::new();
    let key = clavepin_protocol::crypto::DeviceSigningKey::generate(&rng).unwrap();
    let other = clavepin_protocol::crypto::DeviceSigningKey::generate(&rng).unwrap();
    let share = clavepin_protocol::crypto::KeyAgreement::start(&rng).unwrap().share().to_b64();
    let input = clavepin_protocol::wire::activation_proof_input(&id, &share);
    let body: Value = json!({
        "code": code,
        "signing_key": key.public_key().to_b64(),
        "agreement_share": share,
        "proof": other.sign(&input, &rng).unwrap().to_b64(),
    });
    let (status, resp) = svc.post(&format!("/device/activation/{id}/complete"), &body).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_proof")));
    let mut garbled = body.clone();
    garbled["signing_key"] = json!("AAAA");
    let (status, resp) = svc.post(&format!("/device/activation/{id}/complete"), &garbled).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
}

#[tokio::test]
async fn a_lost_answer_can_be_fetched_again_with_the_same_request() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let id = start(&svc).await;
    let code = svc.last_sms_code().await;
    let rng = ring::rand::SystemRandom::new();
    let key = clavepin_protocol::crypto::DeviceSigningKey::generate(&rng).unwrap();
    let share = clavepin_protocol::crypto::KeyAgreement::start(&rng).unwrap().share().to_b64();
    let proof =
        key.sign(&clavepin_protocol::wire::activation_proof_input(&id, &share), &rng).unwrap();
    let body = json!({ "code": code, "signing_key": key.public_key().to_b64(), "agreement_share": share, "proof": proof.to_b64() });
    let path = format!("/device/activation/{id}/complete");
    let (status, first) = svc.post(&path, &body).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, again) = svc.post(&path, &body).await;
    assert_eq!((status, &again), (StatusCode::OK, &first), "the same answer, no second device");
    // Another key with the same code gets nothing.
    let other = clavepin_protocol::crypto::DeviceSigningKey::generate(&rng).unwrap();
    let mut stolen = body.clone();
    stolen["signing_key"] = json!(other.public_key().to_b64());
    let (status, _) = svc.post(&path, &stolen).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_operator_clears_the_code_limit_and_only_later_codes_count() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    for _ in 0..3 {
        let (status, _) = svc.post("/device/activation", &dni_claim()).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, resp) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_codes"))
    );
    let (status, _) = svc
        .operator_post(&format!("/operator/citizens/{DNI}/clear-code-limit"), &json!(null))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, resp) = svc.post("/device/activation", &dni_claim()).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
    let (status, resp) = svc
        .operator_post(&format!("/operator/citizens/{NIE}/clear-code-limit"), &json!(null))
        .await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::FORBIDDEN, Some("not_registered")));
}
