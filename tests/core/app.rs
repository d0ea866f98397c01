//! What the apps rely on: pattern calls that never hold the store, a screen that
//! follows unlocking and locking at once, a direct channel that notices a silent
//! connection, push tokens that survive being locked, notifications by the PIN's state.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clavepin_core::{ChannelStatus, CoreError, Device, Locale, Pattern, PushOutcome};
use clavepin_e2e::*;
use clavepin_protocol::wire::{PinState, PushPlatform};
use serde_json::json;

fn pattern() -> Pattern {
    Pattern::parse(PATTERN).unwrap()
}

async fn activated(h: &Harness) -> Device {
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stretching_the_pattern_never_holds_the_store() {
    let h = Harness::start().await;
    let dir = h.device_dir("phone");
    // The calibrated count: a few hundred milliseconds of stretching.
    let device = h.device_with(&dir, &h.url, |c| {
        c.with_pattern_iterations(clavepin_core::pattern::DEFAULT_ITERATIONS)
    });
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device.lock(DNI).unwrap();
    let unlocking = {
        let device = device.clone();
        tokio::spawn(async move { device.unlock(DNI, &pattern()).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = Instant::now();
    let screen = device.screen().unwrap();
    let read_in = started.elapsed();
    assert!(!unlocking.is_finished(), "the unlock was still stretching when the screen was read");
    assert!(!screen.citizens[0].unlocked);
    unlocking.await.unwrap().unwrap();
    assert!(read_in < Duration::from_millis(50), "the screen waited {read_in:?} for the store");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_patterns_tried_at_once_are_all_counted() {
    let h = Harness::start().await;
    // Enough stretching for the four tries to overlap.
    let iterations = std::num::NonZeroU32::new(100_000).unwrap();
    let device =
        h.device_with(&h.device_dir("phone"), &h.url, |c| c.with_pattern_iterations(iterations));
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device.lock(DNI).unwrap();
    let tries: Vec<_> = (0..4)
        .map(|_| {
            let device = device.clone();
            tokio::spawn(
                async move { device.unlock(DNI, &Pattern::parse("9-8-7-4").unwrap()).await },
            )
        })
        .collect();
    let mut left: Vec<u32> = Vec::new();
    for attempt in tries {
        match attempt.await.unwrap() {
            Err(CoreError::WrongPattern { tries_left, .. }) => left.push(tries_left),
            other => panic!("{other:?}"),
        }
    }
    left.sort_unstable();
    assert_eq!(left, [6, 7, 8, 9], "each try read the count the one before wrote");
}

#[tokio::test]
async fn the_screen_follows_unlocking_locking_and_removal_at_once() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    h.obtain_pin(json!({})).await;
    device.pull(DNI).await.unwrap();
    device.lock(DNI).unwrap();
    let recorder = Arc::new(Recorder::default());
    let _ticker = device.subscribe_screen(recorder.clone()).unwrap();
    recorder.wait_briefly("the first screen", |r| r.pin_shown() == Some(false)).await;
    // The service's clock does not move: only a change can bring a new screen.
    device.unlock(DNI, &pattern()).await.unwrap();
    recorder.wait_briefly("the PIN after unlocking", |r| r.pin_shown() == Some(true)).await;
    device.lock(DNI).unwrap();
    recorder.wait_briefly("the PIN hidden after locking", |r| r.pin_shown() == Some(false)).await;
    assert!(
        matches!(device.remove_citizen(DNI).await, Err(CoreError::Locked)),
        "removal is signed"
    );
    device.unlock(DNI, &pattern()).await.unwrap();
    device.remove_citizen(DNI).await.unwrap();
    recorder
        .wait_briefly("the citizen gone", |r| {
            r.screens.lock().unwrap().last().is_some_and(|s| s.citizens.is_empty())
        })
        .await;
    assert!(recorder.errors.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_channel_ends_at_once_when_the_citizen_is_locked() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    let recorder = Arc::new(Recorder::default());
    let channel = device.start_direct_channel(DNI, recorder.clone()).unwrap();
    recorder.wait_for("connected", |r| r.last_status() == Some(ChannelStatus::Connected)).await;
    let locked_at = Instant::now();
    device.lock(DNI).unwrap();
    recorder.wait_briefly("locked", |r| r.last_status() == Some(ChannelStatus::Locked)).await;
    assert!(locked_at.elapsed() < Duration::from_secs(2), "not at the next 10-s refresh");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(channel.is_finished());
}

#[tokio::test]
async fn a_silent_channel_reconnects_and_catches_up() {
    let h = Harness::start().await;
    let proxy = Proxy::start(h.addr()).await;
    let dir = h.device_dir("phone");
    let device =
        h.device_with(&dir, &proxy.url, |c| c.with_channel_silence_limit(Duration::from_secs(1)));
    h.activate(&device, DNI, DNI_VALIDITY).await;
    let recorder = Arc::new(Recorder::default());
    let _channel = device.start_direct_channel(DNI, recorder.clone()).unwrap();
    recorder.wait_for("connected", |r| r.last_status() == Some(ChannelStatus::Connected)).await;

    proxy.freeze();
    recorder
        .wait_for("the silence noticed", |r| {
            matches!(r.last_status(), Some(ChannelStatus::Reconnecting { attempt: 1, .. }))
        })
        .await;
    assert!(recorder.errors.lock().unwrap().iter().any(|e| e.contains("silent")));
    let missed = h.obtain_pin(json!({})).await;
    proxy.thaw();
    recorder.wait_for("the missed PIN", |r| !r.pins.lock().unwrap().is_empty()).await;
    assert_eq!(recorder.pins.lock().unwrap()[0].request_id.as_str(), missed["request_id"]);
    assert_eq!(recorder.last_status(), Some(ChannelStatus::Connected));
}

#[tokio::test]
async fn a_push_token_given_while_locked_is_registered_after_unlocking() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    device.lock(DNI).unwrap();
    let report = device.register_push_token(PushPlatform::Fcm, "rotated-token").await.unwrap();
    assert_eq!((report.registered.len(), report.pending.len()), (0, 1));
    // The app is killed and started again: the token is still there.
    drop(device);
    let device = h.device("phone");
    h.obtain_pin(json!({})).await;
    assert!(h.push_outbox().await.is_empty(), "no token registered yet: nothing pushed");
    device.unlock(DNI, &pattern()).await.unwrap();
    device.pull(DNI).await.unwrap();
    h.obtain_pin(json!({})).await;
    let pushed = h.push_outbox().await;
    assert_eq!(pushed.last().unwrap()["token"], "rotated-token");
    let again = device.register_push_token(PushPlatform::Fcm, "rotated-token").await.unwrap();
    assert_eq!(again.registered.len(), 1);
    assert!(matches!(
        device.register_push_token(PushPlatform::Fcm, "two words").await,
        Err(CoreError::InvalidPushToken)
    ));
}

#[tokio::test]
async fn notifications_follow_the_pins_state_and_say_whose_pin_on_a_family_phone() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    let created = h.obtain_pin(json!({ "code": "FAM1" })).await;
    let received = device.pull(DNI).await.unwrap().pop().unwrap();
    let live = device.notification(&received.request_id, Locale::Es).unwrap();
    let pin = device.screen().unwrap().latest.unwrap().pin.unwrap().expose().to_owned();
    assert_eq!(live.title.expose(), format!("Cl@ve PIN: {pin}"), "one citizen: no name");
    assert_eq!(live.copy_action.as_deref(), Some("Copiar PIN"));

    h.verify(created["request_id"].as_str().unwrap(), "FAM1", &pin).await;
    device.refresh_states(DNI).await.unwrap();
    let used = device.notification(&received.request_id, Locale::En).unwrap();
    assert_eq!(
        (used.state, used.copy_action.as_deref(), used.timeout_at),
        (PinState::Used, None, None)
    );
    assert!(!used.title.expose().contains(&pin) && !used.body.expose().contains(&pin));

    h.activate(&device, NIE, NIE_SUPPORT).await;
    h.obtain_pin(json!({ "code": "FAM2" })).await;
    let second = device.pull(DNI).await.unwrap().pop().unwrap();
    let family = device.notification(&second.request_id, Locale::Ca).unwrap();
    assert!(
        family.title.expose().starts_with("Cl@ve PIN per a •••678Z: "),
        "{:?}",
        family.title.expose()
    );
    assert!(!family.title.expose().contains(DNI) && !family.public_body.contains(DNI));
}

#[tokio::test]
async fn a_push_for_a_locked_citizen_without_its_pin_gets_a_notification_without_it() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    device.register_push_token(PushPlatform::Fcm, "t").await.unwrap();
    device.lock(DNI).unwrap();
    h.obtain_pin(json!({})).await;
    let mut payload = h.push_outbox().await.pop().unwrap()["payload"].clone();
    payload["message"]["data"].as_object_mut().unwrap().remove("sealed");
    payload["message"]["data"]["added_by_a_newer_service"] = json!("ignored");
    let outcome = device.handle_push(&payload.to_string()).await.unwrap();
    assert!(matches!(outcome, PushOutcome::PendingUnlock { document } if document.as_str() == DNI));
    let pending = device.pending_notification(DNI, Locale::Eu).unwrap();
    assert_eq!(pending.copy_action, None);
    assert_eq!(
        pending.body.expose(),
        "PIN bat iritsi da. Ireki Cl@ve PIN eta marraztu zure eredua ikusteko."
    );
}

#[tokio::test]
async fn a_store_error_reaches_the_screen_observer_and_the_ticker_goes_on() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    h.obtain_pin(json!({})).await;
    device.pull(DNI).await.unwrap();
    // Someone changes the sealed PIN on disk: the screen can no longer be read.
    let db = rusqlite::Connection::open(h.device_dir("phone").join("clavepin-device.db")).unwrap();
    db.execute("UPDATE pins SET pin = zeroblob(35)", []).unwrap();
    let recorder = Arc::new(Recorder::default());
    let _ticker = device.subscribe_screen(recorder.clone()).unwrap();
    recorder.wait_for("the error", |r| !r.errors.lock().unwrap().is_empty()).await;
    assert!(recorder.errors.lock().unwrap()[0].contains("tampered"), "{:?}", recorder.errors);
    assert!(recorder.screens.lock().unwrap().is_empty());
    // The citizen removes and the ticker, still running, shows the screen again.
    device.remove_citizen(DNI).await.unwrap();
    recorder.wait_for("a screen again", |r| !r.screens.lock().unwrap().is_empty()).await;
}

#[tokio::test]
async fn a_removal_made_offline_is_told_to_the_service_once_back() {
    let h = Harness::start().await;
    let proxy = Proxy::start(h.addr()).await;
    let device = h.device_with(&h.device_dir("phone"), &proxy.url, |c| c);
    h.activate(&device, DNI, DNI_VALIDITY).await;
    proxy.cut();
    assert!(!device.remove_citizen(DNI).await.unwrap(), "offline: not told yet");
    assert!(device.citizens().unwrap().is_empty(), "gone from the phone at once");
    // Until told, the service still thinks the app can receive PINs.
    assert_eq!(h.obtain_pin(json!({})).await["channel"], "app");
    assert!(matches!(device.tell_pending_removals().await, Err(CoreError::Offline(_))));
    proxy.restore();
    assert_eq!(device.tell_pending_removals().await.unwrap(), 1);
    assert_eq!(device.tell_pending_removals().await.unwrap(), 0, "told once");
    assert_eq!(
        h.obtain_pin(json!({})).await["channel"],
        "sms",
        "the service stopped using the phone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locking_while_the_pattern_is_stretched_keeps_the_citizen_locked() {
    let h = Harness::start().await;
    let device = h.device_with(&h.device_dir("phone"), &h.url, |c| {
        c.with_pattern_iterations(clavepin_core::pattern::DEFAULT_ITERATIONS)
    });
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device.lock(DNI).unwrap();
    let unlocking = {
        let device = device.clone();
        tokio::spawn(async move { device.unlock(DNI, &pattern()).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The phone locks (the screen went off) before the stretching ends.
    device.lock_all();
    let unlocked = unlocking.await.unwrap();
    assert!(matches!(unlocked, Err(CoreError::Locked)), "{unlocked:?}");
    assert!(!device.is_unlocked(DNI), "the lock wins over an unlock that was still running");
    device.unlock(DNI, &pattern()).await.unwrap();
}

#[tokio::test]
async fn a_push_delivered_after_its_pin_expired_is_not_stored() {
    let h = Harness::start().await;
    let device = activated(&h).await;
    device.register_push_token(PushPlatform::Fcm, "t").await.unwrap();
    h.obtain_pin(json!({})).await;
    let payload = h.push_outbox().await.pop().unwrap()["payload"].to_string();
    // FCM held it for eleven minutes (or someone replays one pruned from the history).
    h.clock.advance(chrono::TimeDelta::minutes(11));
    let late = device.handle_push(&payload).await;
    assert!(matches!(late, Err(CoreError::PinNotLive { state: PinState::Expired })), "{late:?}");
    assert!(device.history(None, 10).unwrap().is_empty());
}
