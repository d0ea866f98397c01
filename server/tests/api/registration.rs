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
