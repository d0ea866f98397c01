//! The operator API: census and office registration, behind the bearer token.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn the_operator_api_needs_the_token_from_the_data_folder() {
    let svc = TestService::start().await;
    let body = json!({ "records": [dni_census()] });
    for token in [None, Some("wrong-token")] {
        let (status, resp) = svc.call(Method::POST, "/operator/census", Some(&body), token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(resp["error"], "unauthorized");
    }
    let (status, _) = svc.call(Method::GET, "/operator/outbox/sms", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, resp) = svc.operator_post("/operator/census", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resp["loaded"], 1);
}

#[tokio::test]
async fn an_office_registers_a_citizen_whose_contrast_data_matches_the_census() {
    let svc = TestService::start().await;
    let mut reg = dni_claim();
    reg["mobile"] = json!("612345678");
    reg["email"] = json!("ana@example.es");

    let (status, resp) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!((status, resp["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_in_census")));

    svc.load_census(vec![dni_census(), nie_census()]).await;
    let mut wrong = reg.clone();
    wrong["contrast"]["valid_until"] = json!("2031-01-31");
    let (status, resp) = svc.operator_post("/operator/citizens", &wrong).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("contrast_data_mismatch"))
    );

    let mut bad_phone = reg.clone();
    bad_phone["mobile"] = json!("912345678");
    let (status, resp) = svc.operator_post("/operator/citizens", &bad_phone).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(resp["message"].as_str().unwrap().contains("mobile"));

    let (status, resp) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
    assert_eq!(resp["channel"], "office");
    let (status, resp) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(
        (status, resp["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_registered"))
    );
}

#[tokio::test]
async fn census_records_are_checked_and_a_bad_batch_changes_nothing() {
    let svc = TestService::start().await;
    let mut mismatched = nie_census();
    mismatched["contrast"] = json!({ "kind": "dni_validity", "valid_until": "2030-01-31" });
    let (status, resp) = svc
        .operator_post("/operator/census", &json!({ "records": [dni_census(), mismatched] }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{resp}");

    let mut bad_letter = dni_census();
    bad_letter["document"] = json!("12345678A");
    let (status, resp) =
        svc.operator_post("/operator/census", &json!({ "records": [bad_letter] })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(resp["message"].as_str().unwrap().contains("control letter"), "{resp}");

    // The valid first record of the refused batch was not kept.
    let mut reg = dni_claim();
    reg["mobile"] = json!("612345678");
    reg["email"] = json!("ana@example.es");
    let (status, _) = svc.operator_post("/operator/citizens", &reg).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
