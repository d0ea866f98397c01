//! Approving a sign-in from the phone: the code scanned from the log-in page's QR
//! code, who asks, the pattern drawn again, and what a wrong pattern, a locked
//! citizen or a wrong code do.

use clavepin_core::{CoreError, Pattern};
use clavepin_e2e::*;
use clavepin_protocol::ApprovalCode;
use clavepin_protocol::wire::ErrorCode;
use serde_json::json;

async fn start(h: &Harness, device: &clavepin_core::Device) -> (String, ApprovalCode) {
    let claim = json!({
        "document": DNI,
        "contrast": { "kind": "dni_validity", "valid_until": "2030-01-31" }
    });
    let (status, started) = h.portal("/portal/approvals", claim).await;
    assert_eq!(status, 201, "{started}");
    let code = device.read_approval_code(started["link"].as_str().unwrap()).unwrap();
    (started["approval_id"].as_str().unwrap().to_owned(), code)
}

async fn completed(h: &Harness, id: &str) -> u16 {
    h.portal(&format!("/portal/approvals/{id}/complete"), json!({})).await.0
}

#[tokio::test]
async fn the_phone_approves_only_with_the_pattern_drawn_again() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    let (id, code) = start(&h, &device).await;

    let asked = device.look_up_approval(DNI, &code).await.unwrap();
    assert_eq!((asked.site, asked.code.clone()), (None, code.clone()));
    // A link to another host is someone else's, whatever code it holds.
    let elsewhere = format!("https://evil.example/approve?code={}", code.expose());
    let err = device.read_approval_code(&elsewhere).unwrap_err();
    assert!(matches!(err, CoreError::ApprovalCode(_)), "{err}");
    assert_eq!(asked.expires_at - asked.requested_at, chrono::TimeDelta::minutes(5));

    // A wrong pattern approves nothing, and counts as a wrong unlock.
    let wrong = Pattern::parse("7-8-9-6-3").unwrap();
    let err = device.approve_sign_in(DNI, &code, &wrong).await.unwrap_err();
    assert!(matches!(err, CoreError::WrongPattern { tries_left: 9, .. }), "{err}");
    assert_eq!(completed(&h, &id).await, 409, "still pending");

    // Locked (the app went to the background): nothing is looked up without it.
    device.lock(DNI).unwrap();
    let err = device.look_up_approval(DNI, &code).await.unwrap_err();
    assert!(matches!(err, CoreError::Locked), "{err}");
    // Approving needs no unlock first: the pattern is drawn for it.
    device.approve_sign_in(DNI, &code, &Pattern::parse(PATTERN).unwrap()).await.unwrap();
    assert_eq!(completed(&h, &id).await, 200);
}

#[tokio::test]
async fn a_wrong_code_finds_nothing_and_not_me_holds_pushes() {
    let h = Harness::start().await;
    let device = h.device("phone");
    h.activate(&device, DNI, DNI_VALIDITY).await;
    let (id, code) = start(&h, &device).await;
    let other =
        ApprovalCode::parse(if code.expose().starts_with('A') { "BBBBBBBB" } else { "AAAAAAAA" })
            .unwrap();
    let err = device.look_up_approval(DNI, &other).await.unwrap_err();
    assert!(matches!(err, CoreError::Refused { code: ErrorCode::UnknownApproval, .. }), "{err}");
    let until = device.refuse_sign_in(DNI, &code, true).await.unwrap();
    let until = until.expect("\"this wasn't me\" says until when pushes are held");
    assert_eq!(until - device.now(), chrono::TimeDelta::minutes(20));
    assert_eq!(completed(&h, &id).await, 404);
    let created = h.obtain_pin(json!({})).await;
    assert_eq!(created["channel"], "sms");
}
