//! Brute force, measured: an attacker who holds the citizen's contrast data guesses
//! PINs and activation codes as fast as the service lets them (the service's clock
//! moved on by every wait it imposes), and the guesses it evaluates, and so the odds,
//! stay within what docs/SECURITY.md promises.

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

/// PINs an attacker would try: all distinct, in an order unrelated to the draw.
fn guesses() -> impl Iterator<Item = String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..ALPHABET.len().pow(3)).map(|n| {
        let n = (n * 7919) % ALPHABET.len().pow(3);
        let at = |k: usize| ALPHABET[(n / ALPHABET.len().pow(k as u32)) % ALPHABET.len()] as char;
        [at(2), at(1), at(0)].iter().collect()
    })
}

#[tokio::test]
async fn one_pin_request_gives_three_guesses_even_all_at_once() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let (status, created) = svc.obtain_pin(json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["request_id"].as_str().unwrap().to_owned();
    let code = created["code"].as_str().unwrap().to_owned();
    let (_, real) = svc.last_sms_pin().await;
    // 200 different wrong PINs at once: the count and the check are one step.
    let tries = guesses().filter(|g| !g.eq_ignore_ascii_case(&real)).take(200);
    let answers = futures_util::future::join_all(tries.map(|pin| {
        let (svc, id, code) = (&svc, &id, &code);
        async move { svc.verify(id, code, &pin).await.1 }
    }))
    .await;
    // Two are told "wrong" with a try left; the third wrong guess kills the request,
    // and everything after it is refused unread.
    let mut left: Vec<_> = answers
        .iter()
        .filter(|a| a["error"] == "wrong_pin")
        .map(|a| a["tries_left"].as_u64().unwrap())
        .collect();
    left.sort_unstable();
    let dead = answers.iter().filter(|a| a["error"] == "pin_request_dead").count();
    assert_eq!((left, dead), (vec![1, 2], 198), "3 guesses per request: 3 / 29,791 ≈ 0.010 %");
    // Not even the right PIN opens it now.
    let (status, _) = svc.verify(&id, &code, &real).await;
    assert_eq!(status, StatusCode::GONE);
}

#[tokio::test]
async fn a_citizens_pins_give_at_most_100_guesses_and_days_of_waiting() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let started = svc.clock_now();
    let mut pins = guesses();
    let (mut evaluated, mut hits, mut waited) = (0u32, 0u32, TimeDelta::zero());
    let mut live: Option<(String, String)> = None;
    loop {
        let (id, code) = match live.clone() {
            Some(request) => request,
            None => {
                let (status, created) = svc.obtain_pin(json!({})).await;
                match created["error"].as_str() {
                    None => {
                        assert_eq!(status, StatusCode::CREATED);
                        let request = (
                            created["request_id"].as_str().unwrap().to_owned(),
                            created["code"].as_str().unwrap().to_owned(),
                        );
                        live = Some(request.clone());
                        request
                    }
                    Some("too_many_pins" | "throttled") => {
                        let wait =
                            TimeDelta::seconds(created["retry_after_secs"].as_i64().unwrap());
                        svc.clock.advance(wait);
                        waited += wait;
                        continue;
                    }
                    Some("pins_locked") => break,
                    Some(other) => panic!("obtain refused: {other}"),
                }
            }
        };
        let guess = pins.next().unwrap();
        let (_, answer) = svc.verify(&id, &code, &guess).await;
        match answer["error"].as_str() {
            None => {
                // A lucky guess: the attacker is in (and the citizen's count resets).
                hits += 1;
                evaluated += 1;
                live = None;
            }
            Some("wrong_pin") => evaluated += 1,
            Some("pin_request_dead") => {
                evaluated += 1;
                live = None;
            }
            Some("throttled") => {
                let wait = TimeDelta::seconds(answer["retry_after_secs"].as_i64().unwrap());
                svc.clock.advance(wait);
                waited += wait;
            }
            Some("pin_expired" | "pin_superseded") => live = None,
            Some("pins_locked") => break,
            Some(other) => panic!("verify refused: {other}"),
        }
        assert!(svc.clock_now() - started < TimeDelta::days(30), "the attack never stopped");
    }
    // SECURITY.md: 100 guesses, the last of them the stop, after ≥ 5,241 minutes of
    // enforced waiting: odds 100 / 29,791 ≈ 0.34 %.
    assert!(hits > 0 || evaluated <= 100, "{evaluated} guesses evaluated");
    if hits == 0 {
        assert!(
            waited >= TimeDelta::minutes(5_241),
            "only {} minutes waited",
            waited.num_minutes()
        );
    }
    let odds = f64::from(evaluated) / 29_791.0;
    assert!(odds <= 100.0 / 29_791.0, "odds {odds}");
    eprintln!(
        "PINs: {evaluated} guesses evaluated in {} simulated days ({} min waited), odds {:.3} %",
        (svc.clock_now() - started).num_days(),
        waited.num_minutes(),
        odds * 100.0
    );
}

#[tokio::test]
async fn activation_codes_give_at_most_90_guesses_in_30_days() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let started = svc.clock_now();
    let (mut evaluated, mut hits) = (0u32, 0u32);
    let mut next_code = 0u32;
    while svc.clock_now() - started < TimeDelta::days(30) {
        let (status, started_at) = svc.post("/device/activation", &dni_claim()).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = started_at["retry_after_secs"].as_i64().unwrap();
            svc.clock.advance(TimeDelta::seconds(wait));
            continue;
        }
        assert_eq!(status, StatusCode::CREATED, "{started_at}");
        let id = started_at["activation_id"].as_str().unwrap().to_owned();
        loop {
            let guess = format!("{:06}", (next_code * 104_729) % 1_000_000);
            next_code += 1;
            let body =
                json!({ "code": guess, "signing_key": "x", "agreement_share": "x", "proof": "x" });
            let (_, answer): (StatusCode, Value) =
                svc.post(&format!("/device/activation/{id}/complete"), &body).await;
            match answer["error"].as_str() {
                Some("wrong_code") => evaluated += 1,
                Some("code_exhausted") => {
                    evaluated += 1;
                    break;
                }
                // The right code: only the (deliberately bad) keys were refused.
                Some("bad_request") => {
                    evaluated += 1;
                    hits += 1;
                    break;
                }
                other => panic!("{other:?}: {answer}"),
            }
        }
    }
    // SECURITY.md: 3 codes an hour, 10 a day, 30 in 30 days, 3 tries each: 90 guesses,
    // 90 / 10⁶ ≈ 0.009 %.
    assert!(evaluated <= 90, "{evaluated} code guesses in 30 days");
    assert!(evaluated >= 80, "the attacker was throttled harder than promised: {evaluated}");
    eprintln!("activation codes: {evaluated} guesses in 30 days, {hits} would have won");
}
