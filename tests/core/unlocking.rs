//! The security pattern: unlocking, delays that survive restarts, the wipe, changing
//! it; and a store that was tampered with.

use chrono::TimeDelta;
use clavepin_core::{CoreError, Pattern};
use clavepin_e2e::*;

fn pattern(text: &str) -> Pattern {
    Pattern::parse(text).unwrap()
}

#[tokio::test]
async fn signed_requests_need_the_pattern() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device.lock(DNI).unwrap();
    assert!(matches!(device.check_status(DNI).await, Err(CoreError::Locked)));
    device.unlock(DNI, &pattern(PATTERN)).await.unwrap();
    assert!(device.check_status(DNI).await.is_ok());
    // A restart starts locked.
    drop(device);
    let device = h.device("phone");
    assert!(!device.is_unlocked(DNI));
    assert!(matches!(device.check_status(DNI).await, Err(CoreError::Locked)));
}

#[tokio::test]
async fn wrong_patterns_bring_waits_that_survive_a_restart_then_a_wipe() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    let wrong = pattern("9-8-7-4");
    for (n, tries_left) in (1..=4).zip([9, 8, 7, 6]) {
        let err = device.unlock(DNI, &wrong).await.unwrap_err();
        assert!(
            matches!(err, CoreError::WrongPattern { tries_left: t, wait_secs: 0 } if t == tries_left),
            "try {n}: {err}"
        );
    }
    let err = device.unlock(DNI, &wrong).await.unwrap_err();
    assert!(matches!(err, CoreError::WrongPattern { tries_left: 5, wait_secs: 30 }), "{err}");
    // Even the right pattern waits, and a restart does not reset the wait.
    drop(device);
    let device = h.device("phone");
    let err = device.unlock(DNI, &pattern(PATTERN)).await.unwrap_err();
    assert!(matches!(err, CoreError::UnlockWait { wait_secs: 30 }), "{err}");
    for wait in [30, 60, 300, 900] {
        h.clock.advance(TimeDelta::seconds(wait));
        device.unlock(DNI, &wrong).await.unwrap_err();
    }
    h.clock.advance(TimeDelta::seconds(900));
    let err = device.unlock(DNI, &wrong).await.unwrap_err();
    assert!(matches!(err, CoreError::Wiped), "{err}");
    assert!(device.citizens().unwrap().is_empty(), "the tenth wrong pattern wipes the activation");
}

#[tokio::test]
async fn the_right_pattern_resets_the_count_and_can_be_changed() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    for _ in 0..4 {
        device.unlock(DNI, &pattern("9-8-7-4")).await.unwrap_err();
    }
    device.unlock(DNI, &pattern(PATTERN)).await.unwrap();
    let err = device.unlock(DNI, &pattern("9-8-7-4")).await.unwrap_err();
    assert!(
        matches!(err, CoreError::WrongPattern { tries_left: 9, .. }),
        "the count restarted: {err}"
    );

    device.change_pattern(DNI, &pattern(PATTERN), &pattern("7-5-3-1")).await.unwrap();
    device.lock(DNI).unwrap();
    assert!(device.unlock(DNI, &pattern(PATTERN)).await.is_err());
    device.unlock(DNI, &pattern("7-5-3-1")).await.unwrap();
    assert!(device.check_status(DNI).await.is_ok(), "the new pattern opens the same key");
}

#[tokio::test]
async fn a_tampered_store_is_an_error_and_is_kept() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    drop(device);
    let dir = h.device_dir("phone");
    // Another key file: the data key no longer unwraps.
    std::fs::write(dir.join("device.key"), [0u8; 32]).unwrap();
    let keys = std::sync::Arc::new(
        clavepin_core::store::FileKeyStore::open(&dir.join("device.key"), false).unwrap(),
    );
    let config = clavepin_core::DeviceConfig::new(&dir, &h.url, keys);
    let err = clavepin_core::Device::open(config).unwrap_err();
    assert!(matches!(err, CoreError::Store(_)), "{err}");
    assert!(dir.join("clavepin-device.db").exists(), "the store is never deleted");
}

/// Brute force, measured: a thief with the phone tries patterns as fast as the core
/// allows, the clock moved on by every wait it imposes. Ten tries in all, then the
/// activation is gone: 10 of at least 389,112 patterns, ≈ 0.003 % (docs/SECURITY.md).
#[tokio::test]
async fn a_thief_trying_patterns_as_fast_as_allowed_gets_ten_tries_then_the_wipe() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device.lock(DNI).unwrap();
    // Every 4-dot pattern of the keypad, from the far end: the real one is never tried.
    let candidates = (1..=9u8).rev().flat_map(|a| {
        (1..=9u8).rev().flat_map(move |b| {
            (1..=9u8).rev().flat_map(move |c| (1..=9u8).rev().map(move |d| [a, b, c, d]))
        })
    });
    let candidates = candidates
        .filter(|dots| (0..4).all(|i| !dots[i + 1..].contains(&dots[i])))
        .map(|dots| dots.map(|d| d.to_string()).join("-"))
        .filter(|text| text != PATTERN);
    let (mut tries, mut waited) = (0u32, 0i64);
    let mut wiped = false;
    for text in candidates {
        match device.unlock(DNI, &pattern(&text)).await {
            Err(CoreError::WrongPattern { wait_secs, .. }) => {
                tries += 1;
                h.clock.advance(TimeDelta::seconds(wait_secs));
                waited += wait_secs;
            }
            Err(CoreError::UnlockWait { wait_secs }) => {
                h.clock.advance(TimeDelta::seconds(wait_secs));
                waited += wait_secs;
            }
            Err(CoreError::Wiped) => {
                tries += 1;
                wiped = true;
                break;
            }
            other => panic!("after {tries} tries: {other:?}"),
        }
        assert!(tries <= 10, "more than ten tries");
    }
    assert!(wiped && tries == 10, "{tries} tries, wiped: {wiped}");
    assert_eq!(waited, 30 + 60 + 300 + 900 + 900, "the waits between the 5th and the 10th");
    assert!(device.citizens().unwrap().is_empty());
}
