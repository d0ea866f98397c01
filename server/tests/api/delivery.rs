//! Delivery to the device: the direct channel (SSE), pull and acknowledgement, push
//! payloads.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// Reads server-sent events from an open response.
pub struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub async fn open(svc: &TestService, device: &TestDevice) -> Events {
        let signed = device.sign(svc, "GET", "/device/events", b"");
        let response = svc
            .client
            .get(format!("{}/device/events", svc.url))
            .header(clavepin_protocol::wire::HEADER_DEVICE, &signed.device_id)
            .header(clavepin_protocol::wire::HEADER_TIMESTAMP, signed.timestamp_ms.to_string())
            .header(clavepin_protocol::wire::HEADER_NONCE, &signed.nonce)
            .header(clavepin_protocol::wire::HEADER_SIGNATURE, signed.signature.to_b64())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Events { response, buffer: String::new() }
    }

    /// The next event that is not a keep-alive comment: (event name, data).
    pub async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned())
                };
                if let (Some(event), Some(data)) = (field("event:"), field("data:")) {
                    return (event, serde_json::from_str(&data).unwrap_or(Value::String(data)));
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.response.chunk())
                .await
                .expect("no event within 5 s")
                .unwrap()
                .expect("stream ended");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test]
async fn the_direct_channel_delivers_a_new_pin_at_once_and_ack_clears_it() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let mut events = Events::open(&svc, &device).await;
    let (_, created) = svc.obtain_pin(json!({ "code": "LIVE" })).await;
    let (event, pin) = events.next().await;
    assert_eq!(event, "pin");
    assert_eq!(pin["request_id"], created["request_id"]);
    assert_eq!(device.open(&pin).code.as_str(), "LIVE");

    let path = format!("/device/pins/{}/ack", pin["request_id"].as_str().unwrap());
    let (status, _) = device.request(&svc, Method::POST, &path, b"").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = device.request(&svc, Method::POST, &path, b"").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "acknowledging twice is harmless");
    assert!(device.pull(&svc).await.is_empty());
    let (status, resp) = device.request(&svc, Method::POST, "/device/pins/nope/ack", b"").await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_pin_request"))
    );
}

#[tokio::test]
async fn pins_obtained_while_away_arrive_first_when_the_channel_opens() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let (_, created) = svc.obtain_pin(json!({})).await;
    let mut events = Events::open(&svc, &device).await;
    let (event, pin) = events.next().await;
    assert_eq!((event.as_str(), &pin["request_id"]), ("pin", &created["request_id"]));
}

#[tokio::test]
async fn another_devices_pins_never_reach_this_channel() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    svc.load_census(vec![nie_census()]).await;
    let nie = json!({ "document": NIE, "contrast": { "kind": "nie_support", "support": "E12345678" }, "mobile": "699000111", "email": "j@example.com" });
    svc.operator_post("/operator/citizens", &nie).await;
    let device = TestDevice::activate(&svc).await;
    let mut events = Events::open(&svc, &device).await;
    // The NIE citizen has no device: SMS. Then a DNI PIN, which must be the first event.
    svc.post(
        "/portal/pin-requests",
        &json!({ "document": NIE, "contrast": { "kind": "nie_support", "support": "E12345678" } }),
    )
    .await;
    let (_, created) = svc.obtain_pin(json!({})).await;
    let (_, pin) = events.next().await;
    assert_eq!(pin["request_id"], created["request_id"]);
}

#[tokio::test]
async fn an_apns_push_carries_the_sealed_pin_and_no_pin_in_the_alert() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    device.register_push(&svc, "apns", &"ab".repeat(32)).await;
    svc.obtain_pin(json!({ "code": "APNS" })).await;
    let push = &svc.push_outbox().await[0];
    assert_eq!(push["platform"], "apns");
    let payload = &push["payload"];
    assert!(payload.to_string().len() < 4096);
    assert_eq!(payload["aps"]["mutable-content"], 1);
    let data = &payload["clavepin"];
    let pending = json!({
        "request_id": data["request_id"],
        "sealed": data["sealed"],
        "expires_at": chrono::DateTime::from_timestamp_millis(data["expires_at"].as_str().unwrap().parse().unwrap()).unwrap().to_rfc3339(),
    });
    let envelope = device.open(&pending);
    assert_eq!(envelope.code.as_str(), "APNS");
    assert!(
        !payload["aps"].to_string().contains(envelope.pin.expose()),
        "the alert never shows the PIN"
    );
}

#[tokio::test]
async fn shutdown_closes_open_channels() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let device = TestDevice::activate(&svc).await;
    let _events = Events::open(&svc, &device).await;
    let restarted = tokio::time::timeout(Duration::from_secs(10), svc.restart()).await;
    assert!(restarted.is_ok(), "graceful shutdown waited forever on an open event stream");
}
