//! Online registration with an invitation letter.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

fn csv_in(letter: &Value) -> String {
    let text = letter["text"].as_str().unwrap();
    let line = text.lines().find(|l| l.starts_with("CSV: ")).unwrap();
    line.trim_start_matches("CSV: ").to_owned()
}

fn completion(csv: &str) -> Value {
    json!({
        "document": DNI,
        "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" },
        "csv": csv,
        "mobile": "+34 612 345 678",
        "email": "ana@example.es"
    })
}

#[tokio::test]
async fn a_letter_goes_to_the_fiscal_address_and_its_code_registers_the_citizen() {
    let svc = TestService::start().await;
    svc.load_census(vec![dni_census()]).await;
    let (status, resp) = svc.post("/registration/invitation", &dni_claim()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{resp}");

    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    let letter = &letters["items"][0];
    assert_eq!(letter["to_name"], "Ana García López");
    assert_eq!(letter["address"], "Calle Mayor 1, 28013 Madrid");
    let csv = csv_in(letter);
    assert_eq!(csv.len(), 16);
    assert!(csv.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{csv}");

    let (status, resp) = svc.post("/registration/complete", &completion("AAAAAAAAAAAAAAAA")).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_invitation"))
    );

    // Typed in lower case with spaces, as citizens do.
    let typed = format!("{} {}", &csv[..8], &csv[8..]).to_lowercase();
    let (status, resp) = svc.post("/registration/complete", &completion(&typed)).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
    assert_eq!(resp["channel"], "letter");

    // Used once; and a registered citizen gets no more letters.
    let (status, _) = svc.post("/registration/complete", &completion(&csv)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, resp) = svc.post("/registration/invitation", &dni_claim()).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_registered"))
    );
}

#[tokio::test]
async fn unknown_documents_and_wrong_contrast_data_look_the_same() {
    let svc = TestService::start().await;
    svc.load_census(vec![dni_census()]).await;
    let mut wrong = dni_claim();
    wrong["contrast"]["valid_until"] = json!("2029-01-31");
    let unknown = json!({ "document": "87654321X", "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" } });
    let (s1, r1) = svc.post("/registration/invitation", &wrong).await;
    let (s2, r2) = svc.post("/registration/invitation", &unknown).await;
    assert_eq!((s1, &r1), (s2, &r2));
    assert_eq!(r1["error"], "contrast_data_mismatch");
    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    assert!(letters["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn five_wrong_codes_void_the_letter_and_letters_expire() {
    let svc = TestService::start().await;
    svc.load_census(vec![dni_census()]).await;
    svc.post("/registration/invitation", &dni_claim()).await;
    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    let csv = csv_in(&letters["items"][0]);
    for _ in 0..5 {
        let (status, _) = svc.post("/registration/complete", &completion("BBBBBBBBBBBBBBBB")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = svc.post("/registration/complete", &completion(&csv)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the letter is void after five wrong codes");

    // A new letter; 30 days later its code no longer works.
    svc.post("/registration/invitation", &dni_claim()).await;
    let (_, letters) = svc.operator_get("/operator/outbox/letters?after=1").await;
    let csv = csv_in(&letters["items"][0]);
    svc.clock.advance(chrono::TimeDelta::days(30));
    let (status, _) = svc.post("/registration/complete", &completion(&csv)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_letter_cannot_be_voided_without_the_contrast_data() {
    let svc = TestService::start().await;
    svc.load_census(vec![dni_census()]).await;
    svc.post("/registration/invitation", &dni_claim()).await;
    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    let csv = csv_in(&letters["items"][0]);
    // Someone who knows only the DNI number guesses codes: refused before the letter.
    let mut stranger = completion("CCCCCCCCCCCCCCCC");
    stranger["contrast"]["valid_until"] = json!("2031-01-31");
    for _ in 0..5 {
        let (status, resp) = svc.post("/registration/complete", &stranger).await;
        assert_eq!(
            (status, resp["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("contrast_data_mismatch"))
        );
    }
    // Five failed claims in an hour: the document rests, even with the right data.
    let (status, resp) = svc.post("/registration/complete", &completion(&csv)).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    assert!(resp["retry_after_secs"].as_i64().unwrap() > 3000);
    svc.clock.advance(chrono::TimeDelta::hours(1));
    let (status, resp) = svc.post("/registration/complete", &completion(&csv)).await;
    assert_eq!(status, StatusCode::CREATED, "the letter survived: {resp}");
}

#[tokio::test]
async fn contrast_data_cannot_be_guessed_on_any_public_endpoint() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let mut guess = dni_claim();
    for day in 1..=5 {
        guess["contrast"]["valid_until"] = json!(format!("2030-02-{day:02}"));
        let (status, _) = svc.post("/device/activation", &guess).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    for (path, body) in [
        ("/device/activation", dni_claim()),
        ("/portal/pin-requests", dni_claim()),
        ("/registration/invitation", dni_claim()),
    ] {
        let (status, resp) = svc.post(path, &body).await;
        assert_eq!(
            (status, resp["error"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")),
            "{path}"
        );
    }
    assert!(svc.sms_outbox().await.is_empty());
}

#[tokio::test]
async fn a_birth_date_in_the_future_and_an_expired_dni_are_refused_with_the_reason() {
    let svc = TestService::start().await;
    let mut unborn = dni_census();
    unborn["birth_date"] = json!("2085-04-12");
    let (status, resp) =
        svc.operator_post("/operator/census", &json!({ "records": [unborn] })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(resp["message"].as_str().unwrap().contains("12/04/2085) is in the future"), "{resp}");

    let mut expired = dni_census();
    expired["contrast"] = json!({ "kind": "dni_validity", "valid_until": "1990-01-31" });
    let (status, _) = svc.operator_post("/operator/census", &json!({ "records": [expired] })).await;
    assert_eq!(status, StatusCode::OK, "the census may hold an old document");
    let register = json!({ "document": DNI, "contrast": { "kind": "dni_validity", "valid_until": "1990-01-31" }, "mobile": "612345678", "email": "a@example.es" });
    let (status, resp) = svc.operator_post("/operator/citizens", &register).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(resp["message"].as_str().unwrap().contains("the DNI expired on 31/01/1990"), "{resp}");
}

#[tokio::test]
async fn concurrent_wrong_claims_get_exactly_the_allowed_mismatches() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    // 60 "Obtain PIN" requests at once, each with a different wrong validity date: the
    // check and the count of a failure are one step, so only 5 are told "mismatch".
    let requests = (0..60).map(|i| {
        let day = 1 + i % 28;
        let month = 1 + i / 28;
        let body = json!({
            "document": DNI,
            "contrast": { "kind": "dni_validity", "valid_until": format!("2031-{month:02}-{day:02}") }
        });
        let svc = &svc;
        async move { svc.post("/portal/pin-requests", &body).await }
    });
    let answers = futures_util::future::join_all(requests).await;
    let mismatches = answers.iter().filter(|(_, b)| b["error"] == "contrast_data_mismatch").count();
    let throttled = answers.iter().filter(|(_, b)| b["error"] == "too_many_attempts").count();
    assert_eq!((mismatches, throttled), (5, 55));
}

/// A client speaking from `address` (127.0.0.x stand for distinct clients).
fn client_at(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::from(address)).build().unwrap()
}

async fn claim_from(svc: &TestService, client: &reqwest::Client, valid_until: &str) -> Value {
    let body = json!({
        "document": DNI,
        "contrast": { "kind": "dni_validity", "valid_until": valid_until }
    });
    let resp = client.post(format!("{}/device/activation", svc.url)).json(&body).send().await;
    resp.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn an_attackers_failures_stop_the_attacker_and_only_delay_the_citizen() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    let attacker = client_at([127, 0, 0, 2]);
    let citizen = client_at([127, 0, 0, 3]);
    for i in 0..5 {
        let answer = claim_from(&svc, &attacker, &format!("2031-01-{:02}", i + 1)).await;
        assert_eq!(answer["error"], "contrast_data_mismatch", "{answer}");
    }
    // The document now waits 30 s, for everyone; the attacker's address, an hour.
    let answer = claim_from(&svc, &citizen, "2030-01-31").await;
    assert_eq!(answer["error"], "too_many_attempts", "{answer}");
    assert_eq!(answer["retry_after_secs"], 30);
    svc.clock.advance(chrono::TimeDelta::seconds(30));
    let answer = claim_from(&svc, &attacker, "2031-02-01").await;
    assert_eq!(answer["error"], "too_many_attempts", "{answer}");
    assert!(answer["retry_after_secs"].as_i64().unwrap() > 3000, "{answer}");
    // The citizen's own claim goes through: no lock-out, only the wait.
    let answer = claim_from(&svc, &citizen, "2030-01-31").await;
    assert!(answer["activation_id"].is_string(), "{answer}");
}

#[tokio::test]
async fn an_attacker_rotating_addresses_gets_about_a_hundred_guesses_a_day() {
    let svc = TestService::start().await;
    svc.registered_citizen().await;
    // 250 addresses, each trying one wrong date whenever the document lets it, for a
    // day of the service's clock; then the citizen comes.
    let clients: Vec<_> = (0..250u8).map(|i| client_at([127, 0, 1, i])).collect();
    let mut guesses = 0;
    let start = svc.clock_now();
    let mut tried = 0usize;
    while svc.clock_now() - start < chrono::TimeDelta::hours(24) {
        let attacker = &clients[tried % clients.len()];
        tried += 1;
        let date = format!("2031-{:02}-{:02}", 1 + tried / 28 % 12, 1 + tried % 28);
        let answer = claim_from(&svc, attacker, &date).await;
        let wait = match answer["error"].as_str() {
            Some("contrast_data_mismatch") => {
                guesses += 1;
                continue;
            }
            Some("too_many_attempts") => answer["retry_after_secs"].as_i64().unwrap(),
            _ => panic!("{answer}"),
        };
        assert!(wait <= 15 * 60, "a document never waits more than 15 minutes: {wait}");
        svc.clock.advance(chrono::TimeDelta::seconds(wait));
    }
    assert!((90..=110).contains(&guesses), "{guesses} guesses in a day");
    // And the citizen, whenever they come, waits at most one delay.
    let answer = claim_from(&svc, &client_at([127, 0, 0, 3]), "2030-01-31").await;
    let wait = answer["retry_after_secs"].as_i64().unwrap_or(0);
    assert!(wait <= 900, "{answer}");
    svc.clock.advance(chrono::TimeDelta::seconds(wait));
    let answer = claim_from(&svc, &client_at([127, 0, 0, 3]), "2030-01-31").await;
    assert!(answer["activation_id"].is_string(), "{answer}");
}

#[tokio::test]
async fn at_most_three_letters_a_month_go_to_one_citizen() {
    let svc = TestService::start().await;
    svc.load_census(vec![dni_census()]).await;
    for _ in 0..3 {
        let (status, resp) = svc.post("/registration/invitation", &dni_claim()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{resp}");
        svc.clock.advance(chrono::TimeDelta::days(1));
    }
    let (status, resp) = svc.post("/registration/invitation", &dni_claim()).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_letters"))
    );
    let wait = resp["retry_after_secs"].as_i64().unwrap();
    assert_eq!(wait, 27 * 86_400, "{resp}");
    let (_, letters) = svc.operator_get("/operator/outbox/letters").await;
    assert_eq!(letters["items"].as_array().unwrap().len(), 3, "no letter for the refused request");
    svc.clock.advance(chrono::TimeDelta::seconds(wait));
    let (status, _) = svc.post("/registration/invitation", &dni_claim()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
}
