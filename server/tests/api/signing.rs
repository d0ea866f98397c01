//! Signed device requests: freshness, nonces, signatures; the service's time.

use chrono::TimeDelta;
use clavepin_protocol::Clock;
use clavepin_protocol::wire::HEADER_SERVICE_TIME;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn stale_future_replayed_and_forged_requests_are_refused() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;

    let mut old = device.sign(&svc, "GET", "/device/status", b"");
    old.timestamp_ms -= TimeDelta::minutes(6).num_milliseconds();
    // Re-sign with the old timestamp so only freshness is wrong.
    svc.clock.advance(TimeDelta::minutes(-6));
    let stale = device.sign(&svc, "GET", "/device/status", b"");
    svc.clock.advance(TimeDelta::minutes(12));
    let future = device.sign(&svc, "GET", "/device/status", b"");
    svc.clock.advance(TimeDelta::minutes(-6));
    for signed in [&stale, &future] {
        let (status, resp, _) =
            TestDevice::send(&svc, Method::GET, "/device/status", b"", signed).await;
        assert_eq!(
            (status, resp["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("stale_request"))
        );
    }
    let (status, _, _) = TestDevice::send(&svc, Method::GET, "/device/status", b"", &old).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let fresh = device.sign(&svc, "GET", "/device/status", b"");
    let (status, _, _) = TestDevice::send(&svc, Method::GET, "/device/status", b"", &fresh).await;
    assert_eq!(status, StatusCode::OK);
    let (status, resp, _) =
        TestDevice::send(&svc, Method::GET, "/device/status", b"", &fresh).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("replayed_request"))
    );

    // Signed for one path, sent to another.
    let other = device.sign(&svc, "DELETE", "/device", b"");
    let (status, resp, _) =
        TestDevice::send(&svc, Method::GET, "/device/status", b"", &other).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature")));
    // A body changed after signing.
    let body = br#"{"platform":"fcm","token":"t1"}"#;
    let signed = device.sign(&svc, "PUT", "/device/push-token", body);
    let tampered = br#"{"platform":"fcm","token":"t2"}"#;
    let (status, _, _) =
        TestDevice::send(&svc, Method::PUT, "/device/push-token", tampered, &signed).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) =
        TestDevice::send(&svc, Method::PUT, "/device/push-token", body, &signed).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let mut stranger = device.sign(&svc, "GET", "/device/status", b"");
    stranger.device_id = "no-such-device".into();
    let (status, resp, _) =
        TestDevice::send(&svc, Method::GET, "/device/status", b"", &stranger).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unknown_device"))
    );

    let (status, resp) = svc.call(Method::GET, "/device/status", None, None).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature")));
}

#[tokio::test]
async fn old_nonces_are_pruned_and_every_response_carries_the_service_time() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    for _ in 0..3 {
        let (status, _) = device.request(&svc, Method::GET, "/device/status", b"").await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(svc.service.prune().await.unwrap(), 0, "recent nonces are kept");
    svc.clock.advance(TimeDelta::minutes(7));
    assert_eq!(
        svc.service.prune().await.unwrap(),
        4,
        "three, and the one that confirmed the activation"
    );

    let signed = device.sign(&svc, "GET", "/device/status", b"");
    let (_, _, headers) = TestDevice::send(&svc, Method::GET, "/device/status", b"", &signed).await;
    let stamped: i64 = headers[HEADER_SERVICE_TIME].to_str().unwrap().parse().unwrap();
    assert_eq!(stamped, svc.clock.now().timestamp_millis());
    let resp = svc.client.get(format!("{}/nowhere", svc.url)).send().await.unwrap();
    assert!(resp.headers().contains_key(HEADER_SERVICE_TIME), "errors carry it too");
}

#[tokio::test]
async fn a_removed_device_stops_and_push_tokens_are_checked() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let bad = serde_json::to_vec(&json!({ "platform": "fcm", "token": "has space" })).unwrap();
    let (status, _) = device.request(&svc, Method::PUT, "/device/push-token", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let unknown =
        serde_json::to_vec(&json!({ "platform": "carrier-pigeon", "token": "x" })).unwrap();
    let (status, _) = device.request(&svc, Method::PUT, "/device/push-token", &unknown).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = device.request(&svc, Method::DELETE, "/device", b"").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, resp) = device.request(&svc, Method::GET, "/device/status", b"").await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::GONE, Some("device_removed")));
}

#[tokio::test]
async fn a_request_from_a_fast_clock_cannot_be_replayed_after_pruning() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    // The device's clock runs 4 minutes ahead.
    svc.clock.advance(TimeDelta::minutes(4));
    let signed = device.sign(&svc, "GET", "/device/status", b"");
    svc.clock.advance(TimeDelta::minutes(-4));
    let (status, _, _) = TestDevice::send(&svc, Method::GET, "/device/status", b"", &signed).await;
    assert_eq!(status, StatusCode::OK);
    for (minutes, error) in [(7, "replayed_request"), (4, "stale_request")] {
        svc.clock.advance(TimeDelta::minutes(minutes));
        svc.service.prune().await.unwrap();
        let (status, resp, _) =
            TestDevice::send(&svc, Method::GET, "/device/status", b"", &signed).await;
        assert_eq!((status, resp["error"].as_str()), (StatusCode::UNAUTHORIZED, Some(error)));
    }
}

#[tokio::test]
async fn signature_headers_must_be_canonical() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let signed = device.sign(&svc, "GET", "/device/status", b"");
    for timestamp in [
        format!("+{}", signed.timestamp_ms),
        format!("0{}", signed.timestamp_ms),
        "-9223372036854775808".into(),
    ] {
        let resp = svc
            .client
            .get(format!("{}/device/status", svc.url))
            .header(clavepin_protocol::wire::HEADER_DEVICE, &signed.device_id)
            .header(clavepin_protocol::wire::HEADER_TIMESTAMP, timestamp.clone())
            .header(clavepin_protocol::wire::HEADER_NONCE, &signed.nonce)
            .header(clavepin_protocol::wire::HEADER_SIGNATURE, signed.signature.to_b64())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{timestamp}");
    }
    let mut short_nonce = signed.clone();
    short_nonce.nonce = "AAAA".into();
    let (status, resp, _) =
        TestDevice::send(&svc, Method::GET, "/device/status", b"", &short_nonce).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature")));
}
