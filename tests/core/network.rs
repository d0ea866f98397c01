//! Network faults between the core and the service: dropped connections, a proxy's
//! 503, answers cut off halfway, slow answers and garbage. The core retries what is
//! safe to retry, reports the rest clearly, and never loses or doubles a PIN.

use std::time::{Duration, Instant};

use clavepin_core::CoreError;
use clavepin_e2e::*;
use serde_json::json;

async fn activated_behind_faults(h: &Harness) -> (clavepin_core::Device, Faults) {
    let faults = Faults::start(h.addr()).await;
    let device = h.device_with(&h.device_dir("phone"), &faults.url, |c| c);
    h.activate(&device, DNI, DNI_VALIDITY).await;
    (device, faults)
}

#[tokio::test]
async fn drops_503s_and_cut_answers_are_retried_and_the_pin_arrives_once() {
    let h = Harness::start().await;
    let (device, faults) = activated_behind_faults(&h).await;
    let created = h.obtain_pin(json!({})).await;
    // The fetch meets a dropped connection, a proxy's 503 and an answer cut off; the
    // acknowledgement after it is cut off too, after the service recorded it.
    faults.then(&[
        Fault::Drop,
        Fault::Unavailable,
        Fault::CutMidAnswer,
        Fault::Pass,
        Fault::CutMidAnswer,
    ]);
    let received = device.pull(DNI).await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].request_id.as_str(), created["request_id"].as_str().unwrap());
    let seen = faults.seen();
    let fetches = seen.iter().filter(|(line, _)| line.starts_with("GET /device/pins ")).count();
    let acks = seen.iter().filter(|(line, _)| line.contains("/ack ")).count();
    assert_eq!((fetches, acks), (4, 2), "{seen:?}");
    // Nothing is fetched twice or kept twice: the service saw the acknowledgement.
    assert!(device.pull(DNI).await.unwrap().is_empty());
    let history = device.history(None, 10).unwrap();
    assert_eq!(history.len(), 1, "the PIN is held once");
}

#[tokio::test]
async fn a_slow_answer_is_waited_for() {
    let h = Harness::start().await;
    let (device, faults) = activated_behind_faults(&h).await;
    h.obtain_pin(json!({})).await;
    faults.then(&[Fault::Slow]);
    let started = Instant::now();
    assert_eq!(device.pull(DNI).await.unwrap().len(), 1);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_service_that_stays_away_is_reported_as_offline_after_a_few_tries() {
    let h = Harness::start().await;
    let (device, faults) = activated_behind_faults(&h).await;
    let before = faults.seen().len();
    faults.then(&[Fault::Drop; 4]);
    let started = Instant::now();
    let err = device.pull(DNI).await.unwrap_err();
    assert!(matches!(err, CoreError::Offline(_)), "{err:?}");
    // Four tries, waits of 250, 500 and 1,000 ms between them: a citizen hears of it
    // in under two seconds, not after a minute of spinning.
    assert_eq!(faults.seen().len() - before, 4);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // A proxy that only ever says 503 reads the same: unavailable, try later.
    faults.then(&[Fault::Unavailable; 4]);
    let err = device.pull(DNI).await.unwrap_err();
    assert!(matches!(&err, CoreError::Offline(reason) if reason.contains("503")), "{err:?}");
}

#[tokio::test]
async fn garbage_is_an_unexpected_answer_and_is_not_retried() {
    let h = Harness::start().await;
    let (device, faults) = activated_behind_faults(&h).await;
    h.obtain_pin(json!({})).await;
    let before = faults.seen().len();
    faults.then(&[Fault::Garbage]);
    let err = device.pull(DNI).await.unwrap_err();
    assert!(matches!(err, CoreError::Protocol(_)), "{err:?}");
    assert_eq!(faults.seen().len() - before, 1, "a captive portal's page is not asked again");
    // Nothing was lost: the next fetch brings the PIN.
    assert_eq!(device.pull(DNI).await.unwrap().len(), 1);
}
