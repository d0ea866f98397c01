//! A PIN obtained on the portal appears on the phone: by the direct channel, by
//! push; its countdown; expiry, supersession, use on the portal; "Copy PIN"; the
//! notification; the service going down and coming back.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use clavepin_core::{ChannelStatus, Clipboard, CoreError, Locale, Pattern, PushOutcome};
use clavepin_e2e::*;
use clavepin_protocol::Timestamp;
use clavepin_protocol::wire::{PinState, PushPlatform};
use serde_json::json;

async fn activated() -> (Harness, clavepin_core::Device) {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    (h, device)
}

#[tokio::test]
async fn pin_obtained_on_portal_appears_on_device_through_the_direct_channel() {
    let (h, device) = activated().await;
    let recorder = Arc::new(Recorder::default());
    let _channel = device.start_direct_channel(DNI, recorder.clone()).unwrap();
    recorder.wait_for("connected", Recorder::connected).await;

    let created = h.obtain_pin(json!({ "code": "ab12" })).await;
    recorder.wait_for("the PIN", |r| !r.pins.lock().unwrap().is_empty()).await;
    let received = recorder.pins.lock().unwrap()[0].clone();
    assert_eq!(
        (received.request_id.as_str(), received.code.as_str()),
        (created["request_id"].as_str().unwrap(), "AB12")
    );

    let screen = device.screen().unwrap();
    let latest = screen.latest.unwrap();
    assert_eq!(
        (latest.code.as_str(), latest.state, latest.countdown.seconds_left),
        ("AB12", PinState::Live, 600)
    );
    let pin = latest.pin.expect("unlocked: the screen shows the PIN").expose().to_owned();
    assert_eq!(pin.len(), 3);
    // Acknowledged: nothing left to pull.
    assert!(device.pull(DNI).await.unwrap().is_empty());
    // The PIN works on the portal.
    let (status, granted) = h.verify(received.request_id.as_str(), "AB12", &pin).await;
    assert_eq!(status, 200, "{granted}");
}

#[tokio::test]
async fn the_same_through_a_push_payload_and_bad_payloads_change_nothing() {
    let (h, device) = activated().await;
    device.register_push_token(PushPlatform::Fcm, "fcm-token").await.unwrap();
    let created = h.obtain_pin(json!({})).await;
    let push = h.push_outbox().await.pop().unwrap();
    let payload = push["payload"].to_string();

    let outcome = device.handle_push(&payload).await.unwrap();
    let PushOutcome::Received(received) = outcome else { panic!("{outcome:?}") };
    assert_eq!(received.request_id.as_str(), created["request_id"].as_str().unwrap());
    assert_eq!(device.screen().unwrap().latest.unwrap().code, created["code"].as_str().unwrap());
    assert!(device.pull(DNI).await.unwrap().is_empty(), "acknowledged after storing");

    let before = device.history(None, 100).unwrap();
    assert!(matches!(device.handle_push(&payload).await, Err(CoreError::ReplayedPush)));
    let mut tampered = push["payload"].clone();
    let sealed = tampered["message"]["data"]["sealed"].as_str().unwrap().to_owned();
    let flipped = if sealed.ends_with('A') {
        format!("{}B", &sealed[..sealed.len() - 1])
    } else {
        format!("{}A", &sealed[..sealed.len() - 1])
    };
    tampered["message"]["data"]["sealed"] = json!(flipped);
    tampered["message"]["data"]["request_id"] = json!("another-request");
    assert!(matches!(
        device.handle_push(&tampered.to_string()).await,
        Err(CoreError::TamperedPush)
    ));
    let mut foreign = push["payload"].clone();
    foreign["message"]["data"]["device_id"] = json!("someone-elses-device");
    assert!(matches!(device.handle_push(&foreign.to_string()).await, Err(CoreError::ForeignPush)));
    for junk in ["", "{}", "not json", r#"{"message":{"data":{"v":"9"}}}"#] {
        assert!(matches!(device.handle_push(junk).await, Err(CoreError::MalformedPush)), "{junk}");
    }
    assert_eq!(device.history(None, 100).unwrap(), before, "refused payloads changed nothing");
}

#[tokio::test]
async fn a_pin_pushed_while_locked_is_kept_and_acknowledged_after_unlocking() {
    let (h, device) = activated().await;
    device.register_push_token(PushPlatform::Apns, &"ab".repeat(32)).await.unwrap();
    device.lock(DNI).unwrap();
    h.obtain_pin(json!({})).await;
    let payload = h.push_outbox().await.pop().unwrap()["payload"].to_string();
    assert!(matches!(device.handle_push(&payload).await.unwrap(), PushOutcome::Received(_)));
    let latest = device.screen().unwrap().latest.unwrap();
    assert_eq!(latest.pin, None, "the app screen needs the pattern");
    // The notification shows it (the phone is unlocked), the lock-screen text does not.
    let es = device.notification(&latest.request_id, Locale::Es).unwrap();
    let pin_text = es.title.expose().trim_start_matches("Cl@ve PIN: ").to_owned();
    assert!(es.body.expose().contains(&pin_text) && es.body.expose().contains(&latest.code));
    assert_eq!(es.copy_action.as_deref(), Some("Copiar PIN"));
    assert!(!es.public_body.contains(&pin_text) && !es.public_title.contains(&pin_text));
    assert!(!format!("{es:?}").contains(&pin_text), "the notification never prints its PIN");
    let en = device.notification(&latest.request_id, Locale::from_tag("en-GB")).unwrap();
    assert_eq!(
        (en.copy_action.as_deref(), en.timeout_at),
        (Some("Copy PIN"), Some(latest.expires_at))
    );

    device.unlock(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
    device.pull(DNI).await.unwrap();
    let shown = device.screen().unwrap().latest.unwrap().pin.map(|p| p.expose().to_owned());
    assert_eq!(shown, Some(pin_text));
}

#[derive(Default)]
struct FakeClipboard(Mutex<Vec<String>>);

impl Clipboard for FakeClipboard {
    fn set_sensitive(&self, text: &str, clear_at: Timestamp) {
        self.0.lock().unwrap().push(format!("set {text} until {}", clear_at.timestamp()));
    }
    fn clear(&self) {
        self.0.lock().unwrap().push("clear".into());
    }
}

#[tokio::test]
async fn the_countdown_ticks_every_ten_seconds_and_the_clipboard_clears_at_expiry() {
    let (h, device) = activated().await;
    device.register_push_token(PushPlatform::Fcm, "t").await.unwrap();
    h.obtain_pin(json!({ "code": "TICK" })).await;
    let payload = h.push_outbox().await.pop().unwrap()["payload"].to_string();
    device.handle_push(&payload).await.unwrap();
    let request_id = device.screen().unwrap().latest.unwrap().request_id;
    device.lock(DNI).unwrap(); // from here on, nothing needs the network

    // Tokio's clock and the injected clock move together.
    tokio::time::pause();
    let step = |seconds: i64| {
        h.clock.advance(TimeDelta::seconds(seconds));
        async move {
            tokio::time::advance(Duration::from_secs(seconds as u64)).await;
            // Park the runtime briefly so due timers fire and the woken ticker runs
            // before the clock moves again (yielding alone does not run the timer driver).
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    let recorder = Arc::new(Recorder::default());
    let ticker = device.subscribe_screen(recorder.clone()).unwrap();
    let clipboard = Arc::new(FakeClipboard::default());
    let copied = device.copy_pin(&request_id, clipboard.clone()).unwrap();
    assert!(copied.sensitive);
    step(0).await;
    for _ in 0..3 {
        step(10).await;
    }
    step(570).await;
    let seconds: Vec<u32> = recorder
        .screens
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.latest.as_ref().unwrap().countdown.seconds_left)
        .collect();
    let nows: Vec<i64> =
        recorder.screens.lock().unwrap().iter().map(|s| s.now.timestamp() % 1000).collect();
    assert!(seconds.starts_with(&[600, 590, 580, 570]), "{seconds:?} at {nows:?}");
    let last = recorder.screens.lock().unwrap().last().unwrap().clone();
    assert_eq!(last.latest.unwrap().state, PinState::Expired, "an emission at expiry says so");
    assert_eq!(clipboard.0.lock().unwrap().last().map(String::as_str), Some("clear"));
    assert!(matches!(
        device.clipboard_content(&request_id),
        Err(CoreError::PinNotLive { state: PinState::Expired })
    ));
    ticker.cancel();
}

#[tokio::test]
async fn superseded_and_used_pins_show_as_such() {
    let (h, device) = activated().await;
    let first = h.obtain_pin(json!({})).await;
    device.pull(DNI).await.unwrap();
    h.clock.advance(TimeDelta::seconds(20));
    let second = h.obtain_pin(json!({})).await;
    device.pull(DNI).await.unwrap();
    let history = device.history(Some(DNI), 10).unwrap();
    assert_eq!(history[0].request_id.as_str(), second["request_id"].as_str().unwrap());
    assert_eq!((history[0].state, history[1].state), (PinState::Live, PinState::Superseded));
    assert_eq!(history[1].request_id.as_str(), first["request_id"].as_str().unwrap());

    let pin = device.screen().unwrap().latest.unwrap().pin.unwrap().expose().to_owned();
    let (status, _) = h
        .verify(second["request_id"].as_str().unwrap(), second["code"].as_str().unwrap(), &pin)
        .await;
    assert_eq!(status, 200);
    device.refresh_states(DNI).await.unwrap();
    let latest = device.screen().unwrap().latest.unwrap();
    assert_eq!((latest.state, latest.pin), (PinState::Used, None), "a used PIN is no longer shown");
}

#[tokio::test]
async fn the_service_down_and_back_loses_no_pin() {
    let (mut h, device) = activated().await;
    let recorder = Arc::new(Recorder::default());
    let _channel = device.start_direct_channel(DNI, recorder.clone()).unwrap();
    recorder.wait_for("connected", Recorder::connected).await;

    h.stop().await;
    recorder
        .wait_for("reconnecting", |r| {
            r.statuses
                .lock()
                .unwrap()
                .iter()
                .any(|s| matches!(s, ChannelStatus::Reconnecting { .. }))
        })
        .await;
    h.restart().await;
    let created = h.obtain_pin(json!({})).await;
    recorder.wait_for("the PIN after the outage", |r| !r.pins.lock().unwrap().is_empty()).await;
    assert_eq!(
        recorder.pins.lock().unwrap()[0].request_id.as_str(),
        created["request_id"].as_str().unwrap()
    );
    // No busy loop: a handful of attempts, each waiting longer.
    let attempts = recorder
        .statuses
        .lock()
        .unwrap()
        .iter()
        .filter(|s| matches!(s, ChannelStatus::Reconnecting { .. }))
        .count();
    assert!(attempts <= 4, "{attempts} reconnection attempts");
}

#[tokio::test]
async fn a_pin_obtained_while_the_phone_is_offline_arrives_when_it_is_back() {
    let h = Harness::start().await;
    let proxy = Proxy::start(h.addr()).await;
    let device = h.device_with(&h.device_dir("phone"), &proxy.url, |c| c);
    h.activate(&device, DNI, DNI_VALIDITY).await;
    let recorder = Arc::new(Recorder::default());
    let _channel = device.start_direct_channel(DNI, recorder.clone()).unwrap();
    recorder.wait_for("connected", Recorder::connected).await;

    proxy.cut();
    recorder
        .wait_for("offline", |r| {
            matches!(r.statuses.lock().unwrap().last(), Some(ChannelStatus::Reconnecting { .. }))
        })
        .await;
    // The citizen obtains a PIN on the portal while the phone has no network.
    let created = h.obtain_pin(json!({})).await;
    assert!(matches!(device.pull(DNI).await, Err(CoreError::Offline(_))));
    assert!(recorder.pins.lock().unwrap().is_empty());
    proxy.restore();
    recorder.wait_for("the PIN once back", |r| !r.pins.lock().unwrap().is_empty()).await;
    assert_eq!(recorder.pins.lock().unwrap()[0].request_id.as_str(), created["request_id"]);
}

#[tokio::test]
async fn a_replaced_device_stops_its_channel_and_says_so() {
    let (h, device) = activated().await;
    let recorder = Arc::new(Recorder::default());
    let other = h.device("new-phone");
    h.activate(&other, DNI, DNI_VALIDITY).await;
    let _channel = device.start_direct_channel(DNI, recorder.clone()).unwrap();
    recorder
        .wait_for("replaced", |r| {
            r.statuses.lock().unwrap().last() == Some(&ChannelStatus::Replaced)
        })
        .await;
    assert_eq!(device.citizens().unwrap()[0].state, clavepin_core::store::CitizenState::Replaced);
}
