//! A phone whose clock is minutes off, and gets corrected: no request fails for it, no
//! wait grows because of it, and what was learned survives a restart.

use std::sync::{Arc, Mutex};

use chrono::TimeDelta;
use clavepin_core::{CoreError, Pattern};
use clavepin_e2e::*;
use clavepin_protocol::{Clock, ManualClock, Timestamp};
use serde_json::json;

/// The device's own clock: the service's plus a skew the test sets, as a phone whose
/// clock is wrong sees time.
#[derive(Debug)]
struct SkewedClock {
    service: Arc<ManualClock>,
    skew: Mutex<TimeDelta>,
}

impl SkewedClock {
    fn set(&self, skew: TimeDelta) {
        *self.skew.lock().unwrap() = skew;
    }
}

impl Clock for SkewedClock {
    fn now(&self) -> Timestamp {
        self.service.now() + *self.skew.lock().unwrap()
    }
}

fn skewed(h: &Harness, minutes: i64) -> Arc<SkewedClock> {
    Arc::new(SkewedClock {
        service: h.clock.clone(),
        skew: Mutex::new(TimeDelta::minutes(minutes)),
    })
}

fn device_on(h: &Harness, clock: &Arc<SkewedClock>) -> clavepin_core::Device {
    let clock: Arc<dyn Clock> = clock.clone();
    h.device_with(&h.device_dir("phone"), &h.url, |c| c.with_clock(clock))
}

#[tokio::test]
async fn a_cold_start_with_the_clock_seven_minutes_off_is_not_refused() {
    for minutes in [7, -7] {
        let h = Harness::start().await;
        let clock = skewed(&h, 0);
        let device = device_on(&h, &clock);
        h.activate(&device, DNI, DNI_VALIDITY).await;
        drop(device);
        // The phone's clock goes wrong while the app is not running.
        clock.set(TimeDelta::minutes(minutes));
        let device = device_on(&h, &clock);
        device.unlock(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
        h.obtain_pin(json!({})).await;
        let pulled = device.pull(DNI).await;
        assert_eq!(pulled.map(|p| p.len()).ok(), Some(1), "clock {minutes:+} min");
        assert_eq!(device.clock_offset(), TimeDelta::minutes(-minutes));
        // What was learned is kept: the next cold start is corrected from the start.
        drop(device);
        let device = device_on(&h, &clock);
        assert_eq!(device.clock_offset(), TimeDelta::minutes(-minutes));
        let latest = device.screen().unwrap().latest.unwrap();
        assert_eq!(latest.countdown.seconds_left, 600, "the expiry shown is on corrected time");
        // What the app hands the platform is a duration, right whatever its clock says.
        let copied = device.clipboard_content(&latest.request_id).unwrap();
        assert_eq!(copied.clear_after_secs, 600);
        let note = device.notification(&latest.request_id, clavepin_core::Locale::Es).unwrap();
        assert_eq!(note.timeout_after_secs, Some(600));
    }
}

#[tokio::test]
async fn a_clock_that_moves_never_makes_a_wait_longer_than_its_rule() {
    let h = Harness::start().await;
    let clock = skewed(&h, 7);
    let device = device_on(&h, &clock);
    h.activate(&device, DNI, DNI_VALIDITY).await;
    device.lock(DNI).unwrap();
    for _ in 0..5 {
        device.unlock(DNI, &Pattern::parse("9-8-7-4").unwrap()).await.unwrap_err();
    }
    // The phone's clock is corrected backwards by 14 minutes after the fifth failure.
    clock.set(TimeDelta::minutes(-7));
    drop(device);
    let device = device_on(&h, &clock);
    let err = device.unlock(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap_err();
    assert!(
        matches!(err, CoreError::UnlockWait { wait_secs } if wait_secs <= 30),
        "the 30-s wait stays 30 s: {err}"
    );
    h.clock.advance(TimeDelta::seconds(30));
    device.unlock(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
    // A good pattern clears the wait, however the clock moves afterwards.
    clock.set(TimeDelta::minutes(7));
    device.lock(DNI).unwrap();
    device.unlock(DNI, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
}
