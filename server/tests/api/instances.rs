//! Two instances of one service, each with its own data folder, on one PostgreSQL
//! database and one key file, act as one service: a PIN issued through one reaches a
//! channel open on the other, is used once whichever instance is asked, and the
//! limits count on both. On SQLite (one instance owns the file) these do not run.

use std::sync::Arc;

use chrono::DateTime;
use clavepin_protocol::ManualClock;
use reqwest::StatusCode;
use serde_json::json;

use crate::delivery::Events;
use crate::support::*;

/// Two instances, `a` holding the operator's data, both serving.
struct Pair {
    a: TestService,
    b: TestService,
    _root: tempfile::TempDir,
}

impl Pair {
    /// One of the two, by turn.
    fn either(&self, i: usize) -> &TestService {
        if i.is_multiple_of(2) { &self.a } else { &self.b }
    }
}

async fn two_instances() -> Option<Pair> {
    let root = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (root.path().join("a"), root.path().join("b"));
    let database = crate::postgres::database_for(&dir_a)?;
    let keys = root.path().join("shared.key");
    let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()));
    let on = |config: clavepin_server::ServiceConfig| {
        config.with_database(database.clone()).with_keys_file(&keys)
    };
    let a = TestService::start_configured(&dir_a, clock.clone(), on).await;
    let b = TestService::start_configured(&dir_b, clock, on).await;
    Some(Pair { a, b, _root: root })
}

macro_rules! two_instances_or_skip {
    () => {
        match two_instances().await {
            Some(pair) => pair,
            None => {
                eprintln!("one instance on SQLite: set CLAVEPIN_TEST_DATABASE to run this");
                return;
            }
        }
    };
}

#[tokio::test]
async fn a_pin_issued_on_one_instance_reaches_the_channel_open_on_the_other() {
    let pair = two_instances_or_skip!();
    pair.a.registered_citizen().await;
    let device = TestDevice::activate(&pair.b).await;
    let mut on_b = Events::open(&pair.b, &device).await;
    let mut on_a = Events::open(&pair.a, &device).await;
    let (status, created) = pair.a.obtain_pin(json!({ "code": "FARX" })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    for channel in [&mut on_b, &mut on_a] {
        let (event, pin) = channel.next().await;
        assert_eq!(event, "pin");
        assert_eq!(pin["request_id"], created["request_id"]);
        assert_eq!(device.open(&pin).code.as_str(), "FARX");
    }
    // And the other way round.
    let (_, again) = pair.b.obtain_pin(json!({ "code": "BACK" })).await;
    let (_, pin) = on_a.next().await;
    assert_eq!(pin["request_id"], again["request_id"]);
}

#[tokio::test]
async fn a_pin_is_used_once_whichever_instances_are_asked_at_once() {
    let pair = two_instances_or_skip!();
    pair.a.registered_citizen().await;
    let (status, created) = pair.b.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["request_id"].as_str().unwrap();
    let code = created["code"].as_str().unwrap();
    let (_, pin) = pair.a.last_sms_pin().await;
    let (pair, pin) = (&pair, &pin);
    let answers = futures_util::future::join_all(
        (0..32).map(|i| async move { pair.either(i).verify(id, code, pin).await.0 }),
    )
    .await;
    let granted = answers.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(granted, 1, "one Access in 32, on two instances: {answers:?}");
}

#[tokio::test]
async fn wrong_pins_count_once_across_instances() {
    let pair = two_instances_or_skip!();
    pair.a.registered_citizen().await;
    let (_, created) = pair.a.obtain_pin(json!({})).await;
    let id = created["request_id"].as_str().unwrap();
    let code = created["code"].as_str().unwrap();
    let (_, real) = pair.a.last_sms_pin().await;
    let wrong: Vec<String> = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH"]
        .into_iter()
        .filter(|w| !w.eq_ignore_ascii_case(&real))
        .map(str::to_owned)
        .collect();
    let both = &pair;
    let answers = futures_util::future::join_all(
        wrong
            .iter()
            .enumerate()
            .map(|(i, w)| async move { both.either(i).verify(id, code, w).await.1 }),
    )
    .await;
    let wrong_told = answers.iter().filter(|a| a["error"] == "wrong_pin").count();
    let dead = answers.iter().filter(|a| a["error"] == "pin_request_dead").count();
    assert_eq!((wrong_told, dead), (2, wrong.len() - 2), "3 guesses in all: {answers:?}");
    let (status, _) = pair.b.verify(id, code, &real).await;
    assert_eq!(status, StatusCode::GONE, "dead on both instances");
}

#[tokio::test]
async fn the_push_cap_and_the_claim_limit_hold_across_instances() {
    let pair = two_instances_or_skip!();
    pair.a.registered_citizen().await;
    let answers =
        futures_util::future::join_all((0..12).map(|i| pair.either(i).obtain_pin(json!({})))).await;
    let issued = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let capped = answers.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((issued, capped), (5, 7), "5 PINs in 10 minutes, on both instances together");

    // Wrong contrast data: 5 failures for the document from one client, then it waits.
    let mut wrong = dni_claim();
    wrong["contrast"]["valid_until"] = json!("2031-02-28");
    let mut statuses = Vec::new();
    for i in 0..7 {
        statuses.push(pair.either(i).post("/device/activation", &wrong).await.0);
    }
    let refused = statuses.iter().filter(|s| **s == StatusCode::FORBIDDEN).count();
    let waiting = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((refused, waiting), (5, 2), "{statuses:?}");
}

#[tokio::test]
async fn an_instance_with_other_keys_is_refused() {
    let pair = two_instances_or_skip!();
    let dir = pair._root.path().join("c");
    let database = crate::postgres::database_for(&pair._root.path().join("a")).unwrap();
    // No --keys: a key of its own is made, which the database does not know.
    let config = clavepin_server::ServiceConfig::new(&dir).with_database(database);
    let err = clavepin_server::Service::open(config).unwrap_err();
    assert!(err.to_string().contains("other keys"), "{err}");
}
